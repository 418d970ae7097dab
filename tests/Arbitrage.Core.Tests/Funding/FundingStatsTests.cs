using System.Globalization;
using Arbitrage.Core.Funding;
using static Arbitrage.Core.Tests.Funding.FundingFixture;

namespace Arbitrage.Core.Tests.Funding;

public class FundingStatsTests
{
    private static readonly FundingSettlement[] Eth =
        FundingRateHistoryCsv.Read(EthCsvPath(), UtcPlus3).Select(r => r.Settlement).ToArray();

    /// <summary>
    /// Reference path, independent of the reader and of FundingStats: split the raw lines, parse the date as
    /// UTC and subtract 3 h by hand, doubles and LINQ.
    /// </summary>
    private static readonly (DateTime Utc, double Rate)[] Reference =
        File.ReadLines(EthCsvPath()).Skip(1)
            .Select(l => l.Split(','))
            .Select(f => (DateTime.ParseExact(f[1], "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture,
                              DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal).AddHours(-3),
                          double.Parse(f[2], CultureInfo.InvariantCulture)))
            .ToArray();

    [Theory]
    [InlineData("2020-03-13T12:00:00Z")]     // the March 2020 crash: negative funding
    [InlineData("2021-05-19T13:00:00Z")]
    [InlineData("2022-06-30T00:00:00Z")]     // the 00:00 settlement is stamped a few ms later: not yet in
    [InlineData("2023-01-03T09:00:00Z")]     // 7-day window reaches into 2022; YTD has 8 settlements
    [InlineData("2023-12-31T23:59:59.999Z")]
    public void Real_eth_stats_match_an_independent_computation(string nowIso)
    {
        var now = DateTime.Parse(nowIso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var nowMs = Ms(nowIso);

        var upToNow = Reference.Where(r => r.Utc <= now).ToArray();
        var week = upToNow.Where(r => r.Utc > now.AddDays(-7)).ToArray();
        var ytd = upToNow.Where(r => r.Utc >= new DateTime(now.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc)).ToArray();
        var expectedMean7 = week.Average(r => r.Rate);
        var expectedYtdMean = ytd.Average(r => r.Rate);

        var stats = FundingStats.Compute(Eth, nowMs); // interval inferred from the data
        Assert.Equal(8, stats.IntervalHours);
        Assert.Equal(3m, stats.SettlementsPerDay);
        Assert.Equal(upToNow[^1].Rate, (double)stats.Last!.Value.Rate);
        Assert.Equal(new DateTimeOffset(upToNow[^1].Utc).ToUnixTimeMilliseconds(), stats.Last.Value.TimeMs);
        Assert.Equal(week.Length, stats.Count7d);
        Assert.Equal(ytd.Length, stats.YtdCount);
        Assert.Equal(expectedMean7, (double)stats.Mean7d!.Value, 1e-15);
        Assert.Equal(expectedMean7 * 3 * 365, (double)stats.Annualised7d!.Value, 1e-12);
        Assert.Equal(expectedYtdMean, (double)stats.YtdMean!.Value, 1e-15);
        Assert.Equal(expectedYtdMean * 3 * 365, (double)stats.YtdAnnualised!.Value, 1e-12);

        // With the exchange-reported interval the numbers are the same.
        Assert.Equal(stats, FundingStats.Compute(Eth, nowMs, intervalHours: 8));
    }

    [Fact]
    public void Pinned_values_for_one_date()
    {
        // Computed by hand from the CSV: 2023-01-03 09:00 UTC sees 21 settlements in its 7 days
        // (2022-12-27 16:00 … 2023-01-03 08:00) and 8 since 1 Jan (3 + 3 + 2).
        var s = FundingStats.Compute(Eth, Ms("2023-01-03T09:00:00Z"), 8);
        Assert.Equal(21, s.Count7d);
        Assert.Equal(8, s.YtdCount);
        Assert.Equal(Ms("2023-01-03T08:00:00Z"), s.Last!.Value.TimeMs - s.Last.Value.TimeMs % 1000);
    }

    [Fact]
    public void Window_is_open_at_seven_days_ago_and_closed_at_now()
    {
        const long h = 3_600_000;
        var now = 1_000 * 24 * h;
        FundingSettlement[] s = [new(now - 7 * 24 * h, 1m), new(now - 7 * 24 * h + 1, 2m), new(now, 4m), new(now + 1, 100m)];
        var stats = FundingStats.Compute(s, now, 8);
        Assert.Equal(2, stats.Count7d);
        Assert.Equal(3m, stats.Mean7d);
        Assert.Equal(new FundingSettlement(now, 4m), stats.Last); // the future settlement is not seen
    }

    [Fact]
    public void Four_hour_symbol_annualises_with_six_settlements_a_day()
    {
        const long h = 3_600_000;
        var start = Ms("2024-05-01T00:00:00Z");
        // 7 days of 4 h settlements alternating 0.0001 / 0.0003 → mean 0.0002.
        var s = Enumerable.Range(0, 42).Select(i => new FundingSettlement(start + i * 4 * h, i % 2 == 0 ? 0.0001m : 0.0003m)).ToArray();
        var now = start + 41 * 4 * h;

        var inferred = FundingStats.Compute(s, now);
        Assert.Equal(4, inferred.IntervalHours);
        Assert.Equal(6m, inferred.SettlementsPerDay);
        Assert.Equal(42, inferred.Count7d);
        Assert.Equal(0.0002m, inferred.Mean7d);
        Assert.Equal(0.438m, inferred.Annualised7d); // 0.0002 × 6 × 365
        Assert.Equal(0.438m, FundingStats.Compute(s, now, 4).Annualised7d);
        Assert.Equal(0.219m, FundingStats.Compute(s, now, 8).Annualised7d); // what assuming 8 h would wrongly say
    }

    [Fact]
    public void Inference_follows_an_interval_change_and_ignores_a_missing_settlement()
    {
        const long h = 3_600_000;
        var t = 0L;
        var s = new List<FundingSettlement>();
        for (var i = 0; i < 30; i++) s.Add(new(t += 8 * h, 0.0001m));
        Assert.Equal(8, FundingInterval.InferHours(s, t));
        for (var i = 0; i < 12; i++) s.Add(new(t += 4 * h, 0.0001m));
        t += 4 * h; // one settlement missing from the history
        for (var i = 0; i < 3; i++) s.Add(new(t += 4 * h, 0.0001m));
        Assert.Equal(4, FundingInterval.InferHours(s, t));
        Assert.Equal(8, FundingInterval.InferHours(s, 30 * 8 * h)); // as of before the change
    }

    [Fact]
    public void No_data_gives_nulls_not_zeros()
    {
        var empty = FundingStats.Compute([], 0);
        Assert.Null(empty.IntervalHours);
        Assert.Null(empty.Last);
        Assert.Null(empty.Mean7d);
        Assert.Null(empty.Annualised7d);
        Assert.Equal(0, empty.Count7d);

        var one = FundingStats.Compute([new FundingSettlement(10, 0.001m)], 10);
        Assert.Null(one.IntervalHours);      // one settlement says nothing about the interval
        Assert.Equal(0.001m, one.Mean7d);
        Assert.Null(one.Annualised7d);
    }

    [Fact]
    public void Unsorted_input_is_a_bug()
    {
        Assert.Throws<ArgumentException>(() => FundingStats.Compute([new FundingSettlement(2, 0m), new FundingSettlement(1, 0m)], 5, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => FundingStats.Compute([], 5, 0));
    }
}
