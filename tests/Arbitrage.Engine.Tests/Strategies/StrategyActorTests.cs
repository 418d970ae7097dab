using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Indicators;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Tests.Symbols;
using Arbitrage.Engine.Topics;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Strategies;

/// <summary>
/// StrategyActor with crafted snapshots (ARCHITECTURE §5): threshold edge, cooldown on event time per symbol and
/// direction, SignalEmitted persisted before it is published and the cooldown rebuilt from the journal.
/// A non-emission is observed without waiting: a later snapshot that must emit arrives first.
/// </summary>
public sealed class StrategyActorTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private const string Symbol = "BTCUSDT";
    private const long T0 = 1_778_200_200_000; // a multiple of 15 000
    private const long Minute = 60_000;

    [Fact]
    public void Cooldown_blocks_the_same_symbol_and_direction_for_10_minutes_of_event_time_but_not_the_opposite_direction()
    {
        var (actor, mediator, risk) = Start(TradeOnlyStrategy.Definition());

        Snapshot(actor, T0, +1);                      // emits long
        Snapshot(actor, T0 + 15_000, +1);             // blocked
        Snapshot(actor, T0 + 30_000, -1);             // short has its own key: emits
        Snapshot(actor, T0 + (10 * Minute) - 15_000, +1); // 9 m 45 s after the long: blocked
        Snapshot(actor, T0 + (10 * Minute), +1);      // exactly 10 minutes: allowed
        Snapshot(actor, T0 + (10 * Minute) + 15_000, -1); // 9 m 45 s after the short: blocked
        Snapshot(actor, T0 + (10 * Minute) + 30_000, -1); // exactly 10 minutes after the short: allowed
        Snapshot(actor, T0 + (10 * Minute) + 45_000, +1, symbol: "ETHUSDT"); // another symbol: not this strategy's topic, still covered by "*"

        var signals = Enumerable.Range(0, 5).Select(_ => NextSignal(mediator)).ToArray();
        Assert.Equal(
            [(T0, Direction.Long), (T0 + 30_000, Direction.Short), (T0 + (10 * Minute), Direction.Long), (T0 + (10 * Minute) + 30_000, Direction.Short), (T0 + (10 * Minute) + 45_000, Direction.Long)],
            signals.Select(s => (s.TimeMs, s.Direction)));
        Assert.Equal(["BTCUSDT", "BTCUSDT", "BTCUSDT", "BTCUSDT", "ETHUSDT"], signals.Select(s => s.Symbol));

        // The risk guard gets the same signals, in the same order.
        Assert.Equal(signals, Enumerable.Range(0, 5).Select(_ => risk.ExpectMsg<SignalEmitted>()));

        // TP/SL from entry and ATR; breakdown and ids as persisted.
        var longSignal = signals[0];
        Assert.Equal("trade_only-BTCUSDT-L-" + T0, longSignal.SignalId);
        Assert.Equal(80_000 - (TradeOnlyStrategy.SlAtr * 40), longSignal.StopLoss);
        Assert.Equal(80_000 + (TradeOnlyStrategy.Tp1Atr * 40), longSignal.TakeProfit1);
        Assert.Equal(80_000 + (TradeOnlyStrategy.Tp2Atr * 40), longSignal.TakeProfit2);
        var shortSignal = signals[1];
        Assert.Equal(80_000 + (TradeOnlyStrategy.SlAtr * 40), shortSignal.StopLoss);
        Assert.Equal(80_000 - (TradeOnlyStrategy.Tp1Atr * 40), shortSignal.TakeProfit1);
        Assert.Equal(["cvd", "p99", "accel"], longSignal.Breakdown.Select(b => b.Name));
        Assert.Equal(longSignal.Score, longSignal.Breakdown.Sum(b => b.Points), 9);
    }

    [Fact]
    public void A_snapshot_batch_gives_the_same_signals_as_its_snapshots_one_by_one()
    {
        // Long, blocked, short, blocked, long after the cooldown: the cooldown taken inside the batch holds.
        IndicatorSnapshot[] ticks =
        [
            new(Symbol, TradeOnlyStrategy.Tick(T0, +1)),
            new(Symbol, TradeOnlyStrategy.Tick(T0 + 15_000, +1)),
            new(Symbol, TradeOnlyStrategy.Tick(T0 + 30_000, -1)),
            new(Symbol, TradeOnlyStrategy.Tick(T0 + 45_000, -1)),
            new(Symbol, TradeOnlyStrategy.Tick(T0 + (10 * Minute), +1)),
        ];

        var (single, singleMediator, _) = Start(TradeOnlyStrategy.Definition("one_by_one"));
        foreach (var tick in ticks)
        {
            single.Tell(tick);
        }

        var expected = Enumerable.Range(0, 3).Select(_ => NextSignal(singleMediator)).ToArray();

        var (batched, batchMediator, batchRisk) = Start(TradeOnlyStrategy.Definition("batched"));
        batched.Tell(new IndicatorSnapshotBatch(Symbol, ticks[..3]));
        batched.Tell(new IndicatorSnapshotBatch(Symbol, ticks[3..]));
        var actual = Enumerable.Range(0, 3).Select(_ => NextSignal(batchMediator)).ToArray();

        Assert.Equal([(T0, Direction.Long), (T0 + 30_000, Direction.Short), (T0 + (10 * Minute), Direction.Long)], actual.Select(s => (s.TimeMs, s.Direction)));
        static object Key(SignalEmitted s) => (s.Symbol, s.TimeMs, s.Direction, s.Score, s.Entry, s.StopLoss, s.TakeProfit1, s.TakeProfit2, s.BreakdownJson());
        Assert.Equal(expected.Select(Key), actual.Select(Key));
        Assert.Equal(actual, Enumerable.Range(0, 3).Select(_ => batchRisk.ExpectMsg<SignalEmitted>()));
    }

    [Fact]
    public void A_score_equal_to_the_threshold_emits_and_one_just_below_does_not()
    {
        var values = TradeOnlyStrategy.Tick(T0, +1, agree24h: false);
        var score = SignalScorer.Score(TradeOnlyStrategy.Definition(), values, MarketInputs.Empty).Score;
        Assert.InRange(score, 41.9, 42.1);

        var (atThreshold, atMediator, _) = Start(TradeOnlyStrategy.Definition("at_threshold") with { Threshold = score });
        Snapshot(atThreshold, values);
        var emitted = NextSignal(atMediator);
        Assert.Equal(T0, emitted.TimeMs);
        Assert.Equal(score, emitted.Score);
        Assert.Equal(score, emitted.Threshold);

        var (above, aboveMediator, _) = Start(TradeOnlyStrategy.Definition("above_threshold") with { Threshold = Math.BitIncrement(score) });
        Snapshot(above, values);
        Snapshot(above, T0 + 15_000, +1); // 24 h agrees: 60 points
        Assert.Equal(T0 + 15_000, NextSignal(aboveMediator).TimeMs);
    }

    [Fact]
    public void No_signal_without_ATR_or_direction_and_none_for_an_uncovered_symbol()
    {
        var (actor, mediator, _) = Start(TradeOnlyStrategy.Definition("btc_only", symbols: "\"BTCUSDT\""), expectedTopic: EngineTopics.IndicatorsOf(Symbol));

        Snapshot(actor, TradeOnlyStrategy.Tick(T0, +1) with { Atr = null });
        Snapshot(actor, TradeOnlyStrategy.Tick(T0 + 15_000, +1) with { Cvd4h = -1 });
        Snapshot(actor, T0 + 30_000, +1, symbol: "ETHUSDT");
        Snapshot(actor, T0 + 45_000, +1);
        var signal = NextSignal(mediator);
        Assert.Equal((T0 + 45_000, Symbol), (signal.TimeMs, signal.Symbol));
    }

    [Fact]
    public void A_restarted_strategy_rebuilds_its_cooldown_from_the_journal_and_does_not_re_emit()
    {
        var definition = TradeOnlyStrategy.Definition("restarted");
        var (first, firstMediator, _) = Start(definition);
        Snapshot(first, T0, +1);
        var original = NextSignal(firstMediator);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        // Same persistence id, same journal: recovery replays SignalEmitted without publishing it again.
        var (second, secondMediator, secondRisk) = Start(definition);
        Snapshot(second, T0 + (5 * Minute), +1);             // inside the cooldown of the recovered signal
        Snapshot(second, T0 + (10 * Minute) - 15_000, +1);   // still inside
        Snapshot(second, T0 + (10 * Minute), +1);            // first allowed tick
        var next = NextSignal(secondMediator);
        Assert.Equal(T0 + (10 * Minute), next.TimeMs);
        Assert.Equal(next, secondRisk.ExpectMsg<SignalEmitted>());
        Assert.NotEqual(original.SignalId, next.SignalId);
    }

    private (IActorRef Actor, TestProbe Mediator, TestProbe Risk) Start(StrategyDefinition definition, string expectedTopic = EngineTopics.Indicators)
    {
        var mediator = CreateTestProbe();
        var risk = CreateTestProbe();
        var topics = new System.Collections.Concurrent.ConcurrentQueue<string>();
        mediator.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is Subscribe s)
            {
                topics.Enqueue(s.Topic);
                sender.Tell(new SubscribeAck(s));
            }

            return AutoPilot.KeepRunning;
        }));
        var actor = Sys.ActorOf(StrategyActor.Props(definition, mediator, risk));

        // It subscribes (after recovery) to its indicator topic before it handles any snapshot.
        var subscribe = mediator.ExpectMsg<Subscribe>();
        Assert.Equal(expectedTopic, subscribe.Topic);
        Assert.Equal(actor, subscribe.Ref);
        return (actor, mediator, risk);
    }

    private static void Snapshot(IActorRef actor, long timeMs, int direction, string symbol = Symbol) =>
        actor.Tell(new IndicatorSnapshot(symbol, TradeOnlyStrategy.Tick(timeMs, direction)));

    private static void Snapshot(IActorRef actor, IndicatorValues values) => actor.Tell(new IndicatorSnapshot(Symbol, values));

    private static SignalEmitted NextSignal(TestProbe mediator)
    {
        // Other subscriptions (market inputs) may sit in between.
        var publish = mediator.FishForMessage<Publish>(p => p.Topic == EngineTopics.Signals);
        return Assert.IsType<SignalEmitted>(publish.Message);
    }
}
