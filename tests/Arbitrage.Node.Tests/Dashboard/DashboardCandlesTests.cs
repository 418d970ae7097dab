using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Dashboard;

/// <summary>
/// <c>GET /api/candles/{symbol}</c> over the demo node's recorded <c>agg_trades</c>, against candles computed here from
/// the fixture tape's own rows, and the Symbol page drawing that history when it opens.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardCandlesTests(DashboardNode node)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private sealed record TapeTrade(long AggId, double Price, double Quantity, long TimeMs);

    [SkippableFact]
    public async Task Candles_endpoint_equals_candles_computed_from_the_tapes_trades_and_refuses_more_than_1000_candles()
    {
        DashboardNode.RequireChromium();
        var viewer = node.Api["viewer1"];
        var oneMinute = await viewer.WaitForAsync("/api/candles/BTCUSD_PERP?interval=1m", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() >= 6, Deadline);
        var tape = Tape();

        // Every candle but the newest (still being recorded) equals the tape's; the first is the tape's first minute.
        var complete = oneMinute.EnumerateArray().SkipLast(1).ToList();
        Assert.Equal(tape[0].TimeMs / 60_000 * 60_000, complete[0].GetProperty("timeMs").GetInt64());
        AssertCandles(tape, 60_000, complete);

        // 5-minute candles over an explicit range of complete minutes.
        var from = complete[0].GetProperty("timeMs").GetInt64();
        var to = complete[^1].GetProperty("timeMs").GetInt64() + 60_000;
        var (status, five) = await viewer.GetAsync($"/api/candles/BTCUSD_PERP?interval=5m&from={from}&to={to}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual(0, five.GetArrayLength());
        AssertCandles(tape.Where(t => t.TimeMs >= from && t.TimeMs < to).ToList(), 300_000, five.EnumerateArray().ToList());

        // At most 1,000 candles: 1,000 are served, 1,001 are a 400 naming the range.
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/candles/BTCUSD_PERP?interval=1m&from=0&to=60000000")).Status);
        var (tooMany, problem) = await viewer.GetAsync("/api/candles/BTCUSD_PERP?interval=1m&from=0&to=60000001");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany);
        Assert.Contains("spans 1001 candles of 1m; at most 1000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Without from: 1,000 candles back from an unaligned to, not 1,001.
        var (unaligned, _) = await viewer.GetAsync($"/api/candles/BTCUSD_PERP?interval=1m&to={to + 5}");
        Assert.Equal(HttpStatusCode.OK, unaligned);

        // A login is required.
        using var anonymous = new HttpClient { BaseAddress = node.Url };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/candles/BTCUSD_PERP")).StatusCode);
    }

    [SkippableFact]
    public async Task Symbol_page_draws_the_recorded_history_as_candles_when_it_opens()
    {
        DashboardNode.RequireChromium();
        var history = await node.Api["viewer1"].WaitForAsync("/api/candles/BTCUSD_PERP?interval=1m", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() >= 3, Deadline);

        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("viewer1");
        var page = browser.Page;
        await page.GotoAsync("/symbol?s=BTCUSD_PERP");
        await browser.WaitReadyAsync();

        // The history drawn on open holds at least the candles the API had before (more may have been recorded since).
        var drawn = int.Parse((await page.GetAttributeAsync("[data-testid=chart]", "data-history-candles"))!, CultureInfo.InvariantCulture);
        Assert.True(drawn >= history.GetArrayLength(), $"{drawn} history candles drawn, the API had {history.GetArrayLength()}");
        var all = int.Parse((await page.GetAttributeAsync("[data-testid=chart]", "data-candles"))!, CultureInfo.InvariantCulture);
        Assert.True(all >= drawn, $"{all} candles, fewer than the {drawn} of the history");
        await browser.ScreenshotAsync("symbol-history");
        browser.AssertNoErrors();
    }

    private static void AssertCandles(IReadOnlyList<TapeTrade> tape, long interval, IReadOnlyList<JsonElement> served)
    {
        var expected = tape.GroupBy(t => t.TimeMs / interval * interval).ToDictionary(g => g.Key, g => g.OrderBy(t => t.AggId).ToList());
        foreach (var c in served)
        {
            var start = c.GetProperty("timeMs").GetInt64();
            Assert.True(expected.TryGetValue(start, out var trades), $"a candle at {start} without tape trades");
            var volume = trades.Sum(t => t.Quantity);
            Assert.Equal(trades[0].Price, c.GetProperty("open").GetDouble());
            Assert.Equal(trades[^1].Price, c.GetProperty("close").GetDouble());
            Assert.Equal(trades.Max(t => t.Price), c.GetProperty("high").GetDouble());
            Assert.Equal(trades.Min(t => t.Price), c.GetProperty("low").GetDouble());
            Assert.Equal(volume, c.GetProperty("volume").GetDouble(), 6);
            Assert.Equal(trades.Sum(t => t.Price * t.Quantity) / volume, c.GetProperty("vwap").GetDouble(), 6);
            Assert.Equal(trades.Count, c.GetProperty("trades").GetInt32());
        }

        // No minute of the tape inside the served range is missing.
        var first = served[0].GetProperty("timeMs").GetInt64();
        var last = served[^1].GetProperty("timeMs").GetInt64();
        Assert.Equal(expected.Keys.Count(k => k >= first && k <= last), served.Count);
    }

    /// <summary>The fixture's rows (agg_trade_id, price, quantity, first/last trade id, transact_time, is_buyer_maker).</summary>
    private static List<TapeTrade> Tape()
    {
        using var zip = ZipFile.OpenRead(Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip"));
        using var reader = new StreamReader(zip.Entries.Single().Open());
        var trades = new List<TapeTrade>();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            if (!long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue; // the header
            }

            trades.Add(new TapeTrade(id, double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[5], CultureInfo.InvariantCulture)));
        }

        return trades;
    }
}
