using System.Globalization;
using System.Net;
using System.Text.Json;
using Arbitrage.Testing;
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

    [Fact]
    public async Task A_paper_position_survives_a_SIGKILL_reconciles_without_a_difference_and_exits_through_its_stop()
    {
        // Phase 2: 99 through the ≈99.6 stop, past the next 15 s tick (the paper venue fills on ticks).
        await using var sim = await SimulatorProcess.StartAsync(WriteTape((5_000, 99m), (10_000, 99m), (16_000, 99m)));
        var env = NodeEnvironment(sim, live: false);

        await OpenPaperPositionThenKillAsync(sim, env);

        await using var second = NodeProcess.Start(_work, env);
        using var client = new NodeClient(await second.WaitListeningAsync(Deadline));
        await client.LoginAsync();
        await client.WaitForAsync("/api/risk", (s, b) => s == HttpStatusCode.OK && b.GetProperty("executorReady").GetBoolean(), Deadline);

        // The paper venue came back with its orders, fills and balance: nothing differs from the executor's journal.
        Assert.Equal(0L, await JournalCountAsync("executor", "execution-reconciled.v1"));
        var positions = (await client.GetAsync("/api/positions")).Body;
        Assert.Equal([Symbol], positions.EnumerateArray().Select(p => p.GetProperty("symbol").GetString()));

        // The restarted feed is subscribed before the tape goes on (frames nobody subscribed to are not sent).
        await client.WaitForAsync("/api/health", (s, b) => b.GetProperty("feeds")[0].GetProperty("status").GetString() == "connected", Deadline);
        await UntilAsync(async () => (await sim.StateAsync()).GetProperty("sessions").GetInt32() == 1, "only the restarted node's market stream at the simulator", second);
        await sim.PostAsync("/sim/control/step?frames=3");
        await client.WaitForAsync("/api/positions", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() == 0, Deadline);
        var trade = (await client.WaitForAsync("/api/trades", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() == 1, Deadline))[0];
        Assert.Equal("stop_loss", trade.GetProperty("exitReason").GetString());
        Assert.False(second.HasExited, second.Stdout);
    }

    [Fact]
    public async Task An_operator_close_clears_a_position_the_exchange_does_not_hold_audited_and_alerted()
    {
        await using var sim = await SimulatorProcess.StartAsync(WriteTape((5_000, 100.5m)));
        var env = NodeEnvironment(sim, live: false);
        await OpenPaperPositionThenKillAsync(sim, env);

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
        // Phase 2: through TP1 (≈102.1), then through TP2 (≈103.1).
        await using var sim = await SimulatorProcess.StartAsync(WriteTape((1_000, 102.5m), (2_000, 104m)));
        var env = NodeEnvironment(sim, live: true);
        await using var node = NodeProcess.Start(_work, env);
        using var client = new NodeClient(await node.WaitListeningAsync(Deadline));
        await client.RegisterAndLoginAsync(Invite);
        await UntilAsync(async () => (await sim.StateAsync()).GetProperty("sessions").GetInt32() >= 2, "market and user-data streams connected", node);

        await sim.PostAsync($"/sim/control/step?frames={Phase1Frames}");
        var signal = await UntilAsync(async () =>
        {
            var open = (await sim.AllOrdersAsync(Symbol)).Where(o => o.GetProperty("status").GetString() == "NEW")
                .Select(o => o.GetProperty("clientOrderId").GetString()!).ToArray();
            return open.FirstOrDefault(id => id.EndsWith("-S", StringComparison.Ordinal)) is { } stop && open.Length == 3 ? stop[..^2] : null;
        }, "entry filled, stop and take-profits at the exchange", node);

        // TP1 fills at the exchange; every call to the order endpoint meets a 429 storm (Retry-After 1 s) for a while.
        await sim.PostAsync("/sim/control/fail?kind=429&count=30&path=/fapi/v1/order&retryAfter=1");
        await sim.PostAsync("/sim/control/step?frames=1");
        await UntilAsync(async () =>
        {
            var orders = await sim.AllOrdersAsync(Symbol);
            return StatusOf(orders, signal + "-B") == "NEW" && StatusOf(orders, signal + "-S") == "CANCELED";
        }, "break-even stop placed through the storm, then the old stop canceled", node);
        Assert.Contains("RateLimited", node.Stdout);

        await sim.PostAsync("/sim/control/step?frames=1"); // TP2
        await UntilAsync(async () => (await sim.AllOrdersAsync(Symbol)).All(o => o.GetProperty("status").GetString() != "NEW"),
            "no order left at the exchange", node);
        Assert.Equal(0m, await sim.PositionAsync(Symbol));
        await client.WaitForAsync("/api/positions", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() == 0, Deadline);
        var trade = (await client.WaitForAsync("/api/trades", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() == 1, Deadline))[0];
        Assert.Equal("tp2", trade.GetProperty("exitReason").GetString());
        Assert.DoesNotContain("placement attempts", node.Stdout);
        Assert.False(node.HasExited, node.Stdout);
    }

    // ---- steps ----

    /// <summary>Plays the 70 minutes that signal Long, waits until the paper entry and its bracket are journaled, then SIGKILLs the node.</summary>
    private async Task OpenPaperPositionThenKillAsync(SimulatorProcess sim, Dictionary<string, string> env)
    {
        await using var first = NodeProcess.Start(_work, env);
        using var client = new NodeClient(await first.WaitListeningAsync(Deadline));
        await client.RegisterAndLoginAsync(Invite);
        await UntilAsync(async () => (await sim.StateAsync()).GetProperty("streams").GetArrayLength() >= 1, "market stream subscribed", first);
        await sim.PostAsync($"/sim/control/step?frames={Phase1Frames}");
        await client.WaitForAsync("/api/positions", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() == 1, Deadline);
        await UntilAsync(async () => await JournalCountAsync("executor", "execution-order-accepted.v1") >= 3, "stop and take-profits accepted (the entry filled at once)", first);

        first.Kill(); // SIGKILL of the node process itself
        await first.WaitExitAsync(TimeSpan.FromSeconds(30));
    }

    // ---- set-up ----

    private Dictionary<string, string> NodeEnvironment(SimulatorProcess sim, bool live)
    {
        var strategies = Path.Combine(_work, "strategies");
        Directory.CreateDirectory(strategies);
        // Any CVD direction scores 100 over a threshold of 50: the first tick with an ATR signals; a day of cooldown keeps
        // later ticks (and the restarted node) from signalling again.
        File.WriteAllText(Path.Combine(strategies, "fault.json"), """
            { "id": "fault", "tag": "ft", "version": "1", "symbols": ["*"], "threshold": 50, "cooldown_minutes": 1440,
              "signals": { "cvd": { "weight": 100, "params": { "base_share": 1 } } },
              "tp_sl": { "sl_atr": 1.4, "tp1_atr": 1.05, "tp2_atr": 2.1 }, "enabled": true }
            """);
        var env = NodeProcess.TestEnvironment(_work, Invite);
        env["ARB__Paths__Strategies"] = strategies;
        sim.PointNodeAt(env, Symbol);
        if (live)
        {
            env["ARB__Exchange__Mode"] = "live";
            env["ARB__Exchange__ApiKey"] = SimulatorProcess.Key;
            env["ARB__Exchange__ApiSecret"] = SimulatorProcess.Secret;
        }

        return env;
    }

    /// <summary>Phase 1: buys alternating 100 / 101 every 5 s (ATR 1, CVD up); phase 2: the given trades after the last one.</summary>
    private string WriteTape(params (long AfterMs, decimal Price)[] phase2)
    {
        var path = Path.Combine(_work, "tape.jsonl");
        var lines = new List<string>();
        void Trade(int i, long time, decimal price)
        {
            var p = price.ToString(CultureInfo.InvariantCulture);
            var id = 100_000 + i;
            var frame = $$"""{"e":"aggTrade","E":{{time}},"a":{{id}},"s":"{{Symbol}}","p":"{{p}}","q":"0.2","f":{{id}},"l":{{id}},"T":{{time}},"m":false}""";
            lines.Add($$"""{"recv_ms":{{time}},"stream":"btcusdt@aggTrade","frame":{{frame}}}""");
        }

        var last = T0 + (Phase1Frames - 1) * 5_000L;
        for (var i = 0; i < Phase1Frames; i++) Trade(i, T0 + i * 5_000L, i % 2 == 0 ? 100m : 101m);
        for (var j = 0; j < phase2.Length; j++) Trade(Phase1Frames + j, last + phase2[j].AfterMs, phase2[j].Price);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
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

    private static string StatusOf(IReadOnlyList<JsonElement> orders, string clientOrderId) =>
        orders.FirstOrDefault(o => o.GetProperty("clientOrderId").GetString() == clientOrderId) is { ValueKind: JsonValueKind.Object } o
            ? o.GetProperty("status").GetString()!
            : "absent";

    /// <summary>
    /// Polls until <paramref name="value"/> gives a non-null value, or the deadline (no sleeps: a periodic timer). Twice a
    /// second: the simulator counts our reads against the same request weight as the node's.
    /// </summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T?>> value, string what, NodeProcess node)
    {
        var deadline = DateTime.UtcNow + Deadline;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (true)
        {
            if (await value() is { } v && (v is not bool b || b)) return v;
            if (node.HasExited || DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for: {what}\nnode stdout:\n{node.Stdout}\nstderr:\n{node.Stderr}");
            await timer.WaitForNextTickAsync();
        }
    }

    private static Task<bool> UntilAsync(Func<Task<bool>> condition, string what, NodeProcess node) =>
        UntilAsync<bool>(async () => await condition(), what, node);
}
