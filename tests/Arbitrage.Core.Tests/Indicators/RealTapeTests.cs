using Arbitrage.Core.Indicators;

namespace Arbitrage.Core.Tests.Indicators;

public class RealTapeTests
{
    private const long Hour = 3_600_000;

    [Fact]
    public void Real_tape_is_the_full_day()
    {
        var day = RealTape.FullDay;
        Assert.Equal(105_280, day.Length);
        Assert.Equal(1_778_198_400_020, day[0].TimeMs);
    }

    [Theory]
    [InlineData(0, 6)]   // from the open of the day: windows fill up, ATR appears after 70 minutes
    [InlineData(14, 4)]  // a later slice, started cold
    public void Incremental_equals_naive_at_every_tick_on_real_trades(int fromHour, int hours)
    {
        var day = RealTape.FullDay;
        long from = day[0].TimeMs - day[0].TimeMs % Hour + fromHour * Hour;
        var slice = day.Where(x => x.TimeMs >= from && x.TimeMs < from + hours * Hour).Select(TapeEvent.Of).ToList();
        Assert.True(slice.Count > 10_000);

        var naive = Tapes.RunNaive(slice);
        var ticks = Tapes.RunIncremental(slice);
        Assert.True(ticks.Count >= hours * 240 - 1);
        Assert.Contains(ticks, x => x.Atr.HasValue);
        Assert.Contains(ticks, x => x.LargeBuyQty > 0);
        IndicatorAssert.Equal(naive, ticks, $"real tape {fromHour}h+{hours}h");
    }

    [Fact]
    public void P99_lies_between_the_exact_98_5th_and_99_5th_percentiles_over_the_real_day() =>
        P99Bounds.CheckAllTicks([.. RealTape.FullDay.Select(TapeEvent.Of)], everyNthTick: 23);

    [Fact]
    public void Batch_and_single_trade_ingestion_give_identical_ticks()
    {
        var day = RealTape.FullDay;
        var batch = new CollectingSink();
        var s1 = new SymbolIndicators();
        for (int i = 0; i < day.Length; i += 1000)
        {
            s1.OnTrades(day.AsSpan(i, Math.Min(1000, day.Length - i)), batch);
        }

        var single = Tapes.RunIncremental(day.Select(TapeEvent.Of));
        Assert.Equal(single, batch.Ticks);
        Assert.Equal(5759, single.Count);
    }
}
