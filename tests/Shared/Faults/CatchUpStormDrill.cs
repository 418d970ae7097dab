using System.Diagnostics;
using System.Text.Json;
using Arbitrage.Binance.Tapes;

namespace Arbitrage.Testing.Faults;

/// <summary>What a <see cref="CatchUpStormDrill"/> run saw.</summary>
/// <param name="TapeIds">The tape's agg ids; <paramref name="RecordedIds"/> those in <c>agg_trades</c> at the end.</param>
/// <param name="IndicatorTrades">Trades the symbol's indicators counted (each id once: equals the tape's count).</param>
/// <param name="HeldAtGap">While catching up, no trade or tick went past the gap (the symbol waited instead of skipping).</param>
/// <param name="SawRetryAfter">The health entry said the catch-up waits for the exchange's Retry-After.</param>
/// <param name="TimeToRecover">From the dropped connection to the symbol connected with every trade.</param>
public sealed record CatchUpStormRun(
    IReadOnlyList<long> TapeIds, IReadOnlyList<long> RecordedIds, long IndicatorTrades, long TradeGaps, bool HeldAtGap, bool SawRetryAfter,
    TimeSpan TimeToRecover, string NodeOutput);

/// <summary>
/// Issue #13 item 3: a node (paper) against the standalone simulator over the 4,500-trade fixture. 1,500 trades stream;
/// then <c>storm</c> 429s (each with <c>Retry-After</c>) are queued for <c>aggTrades</c>, the WebSocket drops and 1,000
/// trades happen that only REST can give back; then the tape plays on. Used by <c>FeedFaultTests</c> and the fault suite.
/// </summary>
public static class CatchUpStormDrill
{
    private const string Symbol = "BTCUSD_PERP";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    public static string Tape => Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");

    public static async Task<CatchUpStormRun> RunAsync(string work, int storm, int retryAfterSeconds)
    {
        var trades = TapeReader.ReadTrades(Tape).Select(t => t.Trade).ToArray();
        Directory.CreateDirectory(work);
        await using var sim = await SimulatorProcess.StartAsync("--tape", Tape, "--speed", "max", "--start", "manual");
        var env = NodeProcess.TestEnvironment(work);
        var origin = sim.Url.ToString().TrimEnd('/');
        env["ARB__Exchange__Kind"] = "binance";
        env["ARB__Exchange__RestUrl"] = origin;
        env["ARB__Exchange__SpotRestUrl"] = origin;
        env["ARB__Exchange__WsUrl"] = sim.WsOrigin;
        env["ARB__Exchange__Symbols__0"] = Symbol;
        await using var node = NodeProcess.Start(work, env);
        using var client = new NodeClient(await node.WaitListeningAsync(Deadline));
        await FaultDrills.UntilAsync(
            async () => (await sim.StateAsync()).GetProperty("streams").EnumerateArray().Any(s => s.GetString() == "btcusd_perp@aggTrade"),
            "the node's market stream subscribed", Deadline, node);

        await sim.PostAsync("/sim/control/step?frames=1500");
        await client.WaitForAsync("/api/health", (_, h) => Feed(h).GetProperty("trades").GetInt64() == 1500, Deadline);

        // The storm is queued for aggTrades, then the socket drops and 1,000 trades happen that only REST can give back.
        await sim.PostAsync($"/sim/control/fail?kind=429&count={storm}&retryAfter={retryAfterSeconds}&path=aggTrades");
        var clock = Stopwatch.StartNew();
        await sim.PostAsync("/sim/control/drop-websockets");
        await sim.PostAsync("/sim/control/step?frames=1000");
        var waiting = await client.WaitForAsync("/api/health", (_, h) => Status(h).StartsWith("catching up", StringComparison.Ordinal), Deadline);
        var tickAtGap = Feed(waiting).GetProperty("lastTickMs").GetInt64();

        // The rest of the tape plays live while REST is refused: the symbol holds (no trade, no tick) until the gap is filled.
        await sim.PostAsync("/sim/control/play");
        var held = true;
        var sawRetryAfter = false;
        var final = await client.WaitForAsync("/api/health", (_, h) =>
        {
            var feed = Feed(h);
            if (Status(h).StartsWith("catching up", StringComparison.Ordinal))
            {
                // Only the gap's own trades (from REST, once the storm is over) may arrive; ticks move only with them.
                var n = feed.GetProperty("trades").GetInt64();
                var tick = feed.GetProperty("lastTickMs").GetInt64();
                held &= n is >= 1500 and <= 2500 && (n == 1500 ? tick == tickAtGap : tick <= trades[n - 1].TimeMs);
                sawRetryAfter |= Status(h).Contains("Retry-After", StringComparison.Ordinal);
                return false;
            }

            return feed.GetProperty("trades").GetInt64() == trades.Length && Status(h) == "connected";
        }, TimeSpan.FromSeconds((storm * retryAfterSeconds * 1.5) + 60));
        var recover = clock.Elapsed;

        var recorded = await FaultDrills.RecordedIdsAsync(Path.Combine(work, "data"), Symbol, trades.Length);
        return new CatchUpStormRun(
            trades.Select(t => t.AggId).ToArray(), recorded, Feed(final).GetProperty("trades").GetInt64(), Feed(final).GetProperty("tradeGaps").GetInt64(),
            held, sawRetryAfter, recover, node.Stdout);
    }

    private static JsonElement Feed(JsonElement health) => health.GetProperty("feeds")[0];

    private static string Status(JsonElement health) => Feed(health).GetProperty("status").GetString() ?? string.Empty;
}
