using Arbitrage.Core.Execution;
using static Arbitrage.Core.Tests.Execution.ExecutorFixture;

namespace Arbitrage.Core.Tests.Execution;

/// <summary>
/// <see cref="ExecutorLogic.Flatten"/>, <see cref="ExecutorLogic.OnExchangePosition"/> and <see cref="ExecutorLogic.CheckProtection"/>:
/// closing positions on command, clearing what the exchange does not hold, and the protection deadline.
/// </summary>
public sealed class ExecutorLogicFlattenTests
{
    [Fact]
    public void Flattening_closes_every_open_trade_at_market_with_the_flattens_reason()
    {
        var x = new ExecutorFixture();
        var btc = x.OpenLongBtc();
        var eth = ShortEth();
        x.Signal(eth);
        x.Exchange(Id(eth, OrderLeg.Entry), GatewayOrderStatus.Filled, 1.98m, 50m, T0 + 1_000);

        var d = x.Do(s => ExecutorLogic.Flatten(s, null, ExitReason.KillSwitch, "kill switch by ops: test", T0 + 5_000));
        Assert.Equal([btc.SignalId, eth.SignalId], d.Events.OfType<FlattenRequested>().Select(f => f.SignalId));
        Assert.All(d.Events.OfType<FlattenRequested>(), f => Assert.Equal((ExitReason.KillSwitch, "kill switch by ops: test", T0 + 5_000), (f.Reason, f.Detail, f.TimeMs)));
        var closes = Placed(d);
        Assert.Equal([("BTCUSDT", Side.Sell, 1m), ("ETHUSDT", Side.Buy, 1.98m)], closes.Select(c => (c.Symbol, c.Side, c.Quantity)));
        Assert.All(closes, c => Assert.Equal((OrderLeg.Close, OrderType.Market, true), (c.Leg, c.Type, c.ReduceOnly)));
        Assert.Contains(Id(btc, OrderLeg.StopLoss), Cancelled(d));

        var closed = Assert.Single(x.Exchange(closes[0].ClientOrderId, GatewayOrderStatus.Filled, 1m, 99m, T0 + 6_000).Events.OfType<TradeClosed>());
        Assert.Equal((ExitReason.KillSwitch, "kill switch by ops: test"), (closed.ExitReason, closed.ExitDetail));
    }

    [Fact]
    public void Closing_one_symbol_leaves_the_others_and_a_second_request_is_not_a_new_one()
    {
        var x = new ExecutorFixture();
        x.OpenLongBtc();
        var eth = ShortEth();
        x.Signal(eth);
        x.Exchange(Id(eth, OrderLeg.Entry), GatewayOrderStatus.Filled, 1.98m, 50m, T0 + 1_000);

        var d = x.Do(s => ExecutorLogic.Flatten(s, "ETHUSDT", ExitReason.ManualClose, "closed by operator ops", T0 + 5_000));
        Assert.Equal(["ETHUSDT"], Placed(d).Select(c => c.Symbol));
        var again = x.Do(s => ExecutorLogic.Flatten(s, "ETHUSDT", ExitReason.HoldTimeout, "held too long", T0 + 6_000));
        Assert.Empty(again.Events);
        Assert.Empty(again.Effects);
    }

    [Fact]
    public void A_flatten_before_the_entry_filled_cancels_it_and_closes_whatever_it_filled()
    {
        var x = new ExecutorFixture();
        var s = LongBtc();
        x.Signal(s);
        var d = x.Do(st => ExecutorLogic.Flatten(st, null, ExitReason.DailyLoss, "daily loss -5 R", T0 + 10));
        Assert.Equal([Id(s, OrderLeg.Entry)], Cancelled(d));
        Assert.Empty(Placed(d));

        var ended = x.Exchange(Id(s, OrderLeg.Entry), GatewayOrderStatus.Canceled, 0.3m, 100m, T0 + 20);
        var close = Assert.Single(Placed(ended));
        Assert.Equal((OrderLeg.Close, 0.3m), (close.Leg, close.Quantity)); // no bracket for a trade being flattened
    }

    [Fact]
    public void A_flatten_before_an_unfilled_entry_ended_aborts_the_trade()
    {
        var x = new ExecutorFixture();
        var s = LongBtc();
        x.Signal(s);
        x.Do(st => ExecutorLogic.Flatten(st, null, ExitReason.KillSwitch, "kill", T0 + 10));
        Assert.IsType<TradeAborted>(x.Exchange(Id(s, OrderLeg.Entry), GatewayOrderStatus.Canceled, timeMs: T0 + 20).Events.Last());
        Assert.Empty(x.State.Trades);
    }

    [Fact]
    public void A_close_that_ends_short_asks_what_the_exchange_holds()
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        var close = Placed(x.Do(st => ExecutorLogic.Flatten(st, null, ExitReason.ManualClose, "closed by operator ops", T0 + 5_000)))[0];
        var d = x.Exchange(close.ClientOrderId, GatewayOrderStatus.Expired, timeMs: T0 + 6_000); // reduce-only with nothing to reduce
        var read = Assert.Single(d.Effects.OfType<ExecutionEffect.ReadPosition>());
        Assert.Equal(("BTCUSDT", s.SignalId, ExitReason.ManualClose, "closed by operator ops"), (read.Symbol, read.SignalId, read.Reason, read.Detail));

        var cleared = x.Do(st => ExecutorLogic.OnExchangePosition(st, s.SignalId, 0m, read.Reason, read.Detail, T0 + 7_000));
        var off = Assert.IsType<PositionWrittenOff>(cleared.Events[0]);
        Assert.Equal((1m, 0m, ExitReason.ManualClose), (off.Quantity, off.ExchangeQuantity, off.Reason));
        Assert.Equal(ExecutionAlertKind.PositionCleared, Assert.IsType<ExecutionAlert>(cleared.Events[1]).Kind);
        Assert.True(x.State.Trades[s.SignalId].Finished);
        Assert.Empty(x.State.ExpectedPositions());
        Assert.Equal(0, x.State.TradesClosed); // cleared, not closed
    }

    [Fact]
    public void An_exchange_that_still_holds_the_position_is_left_to_an_operator()
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        var close = Placed(x.Do(st => ExecutorLogic.Flatten(st, null, ExitReason.ManualClose, "closed by operator ops", T0 + 5_000)))[0];
        x.Exchange(close.ClientOrderId, GatewayOrderStatus.Expired, timeMs: T0 + 6_000);

        var d = x.Do(st => ExecutorLogic.OnExchangePosition(st, s.SignalId, 0.7m, ExitReason.ManualClose, "closed by operator ops", T0 + 7_000));
        var alert = Assert.IsType<ExecutionAlert>(Assert.Single(d.Events));
        Assert.Equal(ExecutionAlertKind.CloseFailed, alert.Kind);
        Assert.Contains("0.7", alert.Detail);
        Assert.False(x.State.Trades[s.SignalId].Finished);

        // Closing it again asks the exchange again (nothing new is sent: the close order stays the one).
        var again = x.Do(st => ExecutorLogic.Flatten(st, "BTCUSDT", ExitReason.ManualClose, "closed by operator ops", T0 + 8_000));
        Assert.Single(again.Effects.OfType<ExecutionEffect.ReadPosition>());
        Assert.Empty(again.Events);
    }

    [Fact]
    public void Holding_the_other_way_at_the_exchange_counts_as_holding_none_of_the_trade()
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        var close = Placed(x.Do(st => ExecutorLogic.Flatten(st, null, ExitReason.KillSwitch, "kill", T0 + 5_000)))[0];
        x.Exchange(close.ClientOrderId, GatewayOrderStatus.Expired, timeMs: T0 + 6_000);
        Assert.IsType<PositionWrittenOff>(x.Do(st => ExecutorLogic.OnExchangePosition(st, s.SignalId, -2m, ExitReason.KillSwitch, "kill", T0 + 7_000)).Events[0]);
    }

    [Fact]
    public void The_protection_deadline_closes_a_position_whose_stop_never_worked()
    {
        var x = new ExecutorFixture();
        var s = LongBtc();
        x.Signal(s);
        x.Exchange(Id(s, OrderLeg.Entry), GatewayOrderStatus.Filled, 1m, 100m, T0 + 1_000); // the bracket is sent, never acknowledged

        var d = x.Do(st => ExecutorLogic.CheckProtection(st, s.SignalId, "s-BTCUSDT-L-1-S: place Unavailable: 429", T0 + 11_000));
        var alert = Assert.IsType<ExecutionAlert>(d.Events[0]);
        Assert.Equal(ExecutionAlertKind.ProtectionMissing, alert.Kind);
        Assert.Contains("429", alert.Detail);
        Assert.Equal(ExitReason.ProtectionFailed, Assert.IsType<FlattenRequested>(d.Events[1]).Reason);
        Assert.Equal(OrderLeg.Close, Assert.Single(Placed(d)).Leg);
    }

    [Fact]
    public void The_protection_deadline_does_nothing_to_a_protected_or_finished_trade()
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        Assert.Empty(x.Do(st => ExecutorLogic.CheckProtection(st, s.SignalId, "-", T0 + 11_000)).Events);
        x.Exchange(Id(s, OrderLeg.StopLoss), GatewayOrderStatus.Filled, 1m, 98m, T0 + 12_000);
        Assert.Empty(x.Do(st => ExecutorLogic.CheckProtection(st, s.SignalId, "-", T0 + 13_000)).Events);
        Assert.Empty(x.Do(st => ExecutorLogic.CheckProtection(st, "unknown", "-", T0 + 13_000)).Events);
    }
}
