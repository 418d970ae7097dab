using Arbitrage.Core.Execution;
using static Arbitrage.Core.Tests.Execution.ExecutorFixture;

namespace Arbitrage.Core.Tests.Execution;

/// <summary><see cref="ExecutorLogic.OnSignal"/> and <see cref="ExecutorLogic.Refuse"/>: each way a signal is planned or refused.</summary>
public sealed class ExecutorLogicSignalTests
{
    [Fact]
    public void A_signal_is_sized_planned_and_its_market_entry_sent_after_it_is_journaled()
    {
        var x = new ExecutorFixture();
        var d = x.Signal(LongBtc());

        var plan = Assert.IsType<TradePlanned>(d.Events[0]);
        Assert.Equal((Direction.Long, 100m, 98m, 102m, 104m, 1m, 2m), (plan.Side, plan.Entry, plan.StopLoss, plan.TakeProfit1, plan.TakeProfit2, plan.Quantity, plan.RiskUsd));
        var entry = Assert.IsType<OrderIntent>(d.Events[1]);
        Assert.Equal((OrderLeg.Entry, Side.Buy, OrderType.Market, 1m, (decimal?)null, false, "s-BTCUSDT-L-1-E"),
            (entry.Leg, entry.Side, entry.Type, entry.Quantity, entry.StopPrice, entry.ReduceOnly, entry.ClientOrderId));
        Assert.Equal([entry], Placed(d));
        Assert.Equal(2, d.Events.Count);
        Assert.True(x.State.HasSeen("s-BTCUSDT-L-1"));
    }

    [Fact]
    public void A_short_sells_to_open_and_its_levels_are_rounded_to_the_tick()
    {
        var x = new ExecutorFixture();
        var d = x.Signal(Signal("s-ETH", "ETHUSDT", Direction.Short, 50.004, 51.006, 49.004, 47.996, T0));

        var plan = Assert.IsType<TradePlanned>(d.Events[0]);
        Assert.Equal((Direction.Short, 50.00m, 51.01m, 49.00m, 48.00m), (plan.Side, plan.Entry, plan.StopLoss, plan.TakeProfit1, plan.TakeProfit2));
        Assert.Equal(Side.Sell, Assert.Single(Placed(d)).Side);
    }

    [Fact]
    public void A_repeated_signal_is_ignored_whether_it_was_planned_or_refused()
    {
        var x = new ExecutorFixture();
        x.Signal(LongBtc());
        Assert.Empty(x.Signal(LongBtc()).Events);

        x.Signal(Signal("s-busy", "BTCUSDT", Direction.Short, 100, 102, 98, 96, T0));
        var again = x.Signal(Signal("s-busy", "BTCUSDT", Direction.Short, 100, 102, 98, 96, T0));
        Assert.Empty(again.Events);
        Assert.Empty(again.Effects);
    }

    [Fact]
    public void A_symbol_without_filters_is_refused()
    {
        var d = new ExecutorFixture().Signal(Signal("s-x", "XRPUSDT", Direction.Long, 1, 0.9, 1.1, 1.2, T0));
        var r = Assert.IsType<SignalRejected>(Assert.Single(d.Events));
        Assert.Equal(RejectCode.NoFilters, r.Code);
        Assert.Contains("XRPUSDT", r.Reason);
        Assert.Empty(d.Effects);
    }

    [Fact]
    public void A_second_trade_on_a_busy_symbol_is_refused()
    {
        var x = new ExecutorFixture();
        x.Signal(LongBtc());
        var r = Assert.IsType<SignalRejected>(Assert.Single(x.Signal(LongBtc("s-BTCUSDT-L-2", T0 + 60_000)).Events));
        Assert.Equal(RejectCode.SymbolBusy, r.Code);
        Assert.Equal("symbol_busy", r.Code.Code());
        Assert.Contains("s-BTCUSDT-L-1", r.Reason);
    }

    [Fact]
    public void The_position_limit_refuses_one_more_symbol()
    {
        var x = new ExecutorFixture(); // at most 2 positions
        x.Signal(LongBtc());
        x.Signal(ShortEth());
        var r = Assert.IsType<SignalRejected>(Assert.Single(x.Signal(Signal("s-sol", "SOLUSDT", Direction.Long, 10, 9, 11, 12, T0)).Events));
        Assert.Equal(RejectCode.MaxPositions, r.Code);
    }

    [Theory]
    [InlineData(100, 100, RejectCode.SizeZeroDistance)] // stop on the entry
    [InlineData(100, 1, RejectCode.SizeBelowMinNotional)] // 2 USD over 99: 0.02 BTC = 2 USD < 5 USD
    [InlineData(100, -5, RejectCode.SizeInvalidInput)]
    public void A_size_the_exchange_cannot_take_is_refused_with_the_sizing_code(double entry, double stop, RejectCode code)
    {
        var d = new ExecutorFixture().Signal(Signal("s-size", "BTCUSDT", Direction.Long, entry, stop, 102, 104, T0));
        Assert.Equal(code, Assert.IsType<SignalRejected>(Assert.Single(d.Events)).Code);
    }

    [Fact]
    public void A_quantity_below_the_lot_minimum_is_refused()
    {
        var d = new ExecutorFixture().Signal(Signal("s-lot", "BTCUSDT", Direction.Long, 100, 98, 102, 104, T0), riskUsd: 0.0001m);
        Assert.Equal(RejectCode.SizeBelowMinQty, Assert.IsType<SignalRejected>(Assert.Single(d.Events)).Code);
    }

    [Fact]
    public void A_stop_on_the_wrong_side_of_the_entry_for_the_direction_is_refused()
    {
        var d = new ExecutorFixture().Signal(Signal("s-levels", "BTCUSDT", Direction.Short, 100, 98, 96, 94, T0));
        var r = Assert.IsType<SignalRejected>(Assert.Single(d.Events));
        Assert.Equal(RejectCode.BadLevels, r.Code);
        Assert.Contains("Short", r.Reason);
    }

    [Fact]
    public void The_account_refuses_a_signal_once_with_its_code()
    {
        var x = new ExecutorFixture();
        var first = x.Do(s => ExecutorLogic.Refuse(s, LongBtc(), RejectCode.LeverageMismatch, "leverage 20, configured 5"));
        var r = Assert.IsType<SignalRejected>(Assert.Single(first.Events));
        Assert.Equal((RejectCode.LeverageMismatch, "leverage 20, configured 5", T0), (r.Code, r.Reason, r.TimeMs));
        Assert.Empty(x.Do(s => ExecutorLogic.Refuse(s, LongBtc(), RejectCode.LeverageMismatch, "again")).Events);
        Assert.Empty(x.Signal(LongBtc()).Events); // and it is not traded later either
    }

    [Fact]
    public void Decisions_take_the_later_of_the_executors_clock_and_the_signal_time()
    {
        var x = new ExecutorFixture();
        x.OpenLongBtc();
        var clock = x.State.LastEventMs;
        var r = Assert.IsType<SignalRejected>(Assert.Single(x.Signal(LongBtc("s-old", clock - 5_000)).Events));
        Assert.Equal(clock, r.TimeMs);
    }
}
