using System.Globalization;
using System.Text.Json;
using Arbitrage.Testing;
using Arbitrage.Testing.Faults;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// Market-data faults with real processes (issue 13): a node in paper mode against the standalone simulator. A 429 storm
/// while the feed reconnects delays the trade catch-up for as long as it lasts and loses nothing; the symbol waits
/// (reported as catching up, no tick past the gap) instead of skipping. Ids the exchange does not serve are reported
/// loudly: an error line naming the symbol and range, a metric and the health entry.
/// </summary>
public sealed class FeedFaultTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-feed-fault-" + Guid.NewGuid().ToString("N"));

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
    public async Task A_429_storm_during_a_reconnect_holds_the_symbol_until_the_gap_is_filled_and_loses_no_trade()
    {
        // 30 429s in a row, each with Retry-After: 1 — three times the old catch-up's whole budget.
        var run = await CatchUpStormDrill.RunAsync(_work, storm: 30, retryAfterSeconds: 1);

        Assert.Equal(4500, run.TapeIds.Count);
        Assert.True(run.HeldAtGap, "a trade or tick went past the gap while catching up");
        Assert.True(run.SawRetryAfter, "the catch-up said it waits for the exchange's Retry-After");
        Assert.Equal(0, run.TradeGaps);
        Assert.Equal(run.TapeIds.Count, run.IndicatorTrades);
        Assert.Equal(run.TapeIds, run.RecordedIds);
        Assert.DoesNotContain("abandoned", run.NodeOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("missing for good", run.NodeOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agg_ids_the_exchange_does_not_serve_are_reported_loudly_and_the_feed_goes_on()
    {
        const string symbol = "BTCUSDT";
        var tape = Path.Combine(_work, "hole.jsonl");
        var ids = Enumerable.Range(1, 300).Concat(Enumerable.Range(401, 300)).Select(i => 1_000_000L + i).ToArray(); // 1000301-1000400 never existed
        WriteTape(tape, ids);

        await using var sim = await SimulatorProcess.StartAsync("--tape", tape, "--speed", "max", "--start", "manual");
        await using var node = NodeProcess.Start(_work, NodeEnvironment(sim, symbol));
        using var client = new NodeClient(await node.WaitListeningAsync(Deadline));
        await FaultDrills.UntilAsync(async () => (await sim.StateAsync()).GetProperty("streams").EnumerateArray().Any(s => s.GetString() == "btcusdt@aggTrade"),
            "the node's market stream subscribed", Deadline, node);
        await sim.PostAsync("/sim/control/play");

        var health = await client.WaitForAsync("/api/health", (_, h) => Feed(h).GetProperty("trades").GetInt64() == ids.Length && Status(h) == "connected", Deadline);
        var feed = Feed(health);
        Assert.Equal(1, feed.GetProperty("tradeGaps").GetInt64());
        Assert.Equal(100, feed.GetProperty("missingTrades").GetInt64());
        Assert.StartsWith("ids 1000301-1000400 (100 trades): the exchange serves no trades with these ids", feed.GetProperty("lastTradeGap").GetString(), StringComparison.Ordinal);

        await FaultDrills.UntilAsync(() => Task.FromResult(node.Stdout.Contains("BTCUSDT: agg ids 1000301-1000400 (100 trades) are missing for good", StringComparison.Ordinal)),
            "the error line naming the symbol and the range", Deadline, node);
        Assert.Contains("ERR", node.Stdout.Split('\n').First(l => l.Contains("are missing for good", StringComparison.Ordinal)), StringComparison.Ordinal);
        var metrics = await client.Http.GetStringAsync("/metrics");
        Assert.Contains("arb_feed_trade_gaps_total{symbol=\"BTCUSDT\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("arb_feed_missing_trades_total{symbol=\"BTCUSDT\"} 100", metrics, StringComparison.Ordinal);
        Assert.Equal(ids, await FaultDrills.RecordedIdsAsync(Path.Combine(_work, "data"), symbol, ids.Length));
    }

    private Dictionary<string, string> NodeEnvironment(SimulatorProcess sim, string symbol)
    {
        var env = NodeProcess.TestEnvironment(_work);
        var origin = sim.Url.ToString().TrimEnd('/');
        env["ARB__Exchange__Kind"] = "binance";
        env["ARB__Exchange__RestUrl"] = origin;
        env["ARB__Exchange__SpotRestUrl"] = origin;
        env["ARB__Exchange__WsUrl"] = sim.WsOrigin;
        env["ARB__Exchange__Symbols__0"] = symbol;
        return env;
    }

    private static JsonElement Feed(JsonElement health) => health.GetProperty("feeds")[0];

    private static string Status(JsonElement health) => Feed(health).GetProperty("status").GetString() ?? "";

    /// <summary>One trade a second; agg ids as given.</summary>
    private static void WriteTape(string path, long[] ids)
    {
        const long t0 = 1_715_126_400_000;
        var lines = ids.Select((id, i) =>
        {
            var time = t0 + i * 1_000L;
            var price = (100 + i % 7).ToString(CultureInfo.InvariantCulture);
            var frame = $$"""{"e":"aggTrade","E":{{time}},"a":{{id}},"s":"BTCUSDT","p":"{{price}}","q":"0.5","f":{{id}},"l":{{id}},"T":{{time}},"m":{{(i % 3 == 0 ? "true" : "false")}}}""";
            return $$"""{"recv_ms":{{time}},"stream":"btcusdt@aggTrade","frame":{{frame}}}""";
        });
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
    }
}
