using System.Globalization;
using System.Text.Json;
using Arbitrage.Binance.Tapes;
using Arbitrage.Testing;
using Microsoft.Data.Sqlite;

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
        const string symbol = "BTCUSD_PERP";
        const int storm = 30; // 429s in a row, each with Retry-After: 1 — three times the old catch-up's whole budget
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        var trades = TapeReader.ReadTrades(tape).Select(t => t.Trade).ToArray();
        Assert.Equal(4500, trades.Length);

        await using var sim = await SimulatorProcess.StartAsync("--tape", tape, "--speed", "max", "--start", "manual");
        await using var node = NodeProcess.Start(_work, NodeEnvironment(sim, symbol));
        using var client = new NodeClient(await node.WaitListeningAsync(Deadline));
        await UntilAsync(async () => (await sim.StateAsync()).GetProperty("streams").EnumerateArray().Any(s => s.GetString() == "btcusd_perp@aggTrade"),
            "the node's market stream subscribed", node);

        await sim.PostAsync("/sim/control/step?frames=1500");
        await client.WaitForAsync("/api/health", (_, h) => Feed(h).GetProperty("trades").GetInt64() == 1500, Deadline);

        // The storm is queued for aggTrades, then the socket drops and 1,000 trades happen that only REST can give back.
        await sim.PostAsync($"/sim/control/fail?kind=429&count={storm}&retryAfter=1&path=aggTrades");
        await sim.PostAsync("/sim/control/drop-websockets");
        await sim.PostAsync("/sim/control/step?frames=1000");
        var waiting = await client.WaitForAsync("/api/health", (_, h) => Status(h).StartsWith("catching up", StringComparison.Ordinal), Deadline);
        var tickAtGap = Feed(waiting).GetProperty("lastTickMs").GetInt64();

        // The rest of the tape plays live while REST is refused: the symbol holds (no trade, no tick) until the gap is filled.
        await sim.PostAsync("/sim/control/play");
        var sawRetryAfter = false;
        var final = await client.WaitForAsync("/api/health", (_, h) =>
        {
            var feed = Feed(h);
            if (Status(h).StartsWith("catching up", StringComparison.Ordinal))
            {
                // Only the gap's own trades (from REST, once the storm is over) may arrive; ticks move only with them.
                var n = feed.GetProperty("trades").GetInt64();
                var tick = feed.GetProperty("lastTickMs").GetInt64();
                Assert.InRange(n, 1500, 2500);
                Assert.True(n == 1500 ? tick == tickAtGap : tick <= trades[n - 1].TimeMs, $"tick {tick} with {n} trades while catching up");
                sawRetryAfter |= Status(h).Contains("Retry-After", StringComparison.Ordinal);
                return false;
            }

            return feed.GetProperty("trades").GetInt64() == trades.Length && Status(h) == "connected";
        }, TimeSpan.FromSeconds(storm * 3 + 60));

        Assert.True(sawRetryAfter, "the catch-up said it waits for the exchange's Retry-After");
        Assert.Equal(0, Feed(final).GetProperty("tradeGaps").GetInt64());
        Assert.Equal(trades.Select(t => t.AggId), await RecordedIdsAsync(symbol, trades.Length));
        Assert.DoesNotContain("abandoned", node.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("missing for good", node.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("arb_feed_trade_gaps_total{symbol=\"BTCUSD_PERP\"}", await client.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
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
        await UntilAsync(async () => (await sim.StateAsync()).GetProperty("streams").EnumerateArray().Any(s => s.GetString() == "btcusdt@aggTrade"),
            "the node's market stream subscribed", node);
        await sim.PostAsync("/sim/control/play");

        var health = await client.WaitForAsync("/api/health", (_, h) => Feed(h).GetProperty("trades").GetInt64() == ids.Length && Status(h) == "connected", Deadline);
        var feed = Feed(health);
        Assert.Equal(1, feed.GetProperty("tradeGaps").GetInt64());
        Assert.Equal(100, feed.GetProperty("missingTrades").GetInt64());
        Assert.StartsWith("ids 1000301-1000400 (100 trades): the exchange serves no trades with these ids", feed.GetProperty("lastTradeGap").GetString(), StringComparison.Ordinal);

        await UntilAsync(() => Task.FromResult(node.Stdout.Contains("BTCUSDT: agg ids 1000301-1000400 (100 trades) are missing for good", StringComparison.Ordinal)),
            "the error line naming the symbol and the range", node);
        Assert.Contains("ERR", node.Stdout.Split('\n').First(l => l.Contains("are missing for good", StringComparison.Ordinal)), StringComparison.Ordinal);
        var metrics = await client.Http.GetStringAsync("/metrics");
        Assert.Contains("arb_feed_trade_gaps_total{symbol=\"BTCUSDT\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("arb_feed_missing_trades_total{symbol=\"BTCUSDT\"} 100", metrics, StringComparison.Ordinal);
        Assert.Equal(ids, await RecordedIdsAsync(symbol, ids.Length));
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

    /// <summary>The agg ids in the node's agg_trades table, once the recorder has written <paramref name="expected"/> rows.</summary>
    private async Task<long[]> RecordedIdsAsync(string symbol, int expected)
    {
        var ids = Array.Empty<long>();
        await UntilAsync(async () =>
        {
            var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_work, "data", "arbitrage.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false };
            await using var db = new SqliteConnection(builder.ConnectionString);
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT agg_id FROM agg_trades WHERE symbol = $s ORDER BY agg_id";
            cmd.Parameters.AddWithValue("$s", symbol);
            var list = new List<long>();
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                list.Add(reader.GetInt64(0));
            }

            ids = [.. list];
            return ids.Length >= expected;
        }, $"{expected} rows in agg_trades", null);
        return ids;
    }

    /// <summary>Polls <paramref name="condition"/> until true or <see cref="Deadline"/> (a periodic timer, no sleeps).</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string what, NodeProcess? node)
    {
        var deadline = DateTime.UtcNow + Deadline;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!await condition())
        {
            if (node is { HasExited: true } || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for: {what}\nnode stdout:\n{node?.Stdout}\nstderr:\n{node?.Stderr}");
            }

            await timer.WaitForNextTickAsync();
        }
    }
}
