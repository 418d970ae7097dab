using System.Globalization;
using System.Text.Json;
using Arbitrage.Binance.Tapes;
using Arbitrage.Binance.Tests.Simulator;
using Arbitrage.Simulator;

namespace Arbitrage.Binance.Tests.Tapes;

/// <summary>
/// Binance's 5-minute futures statistics on real data (issue 19, item 1): the metrics CSV read, served by the simulator's
/// <c>/futures/data/*</c> endpoints, and backfilled from them into a JSONL tape (paged, resumable, idempotent). The values
/// are checked against the CSV's own cells, read here independently of <see cref="FuturesMetricsCsv"/>.
/// </summary>
public sealed class FuturesMetricsTests : IDisposable
{
    private const string Fixture = "binance_usdm_BTCUSDT_klines5m_metrics_2026-01-01_to_2026-01-02.head576.csv";
    private static readonly long Jan1 = DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
    private static readonly long Jan2 = Jan1 + 86_400_000;
    private static readonly long Jan3 = Jan2 + 86_400_000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "arb-backfill-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The CSV's rows as raw cells by column name: the independent reading.</summary>
    private static List<Dictionary<string, string>> Rows()
    {
        var lines = File.ReadAllLines(TestData.Fixture(Fixture));
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    private static decimal D(string s) => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static Task<SimHarness> StartAsync(IReadOnlyList<SimFundingRate>? funding = null) =>
        SimHarness.StartAsync(configure: o => o with
        {
            Metrics = new Dictionary<string, IReadOnlyList<FuturesMetricPoint>> { ["BTCUSDT"] = FuturesMetricsCsv.Read(TestData.Fixture(Fixture)) },
            FundingHistory = funding ?? [],
        });

    [Fact]
    public void The_csv_gives_one_point_per_five_minutes_at_the_candles_end_with_the_recorded_values()
    {
        var points = FuturesMetricsCsv.Read(TestData.Fixture(Fixture));
        var rows = Rows();
        Assert.Equal(576, points.Count);
        Assert.Equal(Jan1 + 300_000, points[0].TimeMs); // the candle 00:00-00:05: known at 00:05
        Assert.Equal(Jan3, points[^1].TimeMs);
        Assert.All(points.Zip(points.Skip(1)), p => Assert.Equal(300_000, p.Second.TimeMs - p.First.TimeMs));
        for (var i = 0; i < rows.Count; i++)
        {
            var (r, p) = (rows[i], points[i]);
            Assert.Equal(D(r["sum_open_interest"]), p.SumOpenInterest);
            Assert.Equal(D(r["sum_open_interest_value"]), p.SumOpenInterestValue);
            Assert.Equal(D(r["count_toptrader_long_short_ratio"]), p.TopAccountRatio);
            Assert.Equal(D(r["sum_toptrader_long_short_ratio"]), p.TopPositionRatio);
            Assert.Equal(D(r["count_long_short_ratio"]), p.GlobalAccountRatio);
            Assert.Equal(D(r["sum_taker_long_short_vol_ratio"]), p.TakerBuySellRatio);
            Assert.Equal(D(r["taker_buy_base_asset_volume"]), p.TakerBuyVolume);
            Assert.Equal(D(r["volume"]) - D(r["taker_buy_base_asset_volume"]), p.TakerSellVolume);
        }
    }

    [Fact]
    public void A_bad_metrics_file_is_refused_naming_the_line_and_column()
    {
        Directory.CreateDirectory(_dir);
        var lines = File.ReadAllLines(TestData.Fixture(Fixture));
        var noColumn = Path.Combine(_dir, "no-column.csv");
        File.WriteAllLines(noColumn, [lines[0].Replace("sum_open_interest_value", "oiv", StringComparison.Ordinal), lines[1]]);
        Assert.Contains("column 'sum_open_interest_value' missing", Assert.Throws<TapeFormatException>(() => FuturesMetricsCsv.Read(noColumn)).Message);

        var backwards = Path.Combine(_dir, "backwards.csv");
        File.WriteAllLines(backwards, [lines[0], lines[2], lines[1]]);
        var e = Assert.Throws<TapeFormatException>(() => FuturesMetricsCsv.Read(backwards));
        Assert.Equal(3, e.Line);
        Assert.Contains("does not come after", e.Message);
    }

    [Fact]
    public async Task The_simulator_serves_the_recorded_series_with_binances_time_selection()
    {
        await using var h = await StartAsync();
        var api = h.Client.ExchangeData;
        var rows = Rows();

        // startTime (+ endTime): the first `limit` points from it.
        var oi = (await api.GetOpenInterestHistoryAsync("BTCUSDT", "5m", limit: 3, startTime: Jan1, endTime: Jan3)).GetOrThrow();
        Assert.Equal([Jan1 + 300_000, Jan1 + 600_000, Jan1 + 900_000], oi.Select(x => x.Timestamp));
        Assert.Equal(D(rows[1]["sum_open_interest"]), oi[1].SumOpenInterest);
        Assert.Equal(D(rows[1]["sum_open_interest_value"]), oi[1].SumOpenInterestValue);

        // endTime only: the last `limit` points up to it.
        var global = (await api.GetGlobalLongShortAccountRatioAsync("BTCUSDT", "5m", limit: 2, endTime: Jan2)).GetOrThrow();
        Assert.Equal([Jan2 - 300_000, Jan2], global.Select(x => x.Timestamp));
        var atJan2 = rows.Single(r => r["candle_end_time"].StartsWith("2026-01-02T00:00:00", StringComparison.Ordinal));
        Assert.Equal(D(atJan2["count_long_short_ratio"]), global[1].LongShortRatio);
        Assert.Equal(1m, global[1].LongAccount + global[1].ShortAccount, 3);
        Assert.Equal(global[1].LongShortRatio, global[1].LongAccount / global[1].ShortAccount, 2);

        var top = (await api.GetTopLongShortPositionRatioAsync("BTCUSDT", "5m", limit: 1, startTime: Jan2)).GetOrThrow();
        Assert.Equal(D(atJan2["sum_toptrader_long_short_ratio"]), Assert.Single(top).LongShortRatio);
        var topAccounts = (await api.GetTopLongShortAccountRatioAsync("BTCUSDT", "5m", limit: 1, startTime: Jan2)).GetOrThrow();
        Assert.Equal(D(atJan2["count_toptrader_long_short_ratio"]), Assert.Single(topAccounts).LongShortRatio);
        var taker = (await api.GetTakerBuySellVolumeAsync("BTCUSDT", "5m", limit: 1, startTime: Jan2)).GetOrThrow();
        Assert.Equal(D(atJan2["sum_taker_long_short_vol_ratio"]), Assert.Single(taker).BuySellRatio);
        Assert.Equal(D(atJan2["taker_buy_base_asset_volume"]), taker[0].BuyVolume);

        // A longer period takes the points on its boundaries.
        var hourly = (await api.GetOpenInterestHistoryAsync("BTCUSDT", "1h", limit: 500, startTime: Jan1, endTime: Jan3)).GetOrThrow();
        Assert.Equal(48, hourly.Count);
        Assert.All(hourly, x => Assert.Equal(0, x.Timestamp % 3_600_000));
    }

    /// <summary>Each line of a backfilled metrics tape against the CSV row of its time; returns the times in file order.</summary>
    private static List<long> CheckAgainstCsv(string file)
    {
        var byEnd = Rows().ToDictionary(r => DateTimeOffset.Parse(r["candle_end_time"].Replace("+0000", "+00:00", StringComparison.Ordinal),
            CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
        var times = new List<long>();
        foreach (var line in File.ReadLines(file))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            Assert.Equal("btcusdt@futuresMetrics", root.GetProperty("stream").GetString());
            var f = root.GetProperty("frame");
            var t = f.GetProperty("E").GetInt64();
            Assert.Equal(t, root.GetProperty("recv_ms").GetInt64());
            Assert.Equal("futuresMetrics", f.GetProperty("e").GetString());
            var r = byEnd[t];
            Assert.Equal(D(r["sum_open_interest"]), D(f.GetProperty("sumOpenInterest").GetString()!));
            Assert.Equal(D(r["sum_open_interest_value"]), D(f.GetProperty("sumOpenInterestValue").GetString()!));
            Assert.Equal(D(r["count_toptrader_long_short_ratio"]), D(f.GetProperty("topAccountRatio").GetString()!));
            Assert.Equal(D(r["sum_toptrader_long_short_ratio"]), D(f.GetProperty("topPositionRatio").GetString()!));
            Assert.Equal(D(r["count_long_short_ratio"]), D(f.GetProperty("globalAccountRatio").GetString()!));
            Assert.Equal(D(r["sum_taker_long_short_vol_ratio"]), D(f.GetProperty("takerBuySellRatio").GetString()!));
            Assert.Equal(D(r["taker_buy_base_asset_volume"]), D(f.GetProperty("takerBuyVol").GetString()!));
            times.Add(t);
        }

        return times;
    }

    [Fact]
    public async Task A_backfill_pages_through_two_days_and_writes_every_recorded_point_once()
    {
        await using var h = await StartAsync();
        var pages = new List<BackfillProgress>();
        var result = await new FuturesInputBackfill(h.Client.ExchangeData).RunAsync("BTCUSDT", Jan1, Jan3, _dir, funding: false,
            new SyncProgress(pages.Add));

        Assert.Equal(576, result.MetricsWritten);
        Assert.Equal(Jan3, result.MetricsLastMs);
        Assert.Equal(2, pages.Count(p => p.Series == "metrics")); // 576 periods > 500 a window
        var times = CheckAgainstCsv(result.MetricsFile);
        Assert.Equal(576, times.Count);
        Assert.Equal(times.Order(), times);
        Assert.Equal(times.Count, times.Distinct().Count());
    }

    [Fact]
    public async Task A_rerun_appends_nothing_and_an_interrupted_run_resumes_where_it_stopped()
    {
        await using var h = await StartAsync();
        var backfill = new FuturesInputBackfill(h.Client.ExchangeData);

        var first = await backfill.RunAsync("BTCUSDT", Jan1, Jan2, _dir, funding: false);
        Assert.Equal(288, first.MetricsWritten); // 00:05 on the 1st to 00:00 on the 2nd
        // A crash in the middle of a line: the torn line is cut off and the run continues on a line boundary.
        await File.AppendAllTextAsync(first.MetricsFile, "{\"recv_ms\":1767312300000,\"stream\":\"btcusdt@futu");

        var second = await backfill.RunAsync("BTCUSDT", Jan1, Jan3, _dir, funding: false);
        Assert.Equal(288, second.MetricsWritten);
        var again = await backfill.RunAsync("BTCUSDT", Jan1, Jan3, _dir, funding: false);
        Assert.Equal(0, again.MetricsWritten);

        var times = CheckAgainstCsv(again.MetricsFile);
        Assert.Equal(576, times.Count);
        Assert.Equal(times.Order(), times);
        Assert.Equal(576, times.Distinct().Count());
    }

    [Fact]
    public async Task Funding_history_is_backfilled_in_pages_once()
    {
        // Funding every 8 h over the two days (the simulator's own funding history; the metrics CSV has no funding).
        var funding = Enumerable.Range(0, 7).Select(i => new SimFundingRate("BTCUSDT", 0.0001m * (i + 1), Jan1 + i * 8 * 3_600_000L, 87_000m + i)).ToList();
        await using var h = await StartAsync(funding);
        var backfill = new FuturesInputBackfill(h.Client.ExchangeData);

        var partial = await backfill.RunAsync("BTCUSDT", Jan1, Jan2 - 1, _dir);
        Assert.Equal(3, partial.FundingWritten); // 00:00, 08:00, 16:00 on the 1st
        var full = await backfill.RunAsync("BTCUSDT", Jan1, Jan3, _dir);
        Assert.Equal(4, full.FundingWritten);
        Assert.Equal(0, (await backfill.RunAsync("BTCUSDT", Jan1, Jan3, _dir)).FundingWritten);

        var frames = File.ReadLines(full.FundingFile).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("frame").Clone()).ToList();
        Assert.Equal(funding.Select(f => f.FundingTimeMs), frames.Select(f => f.GetProperty("E").GetInt64()));
        Assert.Equal(funding.Select(f => f.Rate), frames.Select(f => D(f.GetProperty("r").GetString()!)));
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (Progress&lt;T&gt; posts to the pool).</summary>
    private sealed class SyncProgress(Action<BackfillProgress> report) : IProgress<BackfillProgress>
    {
        public void Report(BackfillProgress value) => report(value);
    }
}
