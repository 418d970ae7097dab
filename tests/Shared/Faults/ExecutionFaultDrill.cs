using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Arbitrage.Testing.Faults;

/// <summary>What a <see cref="ExecutionFaultDrill.PaperRestartAsync"/> run saw.</summary>
/// <param name="PositionsAfterRestart">Symbols <c>/api/positions</c> listed once the restarted executor was ready.</param>
/// <param name="ReconcileDifferences">Differences the restarted executor's reconciliation recorded (the paper venue agrees: 0).</param>
/// <param name="PositionsAtEnd">Positions listed after the tape went through the stop.</param>
/// <param name="ExitReasons">Exit reasons of the closed trades (one: <c>stop_loss</c>).</param>
/// <param name="TimeToRecover">From the restart to the executor ready with the position listed.</param>
public sealed record PaperRestartRun(
    IReadOnlyList<string> PositionsAfterRestart, long ReconcileDifferences, int PositionsAtEnd, IReadOnlyList<string> ExitReasons, TimeSpan TimeToRecover);

/// <summary>What a <see cref="ExecutionFaultDrill.OrderFaultAsync"/> run saw.</summary>
/// <param name="OrdersLeftOpen">Orders still NEW at the exchange after the position closed (0).</param>
/// <param name="DuplicateOrders">Orders sent more than once under one client id, plus trades recorded more than once (0).</param>
/// <param name="PositionAtEnd">The exchange's position after the trade closed (0).</param>
/// <param name="ExitReasons">Exit reasons of the closed trades.</param>
/// <param name="FaultSeen">The node's log shows the fault (a rate limit, or a call that timed out).</param>
/// <param name="AttemptsExhausted">The node gave up on an order ("placement attempts"): what issue 13 found.</param>
/// <param name="TimeToRecover">From the fault injected to the exchange holding nothing and the symbol free.</param>
public sealed record OrderFaultRun(
    int OrdersLeftOpen, int DuplicateOrders, decimal PositionAtEnd, IReadOnlyList<string> ExitReasons, bool FaultSeen, bool AttemptsExhausted, TimeSpan TimeToRecover);

/// <summary>The exchange fault an <see cref="ExecutionFaultDrill.OrderFaultAsync"/> run injects.</summary>
public enum OrderFault
{
    /// <summary>Issue 13 item 4: a 429 storm (Retry-After 1 s) on the order endpoint when TP1 fills and the stop moves to break-even.</summary>
    RateLimitStormOnBreakEven,

    /// <summary>Issue 13 item 4: every REST answer takes 6 s (over the 5 s order timeout) when the break-even stop fills.</summary>
    LatencyWhenBreakEvenFills,
}

/// <summary>
/// Issue 13 items 1 and 4 with real processes: a node trading a manual-step tape on the standalone simulator (the paper
/// account, or live against the simulator's account), faults injected at the moments the issue found harmful. Used by
/// <c>NodeExecutionFaultTests</c> and the fault suite; on SQLite or on a fresh PostgreSQL schema.
/// </summary>
public static class ExecutionFaultDrill
{
    public const string Symbol = "BTCUSDT";
    public const string Invite = "fault-invite-0123456789";
    public const long T0 = 1_715_126_400_000; // a multiple of 5 minutes: candles align with the tape
    public const int Phase1Frames = 841; // one trade every 5 s from T0 to T0 + 70 min inclusive
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Issue 13 item 1: the node opens a paper position (entry, stop, take-profits), is SIGKILLed, restarts on the same data:
    /// the paper venue comes back from its journal, reconciliation finds no difference, the position stays listed and exits
    /// through its stop when the tape goes on.
    /// </summary>
    public static async Task<PaperRestartRun> PaperRestartAsync(string work, bool postgres)
    {
        Directory.CreateDirectory(work);
        await using var schema = postgres ? await FreshPostgresSchema.CreateAsync() : null;
        var journal = new Journal(work, schema?.ConnectionString);
        // Phase 2: 99 through the ≈99.6 stop, past the next 15 s tick (the paper venue fills on ticks).
        await using var sim = await SimulatorProcess.StartManualAsync(WriteTape(work, (5_000, 99m), (10_000, 99m), (16_000, 99m)));
        var env = NodeEnvironment(work, sim, live: false, schema?.ConnectionString);

        await OpenPaperPositionThenKillAsync(work, sim, env, journal);

        var clock = Stopwatch.StartNew();
        await using var second = NodeProcess.Start(work, env);
        using var client = new NodeClient(await second.WaitListeningAsync(Deadline));
        await client.LoginAsync();
        await client.WaitForAsync("/api/risk", (s, b) => s == HttpStatusCode.OK && b.GetProperty("executorReady").GetBoolean(), Deadline);
        var positions = (await client.WaitForAsync("/api/positions", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() > 0, TimeSpan.FromSeconds(10)))
            .EnumerateArray().Select(p => p.GetProperty("symbol").GetString()!).ToArray();
        var recover = clock.Elapsed;
        var differences = await journal.CountAsync("executor", "execution-reconciled.v1");

        // The restarted feed is subscribed before the tape goes on (frames nobody subscribed to are not sent).
        await client.WaitForAsync("/api/health", (_, b) => b.GetProperty("feeds")[0].GetProperty("status").GetString() == "connected", Deadline);
        await FaultDrills.UntilAsync(async () => (await sim.StateAsync()).GetProperty("sessions").GetInt32() == 1, "only the restarted node's market stream at the simulator", Deadline, second);
        await sim.PostAsync("/sim/control/step?frames=3");
        var end = await client.WaitForAsync("/api/positions", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() == 0, Deadline);
        var trades = await client.WaitForAsync("/api/trades", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() >= 1, Deadline);
        if (second.HasExited) throw new InvalidOperationException("the restarted node exited:\n" + second.Stdout);
        return new PaperRestartRun(positions, differences, end.GetArrayLength(), ExitReasons(trades), recover);
    }

    /// <summary>
    /// Issue 13 item 4: a live node (against the simulator's account) opens a position with its stop and take-profits; the
    /// <paramref name="fault"/> hits the move to break-even or its fill; the trade must close with nothing left at the exchange.
    /// </summary>
    public static async Task<OrderFaultRun> OrderFaultAsync(string work, OrderFault fault, bool postgres)
    {
        Directory.CreateDirectory(work);
        await using var schema = postgres ? await FreshPostgresSchema.CreateAsync() : null;
        // Phase 2: through TP1 (≈102.1), then through TP2 (≈103.1), or back through the break-even stop (the entry, 100).
        await using var sim = await SimulatorProcess.StartManualAsync(fault == OrderFault.RateLimitStormOnBreakEven
            ? WriteTape(work, (1_000, 102.5m), (2_000, 104m))
            : WriteTape(work, (1_000, 102.5m), (2_000, 99m)));
        var env = NodeEnvironment(work, sim, live: true, schema?.ConnectionString);
        await using var node = NodeProcess.Start(work, env);
        using var client = new NodeClient(await node.WaitListeningAsync(Deadline));
        await client.RegisterAndLoginAsync(Invite);
        await FaultDrills.UntilAsync(async () => (await sim.StateAsync()).GetProperty("sessions").GetInt32() >= 2, "market and user-data streams connected", Deadline, node);

        await FaultDrills.StepBurstAsync(frames => sim.PostAsync($"/sim/control/step?frames={frames}"), Phase1Frames, T0, client, node);
        string? signal = null;
        await FaultDrills.UntilAsync(async () =>
        {
            var open = (await sim.AllOrdersAsync(Symbol)).Where(o => o.GetProperty("status").GetString() == "NEW")
                .Select(o => o.GetProperty("clientOrderId").GetString()!).ToArray();
            signal = open.FirstOrDefault(id => id.EndsWith("-S", StringComparison.Ordinal)) is { } stop && open.Length == 3 ? stop[..^2] : null;
            return signal is not null;
        }, "entry filled, stop and take-profits at the exchange", Deadline, node);

        var clock = Stopwatch.StartNew();
        if (fault == OrderFault.RateLimitStormOnBreakEven)
        {
            // TP1 fills at the exchange; every call to the order endpoint meets a 429 storm (Retry-After 1 s) for a while.
            await sim.PostAsync("/sim/control/fail?kind=429&count=30&path=/fapi/v1/order&retryAfter=1");
            await sim.PostAsync("/sim/control/step?frames=1");
            await FaultDrills.UntilAsync(async () =>
            {
                var orders = await sim.AllOrdersAsync(Symbol);
                return StatusOf(orders, signal + "-B") == "NEW" && StatusOf(orders, signal + "-S") == "CANCELED";
            }, "break-even stop placed through the storm, then the old stop canceled", Deadline, node);
            await sim.PostAsync("/sim/control/step?frames=1"); // TP2
        }
        else
        {
            await sim.PostAsync("/sim/control/step?frames=1"); // TP1: the stop moves to break-even
            await FaultDrills.UntilAsync(async () =>
            {
                var orders = await sim.AllOrdersAsync(Symbol);
                return StatusOf(orders, signal + "-B") == "NEW" && StatusOf(orders, signal + "-S") == "CANCELED";
            }, "break-even stop placed, then the old stop canceled", Deadline, node);
            clock.Restart();
            await sim.PostAsync("/sim/control/latency?ms=6000"); // every REST answer now takes 6 s; the streams stay fast
            await sim.PostAsync("/sim/control/step?frames=1");  // through the break-even stop
        }

        await FaultDrills.UntilAsync(async () => (await sim.AllOrdersAsync(Symbol)).All(o => o.GetProperty("status").GetString() != "NEW"),
            "no order left at the exchange", Deadline, node);
        await client.WaitForAsync("/api/positions", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() == 0, Deadline);
        var recover = clock.Elapsed;
        await sim.PostAsync("/sim/control/latency?ms=0");
        var trades = await client.WaitForAsync("/api/trades", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() >= 1, Deadline);
        var all = await sim.AllOrdersAsync(Symbol);
        var duplicates = all.GroupBy(o => o.GetProperty("clientOrderId").GetString()).Sum(g => g.Count() - 1) + (trades.GetArrayLength() - 1);
        var left = all.Count(o => o.GetProperty("status").GetString() == "NEW");
        var seen = fault == OrderFault.RateLimitStormOnBreakEven ? node.Stdout.Contains("RateLimited", StringComparison.Ordinal) : node.Stdout.Contains("Timeout", StringComparison.OrdinalIgnoreCase);
        if (node.HasExited) throw new InvalidOperationException("the node exited:\n" + node.Stdout);
        return new OrderFaultRun(left, duplicates, await sim.PositionAsync(Symbol), ExitReasons(trades), seen,
            node.Stdout.Contains("placement attempts", StringComparison.Ordinal), recover);
    }

    /// <summary>Plays the 70 minutes that signal Long, waits until the paper entry and its bracket are journaled, then SIGKILLs the node.</summary>
    public static async Task OpenPaperPositionThenKillAsync(string work, SimulatorProcess sim, Dictionary<string, string> env, Journal journal)
    {
        await using var first = NodeProcess.Start(work, env);
        using var client = new NodeClient(await first.WaitListeningAsync(Deadline));
        await client.RegisterAndLoginAsync(Invite);
        await FaultDrills.UntilAsync(async () => (await sim.StateAsync()).GetProperty("streams").GetArrayLength() >= 1, "market stream subscribed", Deadline, first);
        await FaultDrills.StepBurstAsync(frames => sim.PostAsync($"/sim/control/step?frames={frames}"), Phase1Frames, T0, client, first);
        await FaultDrills.UntilAsync(async () =>
            {
                var (status, body) = await client.GetAsync("/api/positions");
                return status == HttpStatusCode.OK && body.GetArrayLength() == 1;
            },
            "the paper position opened on the tape's first tick with an ATR", Deadline, first);
        await FaultDrills.UntilAsync(async () => await journal.CountAsync("executor", "execution-order-accepted.v1") >= 3,
            "stop and take-profits accepted (the entry filled at once)", Deadline, first);

        first.Kill(); // SIGKILL of the node process itself
        await first.WaitExitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// A node on the simulator trading <see cref="Symbol"/> with one strategy that signals Long on the first tick with an
    /// ATR; paper, or live against the simulator's account; SQLite in <paramref name="work"/> or the given PostgreSQL.
    /// </summary>
    public static Dictionary<string, string> NodeEnvironment(string work, SimulatorProcess sim, bool live, string? postgres = null)
    {
        var strategies = Path.Combine(work, "strategies");
        Directory.CreateDirectory(strategies);
        // Any CVD direction scores 100 over a threshold of 50: the first tick with an ATR signals; a day of cooldown keeps
        // later ticks (and the restarted node) from signalling again.
        File.WriteAllText(Path.Combine(strategies, "fault.json"), """
            { "id": "fault", "tag": "ft", "version": "1", "symbols": ["*"], "threshold": 50, "cooldown_minutes": 1440,
              "signals": { "cvd": { "weight": 100, "params": { "base_share": 1 } } },
              "tp_sl": { "sl_atr": 1.4, "tp1_atr": 1.05, "tp2_atr": 2.1 }, "enabled": true }
            """);
        var env = NodeProcess.TestEnvironment(work, Invite);
        env["ARB__Paths__Strategies"] = strategies;
        if (postgres is not null) env["ARB__Storage__Postgres"] = postgres;
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
    public static string WriteTape(string work, params (long AfterMs, decimal Price)[] phase2)
    {
        var path = Path.Combine(work, "tape.jsonl");
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

    private static IReadOnlyList<string> ExitReasons(JsonElement trades) =>
        trades.EnumerateArray().Select(t => t.GetProperty("exitReason").GetString()!).ToArray();

    private static string StatusOf(IReadOnlyList<JsonElement> orders, string clientOrderId) =>
        orders.FirstOrDefault(o => o.GetProperty("clientOrderId").GetString() == clientOrderId) is { ValueKind: JsonValueKind.Object } o
            ? o.GetProperty("status").GetString()!
            : "absent";

    /// <summary>The node's Akka journal (SQLite in <c>WORK/data</c>, or the PostgreSQL schema), read-only.</summary>
    public sealed class Journal(string work, string? postgres)
    {
        public async Task<long> CountAsync(string persistenceId, string manifest)
        {
            const string Sql = "SELECT COUNT(*) FROM journal WHERE persistence_id = @p AND manifest = @m";
            if (postgres is not null)
            {
                await using var pg = new NpgsqlConnection(postgres);
                await pg.OpenAsync();
                await using var cmd = new NpgsqlCommand(Sql, pg);
                cmd.Parameters.AddWithValue("p", persistenceId);
                cmd.Parameters.AddWithValue("m", manifest);
                return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            }

            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(work, "data", "arbitrage.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
            };
            await using var db = new SqliteConnection(builder.ConnectionString);
            await db.OpenAsync();
            await using var c = db.CreateCommand();
            c.CommandText = Sql;
            c.Parameters.AddWithValue("@p", persistenceId);
            c.Parameters.AddWithValue("@m", manifest);
            return (long)(await c.ExecuteScalarAsync())!;
        }
    }
}
