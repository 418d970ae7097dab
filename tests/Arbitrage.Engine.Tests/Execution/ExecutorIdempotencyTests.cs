using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Tests.Symbols;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Execution;

/// <summary>
/// Exactly-once order placement: deterministic client ids + the intent journaled before the gateway call
/// + reconciliation by client id on start + "query before retry" on unknown outcomes.
/// </summary>
public sealed class ExecutorIdempotencyTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private const string Signal = "t-BTCUSDT-L-1";
    private static readonly string Entry = ClientOrderIds.For(Signal, OrderLeg.Entry);

    [Fact]
    public void Restart_between_intent_persisted_and_ack_places_exactly_one_entry_and_adopts_it()
    {
        var fake = new FakeGateway { HangAfterRecording = true };
        var settings = Settings();
        var first = StartExecutor(settings, fake);
        first.Tell(new ExecuteSignal(LongBtc(Signal), 2m));
        AwaitCondition(() => fake.PlacementsOf(Entry) == 1);
        Stop(first);

        fake.HangAfterRecording = false;
        var second = Sys.ActorOf(ExecutorActor.Props(settings, fake, TestActor));
        var adopted = FishForMessage<ReconciliationDifference>(d => d.Kind == DifferenceKind.OrderAdopted);
        Assert.Equal(Entry, adopted.ClientOrderId);
        var ready = FishForMessage<ExecutorReady>(_ => true);
        Assert.Equal(1, ready.OpenTrades);

        // The adopted fill armed the bracket; the entry went out once.
        AwaitCondition(() => fake.Orders.ContainsKey(ClientOrderIds.For(Signal, OrderLeg.TakeProfit2)));
        second.Tell(new ExecuteSignal(LongBtc(Signal), 2m)); // redelivered signal: already handled
        var status = StatusOf(second);
        Assert.Equal(1, fake.PlacementsOf(Entry));
        Assert.Equal(1, fake.PlacementsOf(ClientOrderIds.For(Signal, OrderLeg.StopLoss)));
        Assert.Equal(1m, status.State.Trades[Signal].EntryQuantity);
        Assert.Equal(4, fake.Placements.Count);
    }

    [Fact]
    public void Restart_after_intent_that_never_left_abandons_the_entry_without_sending_it()
    {
        var fake = new FakeGateway { HangBeforeRecording = true };
        var settings = Settings();
        var first = StartExecutor(settings, fake);
        first.Tell(new ExecuteSignal(LongBtc(Signal), 2m));
        AwaitCondition(() => fake.Placements.Count == 1);
        Stop(first);

        fake.HangBeforeRecording = false;
        Sys.ActorOf(ExecutorActor.Props(settings, fake, TestActor));
        var diff = FishForMessage<ReconciliationDifference>(d => d.Kind == DifferenceKind.IntentNotSent);
        Assert.Equal(Entry, diff.ClientOrderId);
        var aborted = FishForMessage<TradeAborted>(_ => true);
        Assert.Equal(Signal, aborted.SignalId);
        FishForMessage<ExecutorReady>(_ => true);
        Assert.Empty(fake.Orders);
        Assert.Single(fake.Placements); // the lost attempt only: no second entry
    }

    [Theory]
    [InlineData(GatewayErrorKind.UnknownStatus)]
    [InlineData(GatewayErrorKind.Unavailable)]
    public void Unknown_outcome_that_reached_the_exchange_is_found_by_query_not_resent(GatewayErrorKind kind)
    {
        var fake = new FakeGateway();
        fake.FailNextPlacement(kind, recordOrder: true);
        fake.FailNextQuery(GatewayErrorKind.Unavailable); // the first query fails too: retried, not resent
        var exec = StartExecutor(Settings(), fake);
        exec.Tell(new ExecuteSignal(LongBtc(Signal), 2m));

        AwaitCondition(() => fake.Orders.ContainsKey(ClientOrderIds.For(Signal, OrderLeg.TakeProfit2)));
        Assert.Equal(1, fake.PlacementsOf(Entry));
        var status = StatusOf(exec);
        Assert.Equal(1m, status.State.Trades[Signal].EntryQuantity);
    }

    [Fact]
    public void Unknown_outcome_that_never_reached_the_exchange_is_sent_again_under_the_same_id_once()
    {
        var fake = new FakeGateway();
        fake.FailNextPlacement(GatewayErrorKind.UnknownStatus, recordOrder: false);
        var exec = StartExecutor(Settings(), fake);
        exec.Tell(new ExecuteSignal(LongBtc(Signal), 2m));

        AwaitCondition(() => fake.Orders.ContainsKey(ClientOrderIds.For(Signal, OrderLeg.TakeProfit2)));
        Assert.Equal(2, fake.PlacementsOf(Entry)); // lost, queried (not found), sent again
        Assert.Single(fake.Orders.Values, o => o.ClientOrderId == Entry);
        var status = StatusOf(exec);
        Assert.Equal(1m, status.State.Trades[Signal].EntryQuantity);
    }

    [Fact]
    public void Placement_that_is_never_confirmed_gives_up_after_max_attempts_and_keeps_the_intent_record()
    {
        var fake = new FakeGateway { AlwaysLosePlacements = true };
        var exec = StartExecutor(Settings(), fake);
        exec.Tell(new ExecuteSignal(LongBtc(Signal), 2m));

        var aborted = FishForMessage<TradeAborted>(_ => true);
        Assert.Equal(Signal, aborted.SignalId);
        Assert.Equal(3, fake.PlacementsOf(Entry));
        Assert.Empty(fake.Orders);
    }

    [Fact]
    public async Task Orphan_orders_at_the_exchange_are_canceled_at_start_and_recorded()
    {
        var fake = new FakeGateway();
        await fake.PlaceAsync(new OrderRequest("manual-1", "BTCUSDT", Side.Sell,
            OrderType.StopMarket, 1m, 90m, true));
        Sys.ActorOf(ExecutorActor.Props(Settings(), fake, TestActor));
        var diff = FishForMessage<ReconciliationDifference>(d => d.Kind == DifferenceKind.OrphanOrder);
        Assert.Equal("manual-1", diff.ClientOrderId);
        AwaitCondition(() => fake.Orders["manual-1"].Status == GatewayOrderStatus.Canceled);
    }

    [Fact]
    public void Client_order_ids_are_deterministic_and_fit_binance()
    {
        Assert.Equal("v51-BTCUSDT-L-1715126400000-E", ClientOrderIds.For("v51-BTCUSDT-L-1715126400000", OrderLeg.Entry));
        Assert.Equal("x-B", ClientOrderIds.For("x", OrderLeg.BreakEven));
        var longId = new string('a', 60) + " with spaces";
        var hashed = ClientOrderIds.For(longId, OrderLeg.StopLoss);
        Assert.Equal(hashed, ClientOrderIds.For(longId, OrderLeg.StopLoss));
        Assert.True(hashed.Length <= 36);
        Assert.Matches("^[\\.A-Z\\:/a-z0-9_-]{1,36}$", hashed);
        Assert.NotEqual(ClientOrderIds.For(longId, OrderLeg.Entry), hashed);
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

    private void Stop(IActorRef actor)
    {
        var probe = CreateTestProbe();
        probe.Watch(actor);
        Sys.Stop(actor);
        probe.ExpectTerminated(actor);
    }
}
