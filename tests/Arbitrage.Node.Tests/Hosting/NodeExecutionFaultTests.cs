using System.Net;
using Arbitrage.Testing;
using Arbitrage.Testing.Faults;
using Microsoft.Data.Sqlite;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// Issue 13 with real processes (the node, the standalone simulator): a paper position survives a SIGKILL and restart
/// (the paper venue journals its own account; reconciliation agrees with it), an operator close clears a position the
/// exchange does not hold, and a 429 storm on the move to break-even leaves nothing at the exchange.
/// </summary>
public sealed class NodeExecutionFaultTests : IAsyncLifetime
{
    private const string Symbol = "BTCUSDT";
    private const string Invite = "fault-invite-0123456789";
    private const long T0 = 1_715_126_400_000; // a multiple of 5 minutes: candles align with the tape
    private const int Phase1Frames = 841; // one trade every 5 s from T0 to T0 + 70 min inclusive
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-fault-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        TestDatabases.DeleteQuietly(_work);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_paper_position_survives_a_SIGKILL_reconciles_without_a_difference_and_exits_through_its_stop(bool postgres)
    {
        var run = await ExecutionFaultDrill.PaperRestartAsync(_work, postgres);

        // The paper venue came back with its orders, fills and balance: nothing differs from the executor's journal, the
        // position is still listed, and the tape through its stop closes it.
        Assert.Equal(0L, run.ReconcileDifferences);
        Assert.Equal([Symbol], run.PositionsAfterRestart);
        Assert.Equal(0, run.PositionsAtEnd);
        Assert.Equal(["stop_loss"], run.ExitReasons);
    }

    [Fact]
    public async Task An_operator_close_clears_a_position_the_exchange_does_not_hold_audited_and_alerted()
    {
        await using var sim = await SimulatorProcess.StartManualAsync(ExecutionFaultDrill.WriteTape(_work, (5_000, 100.5m)));
        var env = ExecutionFaultDrill.NodeEnvironment(_work, sim, live: false);
        await ExecutionFaultDrill.OpenPaperPositionThenKillAsync(_work, sim, env, new ExecutionFaultDrill.Journal(_work, postgres: null));

        // A database from before the paper venue had a journal of its own: the executor's journal holds a position, the
        // venue holds nothing (the state issue 13 found after every restart).
        await using (var db = OpenJournal(readOnly: false))
        {
            await using var cmd = db.CreateCommand();
            cmd.CommandText = "DELETE FROM journal WHERE persistence_id = 'paper-exchange'";
            await cmd.ExecuteNonQueryAsync();
        }

        await using var second = NodeProcess.Start(_work, env);
        using var client = new NodeClient(await second.WaitListeningAsync(Deadline));
        await client.LoginAsync();
        await client.WaitForAsync("/api/risk", (s, b) => s == HttpStatusCode.OK && b.GetProperty("executorReady").GetBoolean(), Deadline);
        Assert.Contains(await JournalPayloadsAsync("executor", "execution-reconciled.v1"), p => p.Contains("position_mismatch", StringComparison.Ordinal));
        var phantom = (await client.GetAsync("/api/positions")).Body;
        Assert.Equal([Symbol], phantom.EnumerateArray().Select(p => p.GetProperty("symbol").GetString()));

        var (status, body) = await client.PostAsync($"/api/ops/positions/{Symbol}/close");
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
        await client.WaitForAsync("/api/positions", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() == 0, Deadline);

        // The operator's command is in the audit log; what the executor cleared, and why, is in its journal and the risk history.
        var audit = (await client.WaitForAsync("/api/audit?command=position.close",
            (s, b) => s == HttpStatusCode.OK && b.GetProperty("items").GetArrayLength() == 1, Deadline)).GetProperty("items")[0];
        Assert.Equal("admin", audit.GetProperty("user").GetString());
        var written = Assert.Single(await JournalPayloadsAsync("executor", "execution-position-written-off.v1"));
        Assert.Contains("\"reason\":\"manual_close\"", written);
        var alert = (await client.WaitForAsync("/api/risk/history?kind=risk-execution-alert.v1",
            (s, b) => s == HttpStatusCode.OK && b.GetProperty("items").GetArrayLength() == 1, Deadline)).GetProperty("items")[0].GetProperty("detail");
        Assert.Equal("position_cleared", alert.GetProperty("kind").GetString());
        Assert.Contains("the exchange holds 0 BTCUSDT", alert.GetProperty("detail").GetString());
        Assert.Contains("Executor alert position_cleared", second.Stdout);
    }

    [Fact]
    public async Task A_429_storm_on_the_move_to_break_even_leaves_no_order_at_the_exchange_and_the_symbol_free()
    {
        var run = await ExecutionFaultDrill.OrderFaultAsync(_work, OrderFault.RateLimitStormOnBreakEven, postgres: false);

        Assert.True(run.FaultSeen, "the storm hit the node's order calls");
        Assert.False(run.AttemptsExhausted, "no order given up after its placement attempts");
        Assert.Equal((0, 0, 0m), (run.OrdersLeftOpen, run.DuplicateOrders, run.PositionAtEnd));
        Assert.Equal(["tp2"], run.ExitReasons);
    }

    [Fact]
    public async Task With_6_s_of_REST_latency_when_the_break_even_stop_fills_the_second_take_profit_is_canceled_on_postgres()
    {
        var run = await ExecutionFaultDrill.OrderFaultAsync(_work, OrderFault.LatencyWhenBreakEvenFills, postgres: true);

        Assert.True(run.FaultSeen, "the node's calls timed out");
        Assert.Equal((0, 0, 0m), (run.OrdersLeftOpen, run.DuplicateOrders, run.PositionAtEnd));
        Assert.Equal(["break_even"], run.ExitReasons);
    }

    // ---- the node's journal ----

    private SqliteConnection OpenJournal(bool readOnly)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(_work, "data", "arbitrage.db"),
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
        };
        var db = new SqliteConnection(builder.ConnectionString);
        db.Open();
        return db;
    }

    private async Task<long> JournalCountAsync(string persistenceId, string manifest)
    {
        await using var db = OpenJournal(readOnly: true);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id = $p AND manifest = $m";
        cmd.Parameters.AddWithValue("$p", persistenceId);
        cmd.Parameters.AddWithValue("$m", manifest);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<IReadOnlyList<string>> JournalPayloadsAsync(string persistenceId, string manifest)
    {
        await using var db = OpenJournal(readOnly: true);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT message FROM journal WHERE persistence_id = $p AND manifest = $m ORDER BY sequence_number";
        cmd.Parameters.AddWithValue("$p", persistenceId);
        cmd.Parameters.AddWithValue("$m", manifest);
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(System.Text.Encoding.UTF8.GetString((byte[])reader[0]));
        return rows;
    }
}
