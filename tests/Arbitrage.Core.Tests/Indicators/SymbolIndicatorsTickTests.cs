using Arbitrage.Core.Indicators;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Core.Tests.Indicators;

public class SymbolIndicatorsTickTests
{
    private const long T0 = Tapes.Start; // a multiple of 15 s and of 5 min
    private const long Candle = 300_000;

    private static Trade Buy(long time, double price = 100, double qty = 1) => new(time, price, qty, time, false);

    private static Trade Sell(long time, double price = 100, double qty = 1) => new(time, price, qty, time, true);

    [Fact]
    public void First_tick_is_the_first_multiple_of_15s_strictly_after_the_first_trade()
    {
        var s = new SymbolIndicators();
        var sink = new CollectingSink();
        Assert.Null(s.NextTickMs);
        s.OnTrade(Buy(T0), sink);
        Assert.Equal(T0 + 15_000, s.NextTickMs);

        var s2 = new SymbolIndicators();
        s2.OnTrade(Buy(T0 + 14_999), sink);
        Assert.Equal(T0 + 15_000, s2.NextTickMs);
        Assert.Empty(sink.Ticks);
        Assert.Null(s.Last);
    }

    [Fact]
    public void A_tick_is_evaluated_before_the_trade_that_reaches_it_is_added()
    {
        var s = new SymbolIndicators();
        var sink = new CollectingSink();
        s.OnTrade(Buy(T0 + 1_000, qty: 2), sink);
        s.OnTrade(Sell(T0 + 15_000, qty: 5), sink);
        var tick = Assert.Single(sink.Ticks);
        Assert.Equal(T0 + 15_000, tick.TimeMs);
        Assert.Equal(1, tick.Trades);
        Assert.Equal(2, tick.Cvd30m);
        Assert.Equal(100, tick.Vwap30m);
        Assert.Equal(2, tick.P99Qty);
        Assert.Equal(100, tick.LastPrice);
        Assert.Equal(tick, s.Last);
        Assert.Equal(T0 + 30_000, s.NextTickMs);
    }

    [Fact]
    public void Ticks_skipped_by_a_silent_market_are_each_evaluated_in_order()
    {
        var s = new SymbolIndicators();
        var sink = new CollectingSink();
        s.OnTrade(Buy(T0 + 1_000), sink);
        s.OnTrade(Buy(T0 + 61_000), sink);
        Assert.Equal([T0 + 15_000, T0 + 30_000, T0 + 45_000, T0 + 60_000], sink.Ticks.Select(x => x.TimeMs));
        Assert.All(sink.Ticks, x => Assert.Equal(1, x.Trades));
    }

    [Fact]
    public void Heartbeat_evaluates_due_ticks_without_a_trade()
    {
        var s = new SymbolIndicators();
        var sink = new CollectingSink();
        s.AdvanceTo(T0 + 100_000, sink);
        Assert.Empty(sink.Ticks);
        Assert.Null(s.NextTickMs);

        s.OnTrade(Buy(T0 + 1_000), sink);
        s.AdvanceTo(T0 + 14_999, sink);
        Assert.Empty(sink.Ticks);
        s.AdvanceTo(T0 + 15_000, sink);
        Assert.Single(sink.Ticks);
        s.AdvanceTo(T0 + 45_000, sink);
        Assert.Equal([T0 + 15_000, T0 + 30_000, T0 + 45_000], sink.Ticks.Select(x => x.TimeMs));
        s.AdvanceTo(T0 + 45_000, sink);
        Assert.Equal(3, sink.Ticks.Count);
    }

    [Fact]
    public void Windows_cover_exactly_t_minus_W_up_to_but_excluding_t()
    {
        var s = new SymbolIndicators();
        var sink = new CollectingSink();
        s.OnTrade(Buy(T0, qty: 1), sink);                   // leaves the 30 m window at tick T0 + 30 m + 15 s
        s.OnTrade(Buy(T0 + 14_999, qty: 2), sink);
        s.AdvanceTo(T0 + 1_800_000, sink);
        Assert.Equal(3, s.Last!.Value.Cvd30m);             // tick T0+30m: window [T0, T0+30m)
        s.AdvanceTo(T0 + 1_815_000, sink);
        Assert.Equal(0, s.Last!.Value.Cvd30m);             // window [T0+15s, ...): both trades out
        Assert.Null(s.Last!.Value.Vwap30m);
        Assert.Equal(3, s.Last!.Value.Cvd4h);
    }

    [Fact]
    public void Atr_is_null_until_14_candles_closed_then_Wilder()
    {
        // Period p: low 100 then high 101+p (the close): true ranges 1, 2, ..., 15.
        var s = new SymbolIndicators();
        var sink = new CollectingSink();
        for (int p = 0; p < 15; p++)
        {
            s.OnTrade(Buy(T0 + p * Candle + 1_000, 100), sink);
            s.OnTrade(Buy(T0 + p * Candle + 2_000, 101 + p), sink);
        }

        s.AdvanceTo(T0 + 15 * Candle, sink);
        var at = sink.Ticks.ToDictionary(x => x.TimeMs);
        Assert.Null(at[T0 + 14 * Candle - 15_000].Atr);
        Assert.Null(at[T0 + 14 * Candle - 15_000].AtrPercentile);
        Assert.Equal(7.5, at[T0 + 14 * Candle].Atr);        // mean of 1..14
        Assert.Equal(100, at[T0 + 14 * Candle].AtrPercentile);
        Assert.Equal(7.5, at[T0 + 15 * Candle - 15_000].Atr); // unchanged until the next candle closes
        Assert.Equal((7.5 * 13 + 15) / 14, at[T0 + 15 * Candle].Atr);
        Assert.Equal(100, at[T0 + 15 * Candle].AtrPercentile);
    }

    [Fact]
    public void Empty_periods_are_flat_candles_at_the_previous_close()
    {
        var s = new SymbolIndicators();
        var sink = new CollectingSink();
        s.OnTrade(Buy(T0 + 1_000, 100), sink);
        s.OnTrade(Buy(T0 + 2_000, 110), sink);
        s.AdvanceTo(T0 + 14 * Candle, sink);
        Assert.Equal(10.0 / 14, s.Last!.Value.Atr);       // TR 10, then 13 flat candles with TR 0

        // A later trade gaps from the flat close (110): TR = |H − 110|.
        s.OnTrade(Buy(T0 + 14 * Candle + 1_000, 120), sink);
        s.AdvanceTo(T0 + 15 * Candle, sink);
        Assert.Equal((10.0 / 14 * 13 + 10) / 14, s.Last!.Value.Atr);
    }

    [Fact]
    public void Atr_percentile_counts_ties_and_keeps_the_last_288_values()
    {
        // Constant true range 2: ATR stays exactly 2, every value ties with the current: 100.
        var constant = new SymbolIndicators();
        var sink = new CollectingSink();
        for (int p = 0; p < 40; p++)
        {
            constant.OnTrade(Buy(T0 + p * Candle + 1_000, 100), sink);
            constant.OnTrade(Buy(T0 + p * Candle + 2_000, 102), sink);
        }

        constant.AdvanceTo(T0 + 40 * Candle, sink);
        Assert.Equal(2, constant.Last!.Value.Atr);
        Assert.Equal(100, constant.Last!.Value.AtrPercentile);

        // One range then flat candles: ATR strictly decreases, the current is the only value ≤ itself.
        var decaying = new SymbolIndicators();
        var ticks = new CollectingSink();
        decaying.OnTrade(Buy(T0 + 1_000, 100), ticks);
        decaying.OnTrade(Buy(T0 + 2_000, 110), ticks);
        decaying.AdvanceTo(T0 + 16 * Candle, ticks);           // ATR values #1, #2, #3
        Assert.Equal(100.0 * 1 / 3, decaying.Last!.Value.AtrPercentile);
        decaying.AdvanceTo(T0 + (13 + 300) * Candle, ticks);   // 300 ATR values, only the last 288 count
        Assert.Equal(100.0 * 1 / 288, decaying.Last!.Value.AtrPercentile);
    }

    [Fact]
    public void P99_is_the_nearest_rank_value_and_handles_small_windows_and_ties()
    {
        IndicatorValues Run(params double[] qtys)
        {
            var s = new SymbolIndicators();
            var sink = new CollectingSink();
            for (int i = 0; i < qtys.Length; i++)
            {
                s.OnTrade(Buy(T0 + i, qty: qtys[i]), sink);
            }

            s.AdvanceTo(T0 + 15_000, sink);
            return s.Last!.Value;
        }

        Assert.Equal(7, Run(7).P99Qty);
        Assert.Equal(99, Run([.. Enumerable.Range(1, 100).Select(x => (double)x).Reverse()]).P99Qty); // ⌈99⌉ = 99th
        Assert.Equal(100, Run([.. Enumerable.Range(1, 101).Select(x => (double)x)]).P99Qty);          // ⌈99.99⌉ = 100th
        Assert.Equal(3, Run(3, 3, 3, 3).P99Qty);
        Assert.Equal(1e-12, Run(1e-12, 1e-13).P99Qty);   // outside the log bins' range: still exact
        Assert.Equal(5e12, Run(5e12, 1).P99Qty);
    }

    [Fact]
    public void P99_forgets_trades_older_than_24h_and_is_null_on_an_empty_window()
    {
        var s = new SymbolIndicators();
        var sink = new CollectingSink();
        s.OnTrade(Buy(T0, qty: 50), sink);
        s.OnTrade(Buy(T0 + 3_600_000, qty: 2), sink);
        s.AdvanceTo(T0 + 86_400_000, sink);
        Assert.Equal(50, s.Last!.Value.P99Qty);
        s.AdvanceTo(T0 + 86_415_000, sink);
        Assert.Equal(2, s.Last!.Value.P99Qty);
        s.AdvanceTo(T0 + 3_600_000 + 86_415_000, sink);
        Assert.Null(s.Last!.Value.P99Qty);
        Assert.Null(s.Last!.Value.Vwap24h);
        Assert.Equal(0, s.Last!.Value.Cvd24h);
        Assert.Equal(2, s.Last!.Value.Trades);
        Assert.Equal(100, s.Last!.Value.LastPrice);
    }

    [Fact]
    public void Large_trades_use_the_P99_in_force_when_they_arrive()
    {
        var s = new SymbolIndicators();
        var sink = new CollectingSink();
        s.OnTrade(Buy(T0 + 1_000, qty: 10), sink);          // no P99 in force yet: not large
        s.OnTrade(Buy(T0 + 15_000, qty: 10), sink);         // P99 of tick T0+15s is 10: large (≥)
        s.OnTrade(Sell(T0 + 16_000, qty: 12), sink);        // large sell
        s.OnTrade(Buy(T0 + 17_000, qty: 9), sink);          // below: not large
        s.AdvanceTo(T0 + 30_000, sink);
        var v = s.Last!.Value;
        Assert.Equal(10, v.LargeBuyQty);
        Assert.Equal(12, v.LargeSellQty);
        Assert.Equal(10 + 10 - 12 + 9, v.CvdAccel);          // all in the last 5 minutes
    }

    [Fact]
    public void Late_trades_count_in_their_own_bucket_but_do_not_reopen_closed_candles()
    {
        var withLate = new SymbolIndicators();
        var without = new SymbolIndicators();
        var sink = new CollectingSink();
        for (int p = 0; p < 16; p++)
        {
            foreach (var s in new[] { withLate, without })
            {
                s.OnTrade(Buy(T0 + p * Candle + 1_000, 100 + p % 3), sink);
                s.OnTrade(Buy(T0 + p * Candle + 2_000, 101), sink);
            }
        }

        // Arrives after the heartbeat passed its time, in the first (closed) candle, at an extreme price.
        withLate.AdvanceTo(T0 + 16 * Candle, sink);
        without.AdvanceTo(T0 + 16 * Candle, sink);
        withLate.OnTrade(Sell(T0 + 1_500, 10_000, qty: 4), sink);
        withLate.AdvanceTo(T0 + 16 * Candle + 15_000, sink);
        without.AdvanceTo(T0 + 16 * Candle + 15_000, sink);
        var a = withLate.Last!.Value;
        var b = without.Last!.Value;
        Assert.Equal(b.Atr, a.Atr);
        Assert.Equal(b.Cvd24h - 4, a.Cvd24h);
        Assert.Equal(b.Cvd4h - 4, a.Cvd4h);
        Assert.Equal(b.Cvd30m, a.Cvd30m);               // 80 minutes ago: outside 30 m
        Assert.Equal(b.Trades + 1, a.Trades);
        Assert.Equal(10_000, a.LastPrice);
    }

    [Fact]
    public void Invalid_trades_are_rejected_with_a_clear_error()
    {
        var s = new SymbolIndicators();
        var sink = new CollectingSink();
        Assert.Throws<ArgumentException>(() => s.OnTrade(Buy(T0, qty: 0), sink));
        Assert.Throws<ArgumentException>(() => s.OnTrade(Buy(T0, price: double.NaN), sink));
        Assert.Throws<ArgumentException>(() => s.OnTrade(Buy(T0, qty: double.PositiveInfinity), sink));
        Assert.Null(s.NextTickMs);
    }
}
