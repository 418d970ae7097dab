using Arbitrage.Core.Execution;
using static Arbitrage.Core.Tests.Execution.ExecutorFixture;

namespace Arbitrage.Core.Tests.Execution;

/// <summary><see cref="ExecutorLogic.Observe"/> and <see cref="ExecutorLogic.EndOrder"/>: what the exchange reports moves a trade on.</summary>
public sealed class ExecutorLogicFillTests
{
    [Fact]
    public void An_order_the_executor_does_not_own_is_left_to_reconciliation()
    {
        var x = new ExecutorFixture();
        var stranger = new GatewayOrder("manual-1", "BTCUSDT", Side.Sell, OrderType.Market, 1m, null, false, GatewayOrderStatus.Filled, 1m, 100m, null, T0);
        var d = x.Do(s => ExecutorLogic.Observe(s, stranger, Rules));
        Assert.Empty(d.Events);
        Assert.Empty(d.Effects);
    }

    [Fact]
    public void A_working_order_is_recorded_as_accepted_once()
    {
        var x = new ExecutorFixture();
        var s = LongBtc();
        x.Signal(s);
        var d = x.Exchange(Id(s, OrderLeg.Entry), GatewayOrderStatus.New);
        Assert.IsType<OrderAccepted>(Assert.Single(d.Events));
        Assert.Empty(x.Exchange(Id(s, OrderLeg.Entry), GatewayOrderStatus.New).Events);
    }

    [Fact]
    public void The_filled_entry_arms_the_bracket_reduce_only_on_the_closing_side()
    {
        var x = new ExecutorFixture();
        var s = LongBtc();
        x.Signal(s);
        var d = x.Exchange(Id(s, OrderLeg.Entry), GatewayOrderStatus.Filled, 1m, 100m, T0 + 1_000);

        var fill = Assert.IsType<OrderFilled>(d.Events[0]);
        Assert.Equal((1m, 100m, 0.04m), (fill.Quantity, fill.Price, fill.FeeUsd)); // no fee reported: the taker rate
        Assert.IsType<OrderEnded>(d.Events[1]);
        var legs = Placed(d);
        Assert.Equal([OrderLeg.StopLoss, OrderLeg.TakeProfit1, OrderLeg.TakeProfit2], legs.Select(l => l.Leg));
        Assert.All(legs, l => Assert.Equal((Side.Sell, true), (l.Side, l.ReduceOnly)));
        Assert.Equal([(OrderType.StopMarket, 1m, 98m), (OrderType.TakeProfitMarket, 0.5m, 102m), (OrderType.TakeProfitMarket, 0.5m, 104m)],
            legs.Select(l => (l.Type, l.Quantity, l.StopPrice!.Value)));
        Assert.Equal(legs, d.Events.OfType<OrderIntent>());
        Assert.Equal([new Arbitrage.Core.Risk.HeldPosition("BTCUSDT", T0 + 1_000)], x.State.HeldPositions());
    }

    [Fact]
    public void A_position_too_small_to_split_gets_one_target_for_all_of_it()
    {
        var x = new ExecutorFixture();
        var s = Signal("s-sol", "SOLUSDT", Direction.Long, 10, 9, 11, 12, T0);
        x.Signal(s, riskUsd: 1m); // 1 SOL: half would be below the lot of 1
        var legs = Placed(x.Exchange(Id(s, OrderLeg.Entry), GatewayOrderStatus.Filled, 1m, 10m, T0 + 1));
        Assert.Equal([(OrderLeg.StopLoss, 1m), (OrderLeg.TakeProfit1, 1m)], legs.Select(l => (l.Leg, l.Quantity)));
    }

    [Fact]
    public void A_repeated_or_late_report_never_counts_a_fill_twice()
    {
        var x = new ExecutorFixture();
        var s = LongBtc();
        x.Signal(s);
        var entry = Id(s, OrderLeg.Entry);
        Assert.Single(x.Exchange(entry, GatewayOrderStatus.PartiallyFilled, 0.4m, 100m).Events.OfType<OrderFilled>());
        Assert.Empty(x.Exchange(entry, GatewayOrderStatus.PartiallyFilled, 0.4m, 100m).Events);
        var rest = Assert.Single(x.Exchange(entry, GatewayOrderStatus.Filled, 1m, 100.6m).Events.OfType<OrderFilled>());
        Assert.Equal((0.6m, 101m), (rest.Quantity, rest.Price)); // the increment, priced from the cumulative average
        Assert.Equal(1m, x.State.Trades[s.SignalId].EntryQuantity);
    }

    [Fact]
    public void A_fill_fee_comes_from_the_report_before_the_assumed_taker_rate()
    {
        var x = new ExecutorFixture();
        var s = LongBtc();
        x.Signal(s);
        var entry = Id(s, OrderLeg.Entry);
        var first = x.Do(st => ExecutorLogic.Observe(st, Order(st, entry, GatewayOrderStatus.PartiallyFilled, 0.5m, 100m, T0, feeUsd: 0.01m), Rules,
            lastFillQty: 0.5m, lastFillPrice: 100m, lastFillFee: 0.01m));
        Assert.Equal(0.01m, first.Events.OfType<OrderFilled>().Single().FeeUsd);
        var second = x.Exchange(entry, GatewayOrderStatus.Filled, 1m, 100m, feeUsd: 0.03m); // cumulative: this fill paid 0.02
        Assert.Equal(0.02m, second.Events.OfType<OrderFilled>().Single().FeeUsd);
    }

    [Fact]
    public void An_entry_that_ends_without_a_fill_aborts_the_trade_and_frees_the_symbol()
    {
        var x = new ExecutorFixture();
        var s = LongBtc();
        x.Signal(s);
        var d = x.Exchange(Id(s, OrderLeg.Entry), GatewayOrderStatus.Expired);
        var aborted = Assert.IsType<TradeAborted>(d.Events.Last());
        Assert.Contains("Expired", aborted.Reason);
        Assert.Empty(x.State.Trades);
        Assert.IsType<TradePlanned>(x.Signal(LongBtc("s-next", T0 + 1)).Events[0]);
    }

    [Fact]
    public void An_entry_refused_before_the_exchange_answered_ends_and_aborts()
    {
        var x = new ExecutorFixture();
        var s = LongBtc();
        x.Signal(s);
        var d = x.Do(st => ExecutorLogic.EndOrder(st, Id(s, OrderLeg.Entry), GatewayOrderStatus.Rejected, "rejected by the exchange: -2019 margin"));
        Assert.Equal((GatewayOrderStatus.Rejected, "rejected by the exchange: -2019 margin"),
            (Assert.IsType<OrderEnded>(d.Events[0]).Status, ((OrderEnded)d.Events[0]).Reason));
        Assert.IsType<TradeAborted>(d.Events[1]);
        Assert.Empty(x.Do(st => ExecutorLogic.EndOrder(st, Id(s, OrderLeg.Entry), GatewayOrderStatus.Rejected, "again")).Events);
    }

    [Fact]
    public void Tp1_moves_the_stop_to_break_even_and_the_old_stop_goes_only_once_the_new_one_works()
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        var tp1 = x.Exchange(Id(s, OrderLeg.TakeProfit1), GatewayOrderStatus.Filled, 0.5m, 102m, T0 + 60_000);
        var be = Assert.Single(Placed(tp1));
        Assert.Equal((OrderLeg.BreakEven, OrderType.StopMarket, 0.5m, 100m, Side.Sell, true), (be.Leg, be.Type, be.Quantity, be.StopPrice!.Value, be.Side, be.ReduceOnly));
        Assert.Empty(Cancelled(tp1)); // never a moment without a stop

        var accepted = x.Exchange(Id(s, OrderLeg.BreakEven), GatewayOrderStatus.New, timeMs: T0 + 60_100);
        Assert.Equal([Id(s, OrderLeg.StopLoss)], Cancelled(accepted));
    }

    [Theory]
    [InlineData(OrderLeg.StopLoss, 1, 97.9, ExitReason.StopLoss)]
    [InlineData(OrderLeg.TakeProfit2, 0.5, 104, ExitReason.Tp2)]
    [InlineData(OrderLeg.BreakEven, 0.5, 100, ExitReason.BreakEven)]
    public void The_last_exit_fill_names_the_exit_reason_and_closes_the_trade_with_its_pnl(OrderLeg last, double qty, double price, ExitReason reason)
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        if (last != OrderLeg.StopLoss)
        {
            x.Exchange(Id(s, OrderLeg.TakeProfit1), GatewayOrderStatus.Filled, 0.5m, 102m, T0 + 60_000);
            x.Exchange(Id(s, OrderLeg.BreakEven), GatewayOrderStatus.New, timeMs: T0 + 60_100);
            x.Exchange(Id(s, OrderLeg.StopLoss), GatewayOrderStatus.Canceled, timeMs: T0 + 60_200);
        }

        var d = x.Exchange(Id(s, last), GatewayOrderStatus.Filled, (decimal)qty, (decimal)price, T0 + 120_000);
        var closed = Assert.Single(d.Events.OfType<TradeClosed>());
        Assert.Equal((reason, "", Direction.Long, 1m, 100m, T0 + 1_000, T0 + 120_000),
            (closed.ExitReason, closed.ExitDetail, closed.Direction, closed.Quantity, closed.Entry, closed.EntryTimeMs, closed.ExitTimeMs));
        var exits = last == OrderLeg.StopLoss ? [(1m, 97.9m)] : new[] { (0.5m, 102m), (0.5m, (decimal)price) };
        var gross = exits.Sum(e => (e.Item2 - 100m) * e.Item1);
        var fees = 0.04m + exits.Sum(e => e.Item2 * e.Item1 * 0.0004m);
        Assert.Equal((gross - fees, (gross - fees) / 2m, fees), (closed.PnlUsd, closed.PnlR, closed.FeesUsd));
        Assert.True(x.State.Trades[s.SignalId].Finished); // until the remaining orders are final
        var working = x.State.Orders.Values.Where(o => !o.IsFinal).Select(o => o.Intent.ClientOrderId).ToArray();
        Assert.NotEmpty(working);
        Assert.All(working, id => Assert.Contains(id, Cancelled(d))); // every order still working goes
        Assert.Equal(1, x.State.TradesClosed);
    }

    [Fact]
    public void A_tp1_that_takes_the_whole_position_closes_as_tp1()
    {
        var x = new ExecutorFixture();
        var s = Signal("s-sol", "SOLUSDT", Direction.Long, 10, 9, 11, 12, T0);
        x.Signal(s, riskUsd: 1m);
        x.Exchange(Id(s, OrderLeg.Entry), GatewayOrderStatus.Filled, 1m, 10m, T0 + 1);
        var d = x.Exchange(Id(s, OrderLeg.TakeProfit1), GatewayOrderStatus.Filled, 1m, 11m, T0 + 2);
        Assert.Equal(ExitReason.Tp1, Assert.Single(d.Events.OfType<TradeClosed>()).ExitReason);
        Assert.Empty(Placed(d)); // no break-even stop for nothing left
    }

    [Fact]
    public void A_finished_trade_leaves_the_state_once_its_last_order_is_final()
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        x.Exchange(Id(s, OrderLeg.StopLoss), GatewayOrderStatus.Filled, 1m, 98m, T0 + 60_000);
        x.Exchange(Id(s, OrderLeg.TakeProfit1), GatewayOrderStatus.Canceled, timeMs: T0 + 60_100);
        Assert.True(x.State.Trades.ContainsKey(s.SignalId));
        x.Exchange(Id(s, OrderLeg.TakeProfit2), GatewayOrderStatus.Canceled, timeMs: T0 + 60_200);
        Assert.Empty(x.State.Trades);
        Assert.Empty(x.State.Orders);
        Assert.True(x.State.HasSeen(s.SignalId)); // a repeat is still recognised
    }

    [Fact]
    public void A_fill_after_the_trade_closed_is_recorded_as_a_difference()
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        x.Exchange(Id(s, OrderLeg.StopLoss), GatewayOrderStatus.Filled, 1m, 98m, T0 + 60_000);
        var late = x.Exchange(Id(s, OrderLeg.TakeProfit1), GatewayOrderStatus.Filled, 0.5m, 102m, T0 + 60_100);
        var diff = Assert.IsType<ReconciliationDifference>(late.Events[0]);
        Assert.Equal((DifferenceKind.FillAfterClose, Id(s, OrderLeg.TakeProfit1)), (diff.Kind, diff.ClientOrderId));
        Assert.IsType<OrderFilled>(late.Events[1]);
        Assert.Single(x.State.Trades[s.SignalId].Exits.Skip(1)); // recorded, the trade stays closed
        Assert.Empty(late.Events.OfType<TradeClosed>());
    }

    [Theory]
    [InlineData(GatewayOrderStatus.Rejected)]
    [InlineData(GatewayOrderStatus.Expired)]
    public void A_protective_stop_the_exchange_refuses_closes_the_position_at_market_with_an_alert(GatewayOrderStatus status)
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        var d = x.Exchange(Id(s, OrderLeg.StopLoss), status, timeMs: T0 + 2_000);

        var alert = Assert.Single(d.Events.OfType<ExecutionAlert>());
        Assert.Equal(ExecutionAlertKind.ProtectionFailed, alert.Kind);
        Assert.Equal(ExitReason.ProtectionFailed, Assert.Single(d.Events.OfType<FlattenRequested>()).Reason);
        var close = Assert.Single(Placed(d));
        Assert.Equal((OrderLeg.Close, OrderType.Market, Side.Sell, 1m, true), (close.Leg, close.Type, close.Side, close.Quantity, close.ReduceOnly));
        Assert.Equal([Id(s, OrderLeg.TakeProfit1), Id(s, OrderLeg.TakeProfit2)], Cancelled(d).Order());

        var closed = Assert.Single(x.Exchange(close.ClientOrderId, GatewayOrderStatus.Filled, 1m, 99m, T0 + 3_000).Events.OfType<TradeClosed>());
        Assert.Equal(ExitReason.ProtectionFailed, closed.ExitReason);
        Assert.Contains($"{status}", closed.ExitDetail);
    }
}
