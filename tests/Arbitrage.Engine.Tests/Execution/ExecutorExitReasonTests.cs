using Arbitrage.Core.Execution;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Execution;

/// <summary>The executor's pure decisions name every exit with a code (the actor tests cover the risk guard's flattens).</summary>
public sealed class ExecutorExitReasonTests
{
    private const string Id = "t-BTCUSDT-L-1";

    [Fact]
    public void A_rejected_protective_stop_closes_the_position_as_protection_failed_with_the_stop_in_the_detail()
    {
        var settings = Settings().Rules;
        var state = ExecutorLogic.OnSignal(ExecutorState.Empty, LongBtc(Id), 2m, settings).State;
        var entry = ClientOrderIds.For(Id, OrderLeg.Entry);
        state = ExecutorLogic.Observe(state, Order(entry, Side.Buy, OrderType.Market, 1m, 100m, T0 + 1), settings).State;
        var stop = ClientOrderIds.For(Id, OrderLeg.StopLoss);
        Assert.True(state.Orders.ContainsKey(stop)); // the bracket is armed

        var rejected = ExecutorLogic.EndOrder(state, stop, GatewayOrderStatus.Rejected, "-2021 Order would immediately trigger.");
        var flatten = Assert.Single(rejected.Events.OfType<FlattenRequested>());
        var detail = $"protective stop {stop} Rejected: closing unprotected position";
        Assert.Equal((ExitReason.ProtectionFailed, detail), (flatten.Reason, flatten.Detail));

        var close = ClientOrderIds.For(Id, OrderLeg.Close);
        var closed = ExecutorLogic.Observe(rejected.State, Order(close, Side.Sell, OrderType.Market, 1m, 99.5m, T0 + 2), settings);
        var trade = Assert.Single(closed.Events.OfType<TradeClosed>());
        Assert.Equal((ExitReason.ProtectionFailed, detail, 99.5m), (trade.ExitReason, trade.ExitDetail, trade.Exit));
    }

    [Fact]
    public void A_flatten_keeps_the_first_reason_asked_for()
    {
        var settings = Settings().Rules;
        var state = ExecutorLogic.OnSignal(ExecutorState.Empty, LongBtc(Id), 2m, settings).State;
        state = ExecutorLogic.Observe(state, Order(ClientOrderIds.For(Id, OrderLeg.Entry), Side.Buy, OrderType.Market, 1m, 100m, T0 + 1), settings).State;

        state = ExecutorLogic.Flatten(state, null, ExitReason.DailyLoss, "daily loss -5 R ≤ −5 R on UTC day 2024-05-08", T0 + 2).State;
        var again = ExecutorLogic.Flatten(state, "BTCUSDT", ExitReason.ManualClose, "closed by operator ops", T0 + 3);
        Assert.Empty(again.Events); // already closing

        var closed = ExecutorLogic.Observe(again.State, Order(ClientOrderIds.For(Id, OrderLeg.Close), Side.Sell, OrderType.Market, 1m, 99m, T0 + 4), settings);
        var trade = Assert.Single(closed.Events.OfType<TradeClosed>());
        Assert.Equal((ExitReason.DailyLoss, "daily loss -5 R ≤ −5 R on UTC day 2024-05-08"), (trade.ExitReason, trade.ExitDetail));
    }

    private static GatewayOrder Order(string clientOrderId, Side side, OrderType type, decimal quantity, decimal price, long timeMs) =>
        new(clientOrderId, "BTCUSDT", side, type, quantity, null, ReduceOnly: side == Side.Sell, // a long: selling closes it
            GatewayOrderStatus.Filled, quantity, price, price * quantity * 0.0004m, timeMs);
}
