using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Tests.Strategies;
using Arbitrage.Engine.Topics;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Supervision;

/// <summary>
/// A journal outage stops a strategy only as long as it lasts: the strategy whose signal write failed is reported down
/// (not "enabled" and silent), comes back when the journal answers, writes that signal then — once — and hands it to
/// the risk guard, and keeps its cooldown.
/// </summary>
public sealed class StrategyJournalOutageTests : JournalOutageTestKit
{
    private const long T0 = 1_778_200_200_000;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "arb-tests", "strategies-outage-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<IActorRef> _subscribers = new();
    private readonly TestProbe _mediator;

    public StrategyJournalOutageTests(ITestOutputHelper output)
        : base(output)
    {
        Directory.CreateDirectory(_dir);
        _mediator = CreateTestProbe();
        var subscribers = _subscribers;
        _mediator.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is Subscribe s)
            {
                subscribers.Enqueue(s.Ref);
                sender.Tell(new SubscribeAck(s));
            }

            return AutoPilot.KeepRunning;
        }));
    }

    [Fact]
    public async Task A_signal_whose_write_failed_is_written_once_when_the_journal_is_back_and_reaches_the_guard()
    {
        File.WriteAllText(Path.Combine(_dir, "trade_only.json"), TradeOnlyStrategy.Json(threshold: 50));
        var guard = CreateTestProbe();
        var supervisor = Sys.ActorOf(StrategiesActor.Props(new StrategiesSettings(_dir, Watch: false), _mediator, guard.Ref), "strategies");
        supervisor.Tell(new AwaitStrategiesReady());
        ExpectMsg<StrategiesReady>(TimeSpan.FromSeconds(20));
        Assert.Equal(supervisor, Subscriber()); // the supervisor subscribes once and routes to its strategies

        await Journal.OnWrite.Fail();
        supervisor.Tell(Snapshot(T0)); // ≈ 60 ≥ 50: a signal, whose write fails
        supervisor.Tell(Snapshot(T0 + (11 * 60_000))); // arrives while the strategy is down: kept, evaluated when it is back

        AwaitAssert(() =>
        {
            supervisor.Tell(new ListStrategies());
            var info = Assert.Single(ExpectMsg<StrategyList>().Strategies);
            Assert.False(info.Running);
            Assert.Contains("journal write failed", info.Problem, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10));

        await Journal.OnWrite.Pass();

        // First the signal whose write failed, then the one of the snapshot that waited: nothing dropped, nothing skipped.
        Assert.Equal(T0, guard.ExpectMsg<SignalEmitted>(TimeSpan.FromSeconds(20)).TimeMs);
        Assert.Equal(T0, ((SignalEmitted)_mediator.FishForMessage<Publish>(p => p.Topic == EngineTopics.Signals).Message).TimeMs);
        Assert.Equal(T0 + (11 * 60_000), guard.ExpectMsg<SignalEmitted>(TimeSpan.FromSeconds(10)).TimeMs);
        AwaitAssert(() =>
        {
            supervisor.Tell(new ListStrategies());
            var info = Assert.Single(ExpectMsg<StrategyList>().Strategies);
            Assert.True(info.Running);
            Assert.Null(info.Problem);
        }, TimeSpan.FromSeconds(10));

        // The new incarnation knows its signals: inside the cooldown nothing more is emitted, after it the next one is.
        supervisor.Tell(Snapshot(T0 + (12 * 60_000)));
        supervisor.Tell(Snapshot(T0 + (22 * 60_000)));
        Assert.Equal(T0 + (22 * 60_000), guard.ExpectMsg<SignalEmitted>(TimeSpan.FromSeconds(10)).TimeMs);
    }

    [Fact]
    public async Task A_strategy_whose_recovery_fails_is_reported_down_and_retries_until_the_journal_answers()
    {
        File.WriteAllText(Path.Combine(_dir, "trade_only.json"), TradeOnlyStrategy.Json(threshold: 50));
        var guard = CreateTestProbe();
        var first = Sys.ActorOf(StrategiesActor.Props(new StrategiesSettings(_dir, Watch: false), _mediator, guard.Ref), "strategies-1");
        first.Tell(new AwaitStrategiesReady());
        ExpectMsg<StrategiesReady>(TimeSpan.FromSeconds(20));
        first.Tell(Snapshot(T0)); // a signal in the journal: recovery has something to read
        guard.ExpectMsg<SignalEmitted>();
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        await Journal.OnRecovery.Fail();
        var supervisor = Sys.ActorOf(StrategiesActor.Props(new StrategiesSettings(_dir, Watch: false), _mediator, guard.Ref), "strategies-2");
        AwaitAssert(() =>
        {
            supervisor.Tell(new ListStrategies());
            var info = Assert.Single(ExpectMsg<StrategyList>().Strategies);
            Assert.False(info.Running);
            Assert.Contains("journal recovery failed", info.Problem, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10));

        await Journal.OnRecovery.Pass();
        supervisor.Tell(new AwaitStrategiesReady());
        ExpectMsg<StrategiesReady>(TimeSpan.FromSeconds(20));

        // It recovered its cooldown: inside it, silence; after it, the next signal.
        supervisor.Tell(Snapshot(T0 + 60_000));
        supervisor.Tell(Snapshot(T0 + (11 * 60_000)));
        Assert.Equal(T0 + (11 * 60_000), guard.ExpectMsg<SignalEmitted>(TimeSpan.FromSeconds(10)).TimeMs);
    }

    private static IndicatorSnapshot Snapshot(long timeMs) => new("BTCUSDT", TradeOnlyStrategy.Tick(timeMs, +1, strong: false));

    /// <summary>What subscribed to the indicator topics.</summary>
    private IActorRef Subscriber()
    {
        IActorRef? first = null;
        AwaitCondition(() => _subscribers.TryPeek(out first), TimeSpan.FromSeconds(10));
        return first!;
    }
}
