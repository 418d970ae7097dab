using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Tests.Persistence;
using Arbitrage.Engine.Topics;
using Xunit.Abstractions;
using TestKit = Akka.TestKit.Xunit2.TestKit;

namespace Arbitrage.Engine.Tests.Strategies;

/// <summary>
/// Issue 14, item 2: a strategy snapshots its cooldown book every N signals and keeps its latest snapshot only; recovered
/// from it and the signals after it, it refuses and emits exactly as when recovered from every signal.
/// </summary>
public sealed class StrategySnapshotTests(ITestOutputHelper output) : IDisposable
{
    private const long T0 = 1_778_200_200_000;
    private const long Minute = 60_000;

    private static readonly StrategyDefinition Definition = TradeOnlyStrategy.Definition("snap");

    private readonly SnapshotJournal _journal = new();
    private readonly List<SnapshotJournal> _copies = [];

    public void Dispose()
    {
        foreach (var c in _copies) c.Dispose();
        _journal.Dispose();
    }

    [Fact]
    public void Recovered_from_its_latest_snapshot_and_the_signals_after_it_a_strategy_keeps_every_cooldown()
    {
        using (var kit = new TestKit(_journal.Config(snapshotEvery: 2), "emit", output))
        {
            var (actor, mediator) = Start(kit);
            Tick(actor, "BTCUSDT", T0, +1);
            Tick(actor, "BTCUSDT", T0 + 30_000, -1);
            Tick(actor, "ETHUSDT", T0 + 45_000, +1);
            Tick(actor, "BTCUSDT", T0 + (10 * Minute), +1);
            Tick(actor, "BTCUSDT", T0 + (10 * Minute) + 30_000, -1);
            Assert.Equal(5, Signals(mediator, 5).Count);
            _journal.AwaitLatestSnapshots(kit, 2, "strategy-snap");
        }

        Assert.Equal([("strategy-snap", 4L, "strategy-snapshot.v1")], _journal.Snapshots()); // the one at 2 was deleted

        var eventsOnly = Copy();
        eventsOnly.DeleteSnapshots();
        var snapshotAndAfter = Copy();
        Assert.Equal(4, snapshotAndAfter.DeleteEventsCoveredBySnapshots());

        (string, long, Direction)[] expected =
        [
            ("ETHUSDT", T0 + (10 * Minute) + 45_000, Direction.Long),
            ("BTCUSDT", T0 + (20 * Minute), Direction.Long),
            ("BTCUSDT", T0 + (20 * Minute) + 30_000, Direction.Short),
        ];
        Assert.Equal(expected, AfterRestart(eventsOnly));
        Assert.Equal(expected, AfterRestart(snapshotAndAfter));
    }

    /// <summary>Each key's tick just inside its cooldown (refused), then exactly at its end (emitted).</summary>
    private IReadOnlyList<(string, long, Direction)> AfterRestart(SnapshotJournal journal)
    {
        using var kit = new TestKit(journal.Config(), "restart", output);
        var (actor, mediator) = Start(kit);
        Tick(actor, "ETHUSDT", T0 + (10 * Minute), +1);
        Tick(actor, "ETHUSDT", T0 + (10 * Minute) + 45_000, +1);
        Tick(actor, "BTCUSDT", T0 + (20 * Minute) - 15_000, +1);
        Tick(actor, "BTCUSDT", T0 + (20 * Minute), +1);
        Tick(actor, "BTCUSDT", T0 + (20 * Minute) + 15_000, -1);
        Tick(actor, "BTCUSDT", T0 + (20 * Minute) + 30_000, -1);
        return Signals(mediator, 3).Select(s => (s.Symbol, s.TimeMs, s.Direction)).ToArray();
    }

    private SnapshotJournal Copy()
    {
        var copy = _journal.Copy();
        _copies.Add(copy);
        return copy;
    }

    private static (IActorRef Actor, TestProbe Mediator) Start(TestKit kit)
    {
        var mediator = kit.CreateTestProbe();
        mediator.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is Subscribe s) sender.Tell(new SubscribeAck(s));
            return AutoPilot.KeepRunning;
        }));
        var actor = kit.Sys.ActorOf(StrategyActor.Props(Definition, mediator, null));
        mediator.FishForMessage<Subscribe>(s => s.Topic == EngineTopics.Indicators);
        return (actor, mediator);
    }

    private static void Tick(IActorRef actor, string symbol, long timeMs, int direction) =>
        actor.Tell(new IndicatorSnapshot(symbol, TradeOnlyStrategy.Tick(timeMs, direction)));

    private static List<SignalEmitted> Signals(TestProbe mediator, int count) =>
        Enumerable.Range(0, count)
            .Select(_ => Assert.IsType<SignalEmitted>(mediator.FishForMessage<Publish>(p => p.Topic == EngineTopics.Signals).Message))
            .ToList();
}
