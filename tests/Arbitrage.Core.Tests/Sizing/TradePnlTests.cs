using Arbitrage.Core.Execution;
using Arbitrage.Core.Sizing;
using CsCheck;

namespace Arbitrage.Core.Tests.Sizing;

public class TradePnlTests
{
    private const decimal Taker = 0.0004m;

    [Fact]
    public void Long_tp1_then_tp2_with_fees()
    {
        var t = BracketTrade.Open(Direction.Long, Fill.WithFeeRate(100m, 1.000m, Taker), 98m, 101m, 102m, 2m, 0.001m, 0.001m);
        Assert.Equal(0.500m, t.Tp1Quantity);

        t = t.OnTakeProfit1(101m, Taker);
        Assert.Equal(100m, t.StopLoss);            // break-even
        Assert.Equal(0.500m, t.RemainingQuantity);
        var afterTp1 = t.Realised;
        Assert.Equal(0.5m, afterTp1.GrossUsd);
        Assert.Equal(0.02m + 0.0202m, afterTp1.FeesUsd); // half the entry fee + the TP1 fee

        t = t.CloseRemaining(102m, Taker);
        Assert.True(t.IsClosed);
        var pnl = t.Realised;
        Assert.Equal(1.5m, pnl.GrossUsd);                    // 0.5·1 + 0.5·2
        Assert.Equal(0.04m + 0.0202m + 0.0204m, pnl.FeesUsd);
        Assert.Equal(1.4194m, pnl.NetUsd);
        Assert.Equal(0.7097m, pnl.NetR);                     // 1.4194 / 2
    }

    [Fact]
    public void Short_stopped_at_break_even_after_tp1_keeps_tp1_profit_minus_fees()
    {
        var t = BracketTrade.Open(Direction.Short, new Fill(3000m, 0.003m, 0m), 3020m, 2985m, 2970m, 2m, 0.001m, 0.001m);
        Assert.Equal(0.001m, t.Tp1Quantity); // half of 0.003 rounded down to the step
        t = t.OnTakeProfit1(2985m, 0m).CloseRemaining(t.Entry.Price, 0m);
        Assert.Equal(0.015m, t.Realised.GrossUsd); // 15 × 0.001 + 0 × 0.002
        Assert.Equal(0.0075m, t.Realised.NetR);
    }

    [Fact]
    public void Full_stop_out_costs_about_one_R()
    {
        var sized = Assert.IsType<SizeResult.Ok>(PositionSizer.Size(2m, 3000m, 2951m, new SymbolFilters("ETHUSDT", 0.01m, 0.001m, 0.001m, 5m)));
        var t = BracketTrade.Open(sized.Side, new Fill(sized.Entry, sized.Quantity, 0m), sized.StopLoss, 3037.5m, 3075m, 2m, 0.001m, 0.001m)
            .CloseRemaining(sized.StopLoss, 0m);
        Assert.Equal(-sized.RiskUsd, t.Realised.NetUsd);
        Assert.Equal(-0.98m, t.Realised.NetR); // 2/49 → 0.040 (rounded down) × 49 = 1.96 USD = 0.98 R
    }

    [Fact]
    public void One_step_position_cannot_be_split_so_tp1_closes_all()
    {
        Assert.Equal((0.001m, 0m), TradePnl.SplitAtTp1(0.001m, 0.001m, 0.001m));
        Assert.Equal((0.5m, 0.5m), TradePnl.SplitAtTp1(1m, 0.001m, 0.001m));
        // Half (0.004) would be below minQty 0.005: no split.
        Assert.Equal((0.009m, 0m), TradePnl.SplitAtTp1(0.009m, 0.001m, 0.005m));
        var t = BracketTrade.Open(Direction.Long, new Fill(10m, 0.001m, 0m), 9m, 11m, 12m, 1m, 0.001m, 0.001m)
            .OnTakeProfit1(11m, 0m);
        Assert.True(t.IsClosed);
    }

    [Fact]
    public void Closing_more_than_the_entry_is_a_bug()
    {
        Assert.Throws<ArgumentException>(() =>
            TradePnl.Realised(Direction.Long, new Fill(1m, 1m, 0m), [new Fill(2m, 0.6m, 0m), new Fill(2m, 0.6m, 0m)], 1m));
    }

    [Fact]
    public void Property_partial_results_add_up_to_the_whole_and_R_is_usd_over_risk()
    {
        Gen.Select(Gen.Bool, Gen.Int[1, 100_000], Gen.Int[1, 200_000], Gen.Int[1, 200_000], Gen.Int[1, 200_000], Gen.Decimal[0m, 0.001m], Gen.Decimal[0.5m, 10m])
            .Sample((isLong, qtySteps, entryTicks, tp1Ticks, exitTicks, fee, risk) =>
            {
                var side = isLong ? Direction.Long : Direction.Short;
                decimal qty = qtySteps * 0.001m, entry = entryTicks * 0.01m, tp1 = tp1Ticks * 0.01m, exit = exitTicks * 0.01m;
                var t = BracketTrade.Open(side, Fill.WithFeeRate(entry, qty, fee), entry * 0.9m, tp1, tp1, risk, 0.001m, 0.001m);
                var partial = t.OnTakeProfit1(tp1, fee);
                var whole = partial.IsClosed ? partial : partial.CloseRemaining(exit, fee);
                var first = partial.Realised;
                var all = whole.Realised;
                Assert.Equal(qty, all.ClosedQuantity);
                Assert.Equal(all.GrossUsd - all.FeesUsd, all.NetUsd);
                Assert.Equal(all.NetUsd / risk, all.NetR);
                var second = TradePnl.GrossUsd(side, entry, exit, qty - first.ClosedQuantity);
                Assert.Equal(first.GrossUsd + second, all.GrossUsd);
                Assert.True(all.FeesUsd >= first.FeesUsd);
                Assert.True(first.ClosedQuantity % 0.001m == 0m && first.ClosedQuantity <= qty / 2m || first.ClosedQuantity == qty);
            });
    }
}
