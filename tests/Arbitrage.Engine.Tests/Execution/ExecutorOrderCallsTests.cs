using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Tests.Symbols;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Execution;

/// <summary>
/// How the executor talks to a slow or refusing exchange (issue 13, items 4 and 8): a cancel waits for the placement it
/// cancels, is sent again until the order is gone, a storm of refusals never exhausts a wanted order, the old stop stays
/// until the break-even stop works, and a position left without a stop is closed and alerted.
/// </summary>
public sealed class ExecutorOrderCallsTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private const string Signal = "t-BTCUSDT-L-1";
    private static readonly string Stop = ClientOrderIds.For(Signal, OrderLeg.StopLoss);
    private static readonly string Tp1 = ClientOrderIds.For(Signal, OrderLeg.TakeProfit1);
    private static readonly string Tp2 = ClientOrderIds.For(Signal, OrderLeg.TakeProfit2);
    private static readonly string BreakEven = ClientOrderIds.For(Signal, OrderLeg.BreakEven);

    [Fact]
    public void A_close_while_the_bracket_is_still_on_its_way_cancels_each_leg_once_it_arrived_and_leaves_nothing_open()
    {
        // The bracket's placements are in flight (sent, not yet at the exchange) when the close comes.
        var fake = new FakeGateway { Hold = r => !r.ClientOrderId.EndsWith("-E", StringComparison.Ordinal) };
        var exec = StartExecutor(Settings(), fake);
        exec.Tell(new ExecuteSignal(LongBtc(Signal), 2m));
        AwaitCondition(() => fake.Held.Count == 3);
        exec.Tell(new ClosePosition("BTCUSDT", ExitReason.ManualClose, "closed by operator ops", T0 + 1));
        AwaitCondition(() => fake.Held.Count == 4); // the close too

        fake.ReleaseHeld();
        var closed = FishForMessage<TradeClosed>(_ => true);
        Assert.Equal(ExitReason.ManualClose, closed.ExitReason);
        AwaitCondition(() => fake.Orders.Values.All(o => o.IsFinal));
        foreach (var leg in new[] { Stop, Tp1, Tp2 })
        {
            Assert.Equal(1, fake.PlacementsOf(leg)); // never sent twice, never abandoned while at the exchange
            Assert.Equal(GatewayOrderStatus.Canceled, fake.Orders[leg].Status);
        }

        // Nothing of the trade is left: the symbol takes the next signal.
        fake.Hold = null;
        exec.Tell(new ExecuteSignal(LongBtc("t-BTCUSDT-L-2", T0 + 60_000), 2m));
        AwaitCondition(() => fake.Orders.ContainsKey(ClientOrderIds.For("t-BTCUSDT-L-2", OrderLeg.StopLoss)));
    }

    [Fact]
    public void The_old_stop_is_canceled_only_once_the_break_even_stop_works_at_the_exchange()
    {
        var fake = new FakeGateway();
        var exec = StartExecutor(Settings(), fake);
        exec.Tell(new ExecuteSignal(LongBtc(Signal), 2m));
        AwaitCondition(() => fake.Orders.ContainsKey(Tp2));

        fake.Hold = r => r.ClientOrderId == BreakEven;
        var tp1 = fake.Set(Tp1, o => o with { Status = GatewayOrderStatus.Filled, FilledQuantity = o.Quantity, AveragePrice = 102m, UpdateTimeMs = T0 + 2 });
        exec.Tell(new OrderUpdate(tp1, tp1.Quantity, 102m, 0.0204m));
        AwaitCondition(() => fake.Held.Contains(BreakEven));
        StatusOf(exec); // the executor is done with the fill
        Assert.Equal(0, fake.CancelsOf(Stop));
        Assert.Equal(GatewayOrderStatus.New, fake.Orders[Stop].Status);

        fake.ReleaseHeld();
        AwaitCondition(() => fake.Orders[Stop].Status == GatewayOrderStatus.Canceled);
        Assert.Equal(GatewayOrderStatus.New, fake.Orders[BreakEven].Status);
        Assert.Equal((OrderType.StopMarket, 0.5m, 100m), (fake.Orders[BreakEven].Type, fake.Orders[BreakEven].Quantity, fake.Orders[BreakEven].StopPrice!.Value));
    }

    [Fact]
    public void Cancels_refused_by_a_rate_limit_storm_are_sent_again_until_the_exchange_holds_nothing_of_the_trade()
    {
        var fake = new FakeGateway();
        var exec = StartExecutor(Settings(), fake);
        exec.Tell(new ExecuteSignal(LongBtc(Signal), 2m));
        AwaitCondition(() => fake.Orders.ContainsKey(Tp2));

        // The stop fills at the exchange; every call the executor makes next is refused for a while.
        fake.Storm(12);
        var stop = fake.Set(Stop, o => o with { Status = GatewayOrderStatus.Filled, FilledQuantity = o.Quantity, AveragePrice = 98m, UpdateTimeMs = T0 + 2 });
        exec.Tell(new OrderUpdate(stop, stop.Quantity, 98m, 0.0392m));
        Assert.Equal(ExitReason.StopLoss, FishForMessage<TradeClosed>(_ => true).ExitReason);

        AwaitCondition(() => fake.Orders[Tp1].Status == GatewayOrderStatus.Canceled && fake.Orders[Tp2].Status == GatewayOrderStatus.Canceled);
        Assert.Equal(12, fake.StormCalls);
        Assert.True(fake.CancelsOf(Tp1) + fake.CancelsOf(Tp2) > 2, "the refused cancels were sent again");
        exec.Tell(new ExecuteSignal(LongBtc("t-BTCUSDT-L-2", T0 + 60_000), 2m));
        AwaitCondition(() => fake.Orders.ContainsKey(ClientOrderIds.For("t-BTCUSDT-L-2", OrderLeg.Entry)));
    }

    [Fact]
    public void A_storm_of_refused_placements_never_exhausts_the_attempts_of_a_wanted_stop()
    {
        var fake = new FakeGateway { Hold = r => r.ClientOrderId.EndsWith("-E", StringComparison.Ordinal) };
        var exec = StartExecutor(Settings(), fake);
        exec.Tell(new ExecuteSignal(LongBtc(Signal), 2m));
        AwaitCondition(() => fake.Held.Count == 1);
        fake.Hold = null;
        fake.Storm(15); // more refusals than MaxPlaceAttempts (3) per leg
        fake.ReleaseHeld();

        AwaitCondition(() => fake.Orders.ContainsKey(Stop) && fake.Orders.ContainsKey(Tp1) && fake.Orders.ContainsKey(Tp2), TimeSpan.FromSeconds(15));
        Assert.Equal(15, fake.StormCalls);
        var trade = StatusOf(exec).State.Trades[Signal];
        Assert.Null(trade.Flatten);
        Assert.All(new[] { Stop, Tp1, Tp2 }, id => Assert.Equal(GatewayOrderStatus.New, fake.Orders[id].Status));
    }

    [Fact]
    public void A_position_without_a_stop_at_the_exchange_after_the_protection_timeout_is_closed_and_alerted()
    {
        var fake = new FakeGateway { Hold = r => r.ClientOrderId == Stop }; // the stop never gets through
        var exec = StartExecutor(Settings() with { ProtectionTimeout = TimeSpan.FromMilliseconds(300) }, fake);
        exec.Tell(new ExecuteSignal(LongBtc(Signal), 2m));

        var alert = FishForMessage<ExecutionAlert>(_ => true, TimeSpan.FromSeconds(10));
        Assert.Equal((ExecutionAlertKind.ProtectionMissing, "BTCUSDT", Signal), (alert.Kind, alert.Symbol, alert.SignalId));
        Assert.Contains("no protective stop at the exchange for 1 BTCUSDT", alert.Detail);
        var closed = FishForMessage<TradeClosed>(_ => true);
        Assert.Equal(ExitReason.ProtectionFailed, closed.ExitReason);
        Assert.Equal(alert.Detail, closed.ExitDetail);

        // The stop arrives late: canceled as soon as it is there.
        fake.ReleaseHeld();
        AwaitCondition(() => fake.Orders[Stop].Status == GatewayOrderStatus.Canceled);
        AwaitCondition(() => fake.Orders.Values.All(o => o.IsFinal));
    }

    [Fact]
    public void Cancels_a_restart_interrupted_are_asked_for_again_by_reconciliation()
    {
        var fake = new FakeGateway();
        var settings = Settings() with { RetryDelay = TimeSpan.FromMinutes(1) }; // the refused cancels would not come back before the stop
        var exec = StartExecutor(settings, fake);
        exec.Tell(new ExecuteSignal(LongBtc(Signal), 2m));
        AwaitCondition(() => fake.Orders.ContainsKey(Tp2));

        fake.Storm(2); // the two cancels after the stop fills are refused; then the process dies
        var stop = fake.Set(Stop, o => o with { Status = GatewayOrderStatus.Filled, FilledQuantity = o.Quantity, AveragePrice = 98m, UpdateTimeMs = T0 + 2 });
        exec.Tell(new OrderUpdate(stop, stop.Quantity, 98m, 0.0392m));
        FishForMessage<TradeClosed>(_ => true);
        AwaitCondition(() => fake.StormCalls == 2);
        var watcher = CreateTestProbe();
        watcher.Watch(exec);
        Sys.Stop(exec);
        watcher.ExpectTerminated(exec);
        Assert.All(new[] { Tp1, Tp2 }, id => Assert.Equal(GatewayOrderStatus.New, fake.Orders[id].Status));

        var again = StartExecutor(settings, fake);
        AwaitCondition(() => fake.Orders[Tp1].Status == GatewayOrderStatus.Canceled && fake.Orders[Tp2].Status == GatewayOrderStatus.Canceled);
        AwaitCondition(() => StatusOf(again).State.Trades.IsEmpty);
    }

    private IActorRef StartExecutor(ExecutorSettings settings, IExchangeGateway gateway)
    {
        var exec = Sys.ActorOf(ExecutorActor.Props(settings, gateway, TestActor));
        FishForMessage<ExecutorReady>(_ => true);
        return exec;
    }

    private ExecutorStatus StatusOf(IActorRef exec)
    {
        var probe = CreateTestProbe();
        exec.Tell(new GetExecutorStatus(), probe.Ref);
        return probe.ExpectMsg<ExecutorStatus>();
    }
}
