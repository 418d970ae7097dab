using Arbitrage.Engine.Funding;

namespace Arbitrage.Engine.Tests.Funding;

public sealed class FundingDownsamplerTests
{
    [Fact]
    public void Four_updates_a_second_for_three_minutes_give_180_second_rows_and_3_minute_rows_with_exact_ohlc()
    {
        var sampler = new FundingDownsampler("X", [new SnapshotTier(1000, null), new SnapshotTier(60_000, null)]);
        var rows = new List<FundingSnapshotRow>();
        const long t0 = 1_700_000_040_000; // a whole minute
        var updates = Enumerable.Range(0, 720).Select(i =>
            new MarkPriceUpdate("X", t0 + i * 250L, 100m + (i * 37 % 11), 100m, 100m, 0.0001m * (i % 5), t0 + 3_600_000)).ToList();
        foreach (var u in updates) sampler.Add(u, rows);
        sampler.AddOpenRows(rows);

        var seconds = rows.Where(r => r.ResolutionMs == 1000).ToList();
        var minutes = rows.Where(r => r.ResolutionMs == 60_000).ToList();
        Assert.Equal(180, seconds.Count);
        Assert.Equal(3, minutes.Count);
        Assert.All(seconds, r => Assert.Equal(4, r.Updates));
        for (var m = 0; m < 3; m++)
        {
            var window = updates.Skip(m * 240).Take(240).ToList();
            var row = minutes[m];
            Assert.Equal((t0 + m * 60_000L, window[0].MarkPrice, window.Max(u => u.MarkPrice), window.Min(u => u.MarkPrice), window[^1].MarkPrice, window[^1].PredictedRate),
                (row.TimeMs, row.MarkOpen, row.MarkHigh, row.MarkLow, row.Mark, row.PredictedRate));
        }

        // Candles over 1 s rows equal candles over 1 min rows (mark OHLC is exact in every tier).
        Assert.Equal(FundingCandles.Build(minutes, CandleField.Mark, 60_000), FundingCandles.Build(seconds, CandleField.Mark, 60_000));
    }
}
