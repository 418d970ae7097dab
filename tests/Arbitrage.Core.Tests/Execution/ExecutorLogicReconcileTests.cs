using Arbitrage.Core.Execution;
using static Arbitrage.Core.Tests.Execution.ExecutorFixture;

namespace Arbitrage.Core.Tests.Execution;

/// <summary><see cref="ExecutorLogic.Reconcile"/>: after a restart the journal meets what the exchange holds.</summary>
public sealed class ExecutorLogicReconcileTests
{
    private static readonly IReadOnlyDictionary<string, GatewayResult<GatewayOrder>> NoQueries = new Dictionary<string, GatewayResult<GatewayOrder>>();

    private static GatewayResult<GatewayOrder> NotFound => GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.NotFound, "-2013 Order does not exist");

    private static ExecutionDecision Reconcile(ExecutorFixture x, IReadOnlyDictionary<string, GatewayResult<GatewayOrder>> queries,
        IReadOnlyList<GatewayOrder>? open = null, IReadOnlyList<GatewayPosition>? positions = null) =>
        x.Do(s => ExecutorLogic.Reconcile(s, new ReconcileSnapshot(queries, open ?? [], positions ?? []), Rules, T0 + 100_000));

    [Fact]
    public void An_order_the_exchange_filled_while_the_executor_was_down_is_adopted_and_moves_the_trade_on()
    {
        var x = new ExecutorFixture();
        var s = LongBtc();
        x.Signal(s);
        var entry = Id(s, OrderLeg.Entry);
        var filled = Order(x.State, entry, GatewayOrderStatus.Filled, 1m, 100m, T0 + 500);

        var d = Reconcile(x, new Dictionary<string, GatewayResult<GatewayOrder>> { [entry] = GatewayResult<GatewayOrder>.Ok(filled) },
            positions: [new GatewayPosition("BTCUSDT", 1m, 100m)]);
        var adopted = Assert.IsType<ReconciliationDifference>(d.Events[0]);
        Assert.Equal((DifferenceKind.OrderAdopted, entry), (adopted.Kind, adopted.ClientOrderId));
        Assert.Contains("intent only", adopted.Detail);
        Assert.Equal(3, Placed(d).Count); // the bracket is armed
        Assert.DoesNotContain(d.Events, e => e is ReconciliationDifference { Kind: DifferenceKind.PositionMismatch });
    }

    [Fact]
    public void An_order_the_executor_already_knew_as_it_is_is_not_a_difference()
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        var stop = Id(s, OrderLeg.StopLoss);
        var d = Reconcile(x, new Dictionary<string, GatewayResult<GatewayOrder>>
        {
            [stop] = GatewayResult<GatewayOrder>.Ok(Order(x.State, stop, GatewayOrderStatus.New, 0m, 0m, T0)),
        }, positions: [new GatewayPosition("BTCUSDT", 1m, 100m)]);
        Assert.Empty(d.Events);
        Assert.Empty(d.Effects);
    }

    [Fact]
    public void An_entry_the_exchange_never_received_is_abandoned()
    {
        var x = new ExecutorFixture();
        var s = LongBtc();
        x.Signal(s);
        var d = Reconcile(x, new Dictionary<string, GatewayResult<GatewayOrder>> { [Id(s, OrderLeg.Entry)] = NotFound });
        Assert.Equal(DifferenceKind.IntentNotSent, Assert.IsType<ReconciliationDifference>(d.Events[0]).Kind);
        Assert.Equal(GatewayOrderStatus.Canceled, Assert.IsType<OrderEnded>(d.Events[1]).Status);
        Assert.IsType<TradeAborted>(d.Events[2]);
        Assert.Empty(Placed(d)); // never sent again: the signal is old news
    }

    [Fact]
    public void A_protective_order_the_exchange_never_received_is_sent_again_under_the_same_id()
    {
        var x = new ExecutorFixture();
        var s = LongBtc();
        x.Signal(s);
        x.Exchange(Id(s, OrderLeg.Entry), GatewayOrderStatus.Filled, 1m, 100m, T0 + 1_000); // bracket intents journaled, never acknowledged
        var stop = Id(s, OrderLeg.StopLoss);
        var d = Reconcile(x, new Dictionary<string, GatewayResult<GatewayOrder>> { [stop] = NotFound },
            positions: [new GatewayPosition("BTCUSDT", 1m, 100m)]);
        Assert.Equal((DifferenceKind.IntentResent, stop), (Assert.IsType<ReconciliationDifference>(Assert.Single(d.Events)).Kind, ((ReconciliationDifference)d.Events[0]).ClientOrderId));
        Assert.Equal(stop, Assert.Single(Placed(d)).ClientOrderId);
    }

    [Fact]
    public void An_open_order_no_trade_owns_is_canceled_and_a_position_difference_is_recorded()
    {
        var x = new ExecutorFixture();
        var orphan = new GatewayOrder("manual-1", "BTCUSDT", Side.Sell, OrderType.StopMarket, 1m, 90m, true, GatewayOrderStatus.New, 0m, 0m, null, T0);
        var d = Reconcile(x, NoQueries, open: [orphan], positions: [new GatewayPosition("BTCUSDT", 0.25m, 100m)]);
        Assert.Equal([DifferenceKind.OrphanOrder, DifferenceKind.PositionMismatch], d.Events.OfType<ReconciliationDifference>().Select(r => r.Kind));
        Assert.Equal(["manual-1"], Cancelled(d));
        Assert.Contains("journal expects 0, exchange holds 0.25", ((ReconciliationDifference)d.Events[1]).Detail);
    }

    [Fact]
    public void Cancels_a_restart_interrupted_are_asked_for_again()
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        x.Exchange(Id(s, OrderLeg.TakeProfit1), GatewayOrderStatus.Filled, 0.5m, 102m, T0 + 60_000);
        x.Exchange(Id(s, OrderLeg.BreakEven), GatewayOrderStatus.New, timeMs: T0 + 60_100); // the old stop's cancel was asked, then the restart

        var d = Reconcile(x, NoQueries, positions: [new GatewayPosition("BTCUSDT", 0.5m, 100m)]);
        Assert.Equal([Id(s, OrderLeg.StopLoss)], Cancelled(d));

        x.Exchange(Id(s, OrderLeg.BreakEven), GatewayOrderStatus.Filled, 0.5m, 100m, T0 + 70_000); // closed; TP2 and the stop still work
        var after = Reconcile(x, NoQueries);
        Assert.Equal([Id(s, OrderLeg.TakeProfit2), Id(s, OrderLeg.StopLoss)], Cancelled(after).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_flatten_whose_close_ended_is_settled_against_the_exchanges_position()
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        var close = Placed(x.Do(st => ExecutorLogic.Flatten(st, null, ExitReason.KillSwitch, "kill", T0 + 5_000)))[0];
        x.Exchange(close.ClientOrderId, GatewayOrderStatus.Expired, timeMs: T0 + 6_000);

        var d = Reconcile(x, NoQueries, positions: []);
        Assert.Contains(d.Events, e => e is PositionWrittenOff w && w.SignalId == s.SignalId);
    }
}
