using System.Diagnostics;
using System.Text.Json;
using Arbitrage.Binance.Tapes;

namespace Arbitrage.Testing.Faults;

/// <summary>What a <see cref="SigkillRecordingDrill"/> run saw.</summary>
/// <param name="IndicatorTrades">Trades the indicators counted over all the node's lives (each id once: equals the tape's).</param>
/// <param name="TimeToRecover">From the last restart to every trade ingested and the feed connected.</param>
public sealed record SigkillRecordingRun(
    IReadOnlyList<long> TapeIds, IReadOnlyList<long> RecordedIds, long IndicatorTrades, long TradeGaps, string FeedStatus, int Kills, TimeSpan TimeToRecover);

/// <summary>
/// Issue #13 item 7: the offline demo (in-process simulator, 20,000-trade fixture at 1000×) SIGKILLed while trades
/// stream, at spread points of the tape, then restarted on the same data until the tape is done. Used by
/// <c>NodeKillRecordingTests</c> and the fault suite.
/// </summary>
public static class SigkillRecordingDrill
{
    private const string Symbol = "BTCUSD_PERP";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    public static string Tape => Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip");

    public static async Task<SigkillRecordingRun> RunAsync(string work, IReadOnlyList<long> killAtTrades)
    {
        var trades = TapeReader.ReadTrades(Tape).Select(t => t.Trade).ToArray();
        string[] args = ["--exchange", "sim", "--tape", Tape, "--speed", "1000"]; // 5.8 h of tape in ≈ 21 s; a snapshot every 0.3 s
        Directory.CreateDirectory(work);
        var env = NodeProcess.TestEnvironment(work);

        foreach (var killAt in killAtTrades)
        {
            var node = NodeProcess.Start(work, env, args);
            await using (node)
            {
                using var client = new NodeClient(await node.WaitListeningAsync(Deadline));
                await client.WaitForAsync("/api/health", (_, h) => Feed(h).GetProperty("trades").GetInt64() >= killAt, Deadline);
                node.Kill(); // SIGKILL of the node process itself
                await node.WaitExitAsync(TimeSpan.FromSeconds(30));
            }
        }

        // Restarted on the same data: the in-process simulator plays the tape from its start again.
        var clock = Stopwatch.StartNew();
        await using var last = NodeProcess.Start(work, env, args);
        using var final = new NodeClient(await last.WaitListeningAsync(Deadline));
        // A tick past the tape's last trade (the heartbeat of a silent, caught-up feed) means every trade has been ingested.
        var health = await final.WaitForAsync(
            "/api/health", (_, h) => Feed(h).GetProperty("lastTickMs") is { ValueKind: JsonValueKind.Number } t && t.GetInt64() > trades[^1].TimeMs, Deadline);
        var recover = clock.Elapsed;
        var feed = Feed(health);
        var recorded = await FaultDrills.RecordedIdsAsync(Path.Combine(work, "data"), Symbol, trades.Length);
        return new SigkillRecordingRun(
            trades.Select(t => t.AggId).ToArray(), recorded, feed.GetProperty("trades").GetInt64(), feed.GetProperty("tradeGaps").GetInt64(),
            feed.GetProperty("status").GetString() ?? string.Empty, killAtTrades.Count, recover);
    }

    private static JsonElement Feed(JsonElement health) => health.GetProperty("feeds")[0];
}
