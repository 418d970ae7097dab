using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Indicators;
using Arbitrage.Core.MarketData;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Topics;
using Arbitrage.Testing;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Symbols;

/// <summary>
/// SymbolActor through its protocol (ARCHITECTURE §3–§4): event-time ticks, exactly-once ingestion by agg id,
/// heartbeats, and recovery from a snapshot that reproduces an uninterrupted run exactly. The mediator is a
/// probe, so every published snapshot is observed in order.
/// </summary>
public sealed class SymbolActorTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private const string CsvFixture = "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv";

    private static readonly SymbolSettings OnRequestOnly = new(SnapshotEveryMs: 0);

    private long _sequence;

    [Fact]
    public void First_tick_is_the_first_multiple_of_15s_after_the_first_trade_and_sees_only_earlier_trades()
    {
        var mediator = CreateTestProbe();
        var actor = Sys.ActorOf(SymbolActor.Props("FIRST", OnRequestOnly, mediator));

        // 1 005 000 is the first multiple of 15 000 after 1 000 007; the trade at exactly 1 005 000 is not in it.
        var ticks = Feed(actor, mediator, "FIRST", [T(1, 1_000_007, 100, 2), T(2, 1_004_999, 101, 1, sell: true), T(3, 1_005_000, 200, 5)]);

        var tick = Assert.Single(ticks);
        Assert.Equal(1_005_000, tick.TimeMs);
        Assert.Equal(2, tick.Trades);
        Assert.Equal(1.0, tick.Cvd30m);
        Assert.Equal(1.0, tick.Cvd24h);
        Assert.Equal((100.0 * 2 + 101.0) / 3, tick.Vwap30m);
        Assert.Equal(101.0, tick.LastPrice);
        Assert.Null(tick.Atr);
    }

    [Fact]
    public void A_first_trade_on_a_tick_boundary_starts_the_clock_at_the_next_multiple()
    {
        var mediator = CreateTestProbe();
        var actor = Sys.ActorOf(SymbolActor.Props("BOUNDARY", OnRequestOnly, mediator));

        Assert.Empty(Feed(actor, mediator, "BOUNDARY", [T(1, 990_000), T(2, 1_004_999)]));
        var tick = Assert.Single(Feed(actor, mediator, "BOUNDARY", [T(3, 1_005_000)]));
        Assert.Equal(1_005_000, tick.TimeMs);
        Assert.Equal(2, tick.Trades);
    }

    [Fact]
    public void A_silent_gap_publishes_one_snapshot_per_skipped_tick_in_order()
    {
        var mediator = CreateTestProbe();
        var actor = Sys.ActorOf(SymbolActor.Props("GAP", OnRequestOnly, mediator));
        Feed(actor, mediator, "GAP", [T(1, 1_500_500, 100, 3)]);

        // Six minutes of silence: the next trade evaluates 1 515 000 … 1 860 000, i.e. 24 ticks, before it counts.
        var ticks = Feed(actor, mediator, "GAP", [T(2, 1_860_507, 90, 1, sell: true)]);

        Assert.Equal(24, ticks.Count);
        for (var i = 0; i < ticks.Count; i++)
        {
            Assert.Equal(1_515_000 + (i * 15_000), ticks[i].TimeMs);
            Assert.Equal(1, ticks[i].Trades);
            Assert.Equal(3.0, ticks[i].Cvd30m);
            Assert.Equal(100.0, ticks[i].LastPrice);
        }

        var next = Assert.Single(Feed(actor, mediator, "GAP", [T(3, 1_875_000)]));
        Assert.Equal(1_875_000, next.TimeMs);
        Assert.Equal(2, next.Trades);
        Assert.Equal(2.0, next.Cvd30m);
    }

    [Fact]
    public void Duplicate_and_overlapping_batches_are_ingested_once()
    {
        var trades = Enumerable.Range(1, 30).Select(i => T(i, 1_000_000 + (i * 2_000), 100 + i, i, sell: i % 3 == 0)).ToArray();

        var cleanMediator = CreateTestProbe();
        var clean = Sys.ActorOf(SymbolActor.Props("CLEAN", OnRequestOnly, cleanMediator));
        var expected = new List<IndicatorValues>();
        foreach (var range in new[] { (1, 10), (11, 20), (21, 30) })
        {
            expected.AddRange(Feed(clean, cleanMediator, "CLEAN", Ids(trades, range)));
        }

        var mediator = CreateTestProbe();
        var actor = Sys.ActorOf(SymbolActor.Props("DUPS", OnRequestOnly, mediator));
        var actual = new List<IndicatorValues>();
        foreach (var range in new[] { (1, 10), (1, 10), (5, 15), (11, 20), (16, 30), (21, 30), (1, 30) })
        {
            actual.AddRange(Feed(actor, mediator, "DUPS", Ids(trades, range), out var ack));
            Assert.Equal(Math.Max(range.Item2, 10), ack.LastAggId);
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
        actor.Tell(new GetSymbolIndicators("DUPS"));
        var reply = ExpectMsg<SymbolIndicatorsReply>();
        Assert.Equal(30, reply.Trades);
        Assert.Equal(30, reply.LastAggId);
        Assert.Equal(expected[^1], reply.Last);
    }

    [Fact]
    public void AdvanceClock_evaluates_due_ticks_without_trades()
    {
        var mediator = CreateTestProbe();
        var actor = Sys.ActorOf(SymbolActor.Props("CLOCK", OnRequestOnly, mediator));

        // Before the first trade a heartbeat has no clock to advance.
        Assert.Empty(Advance(actor, mediator, "CLOCK", 10_000_000));
        Feed(actor, mediator, "CLOCK", [T(1, 1_000_500, 100, 4)]);

        Assert.Empty(Advance(actor, mediator, "CLOCK", 1_004_999));
        Assert.Equal([1_005_000L], Advance(actor, mediator, "CLOCK", 1_005_000).Select(v => v.TimeMs));
        Assert.Empty(Advance(actor, mediator, "CLOCK", 1_005_000));
        var due = Advance(actor, mediator, "CLOCK", 1_049_999);
        Assert.Equal([1_020_000L, 1_035_000L], due.Select(v => v.TimeMs));
        Assert.All(due, v => Assert.Equal(1, v.Trades));

        // The next trade continues with the tick after the last one the heartbeat evaluated.
        var tick = Assert.Single(Feed(actor, mediator, "CLOCK", [T(2, 1_050_000, 101, 1)]));
        Assert.Equal(1_050_000, tick.TimeMs);
        Assert.Equal(1, tick.Trades);
    }

    [Fact]
    public void Each_ingest_publishes_its_ticks_as_one_message_on_both_topics_a_snapshot_or_a_batch_of_them()
    {
        var tape = TapeReader.ReadTrades(Path.Combine(RepoPaths.Fixtures, CsvFixture)).Select(t => t.Trade).ToArray();
        var direct = new Collect();
        new SymbolIndicators().OnTrades(tape, direct);

        // Trades one by one (an ingest rarely spans a tick), then batches of 333 (each spans many).
        var mediator = CreateTestProbe();
        var actor = Sys.ActorOf(SymbolActor.Props("INGEST", OnRequestOnly, mediator));
        var actual = new List<IndicatorValues>();
        var (singles, batches) = (0, 0);
        for (var i = 0; i < tape.Length; i += i < 2_000 ? 1 : 333)
        {
            var probe = CreateTestProbe();
            var trades = tape[i..Math.Min(tape.Length, i + (i < 2_000 ? 1 : 333))];
            actor.Tell(new TradeBatch("INGEST", trades, trades.Length, _sequence++), probe);
            var ack = probe.ExpectMsg<TradeBatchAck>();
            if (ack.Ticks == 0)
            {
                Assert.False(mediator.HasMessages);
                continue;
            }

            var all = mediator.ExpectMsg<Publish>();
            var own = mediator.ExpectMsg<Publish>();
            Assert.False(mediator.HasMessages);
            Assert.Equal((EngineTopics.Indicators, EngineTopics.IndicatorsOf("INGEST")), (all.Topic, own.Topic));
            Assert.Same(all.Message, own.Message);
            IReadOnlyList<IndicatorSnapshot> snapshots = ack.Ticks == 1
                ? [Assert.IsType<IndicatorSnapshot>(all.Message)]
                : Assert.IsType<IndicatorSnapshotBatch>(all.Message).Snapshots;
            Assert.Equal(ack.Ticks, snapshots.Count);
            Assert.All(snapshots, s => Assert.Equal("INGEST", s.Symbol));
            actual.AddRange(snapshots.Select(s => s.Values));
            _ = ack.Ticks == 1 ? singles++ : batches++;
        }

        Assert.Equal(direct.Values, actual);
        Assert.True(singles > 50 && batches > 5, $"{singles} single ticks, {batches} batches");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recovered_from_its_snapshot_mid_tape_it_publishes_exactly_what_an_uninterrupted_run_publishes(bool newActorSystem)
    {
        var tape = TapeReader.ReadTrades(Path.Combine(RepoPaths.Fixtures, CsvFixture)).Select(t => t.Trade).ToArray();
        Assert.Equal(4500, tape.Length);

        // The reference: one uninterrupted run through the actor, itself equal to the indicators run directly.
        var mediator = CreateTestProbe();
        var uncut = Sys.ActorOf(SymbolActor.Props("UNCUT", OnRequestOnly, mediator));
        var expected = FeedAll(uncut, mediator, "UNCUT", tape, 0, tape.Length);
        var direct = new Collect();
        new SymbolIndicators().OnTrades(tape, direct);
        Assert.Equal(direct.Values, expected);
        Assert.True(expected.Count > 250, $"only {expected.Count} ticks");

        // The interrupted run: snapshot mid-batch, keep going (those ticks are lost with the process), then die.
        const int snapshotAt = 2_137;
        const int diesAt = 3_011;
        var cutMediator = CreateTestProbe();
        var cut = Sys.ActorOf(SymbolActor.Props("CUT", OnRequestOnly, cutMediator));
        var before = FeedAll(cut, cutMediator, "CUT", tape, 0, snapshotAt);
        cut.Tell(new TakeSnapshot("CUT"));
        var taken = ExpectMsg<SnapshotTaken>();
        Assert.Equal(tape[snapshotAt - 1].AggId, taken.LastAggId);
        Assert.Equal(snapshotAt, taken.Trades);
        var lost = FeedAll(cut, cutMediator, "CUT", tape, snapshotAt, diesAt);
        Assert.NotEmpty(lost);
        Assert.Equal(expected.Take(before.Count + lost.Count), before.Concat(lost));

        var system = Sys;
        if (newActorSystem)
        {
            await Sys.Terminate();
            system = ActorSystem.Create("recovered", Config);
        }
        else
        {
            Watch(cut);
            Sys.Stop(cut);
            ExpectTerminated(cut);
        }

        try
        {
            // A new incarnation on the same journal gets the WHOLE tape again from the start.
            var afterMediator = CreateTestProbe(system);
            var replyTo = CreateTestProbe(system);
            var recovered = system.ActorOf(SymbolActor.Props("CUT", OnRequestOnly, afterMediator));
            var after = FeedAll(recovered, afterMediator, "CUT", tape, 0, tape.Length, replyTo);

            var lastBeforeCut = before[^1].TimeMs;
            Assert.Equal(expected.Where(v => v.TimeMs > lastBeforeCut), after);
            recovered.Tell(new GetSymbolIndicators("CUT"), replyTo);
            var reply = replyTo.ExpectMsg<SymbolIndicatorsReply>();
            Assert.Equal(tape.Length, reply.Trades);
            Assert.Equal(tape[^1].AggId, reply.LastAggId);
        }
        finally
        {
            if (newActorSystem)
            {
                await system.Terminate();
            }
        }
    }

    private static Trade T(long id, long timeMs, double price = 100, double qty = 1, bool sell = false) => new(id, price, qty, timeMs, sell);

    private static Trade[] Ids(Trade[] trades, (int From, int To) range) => trades[(range.From - 1)..range.To];

    private List<IndicatorValues> FeedAll(IActorRef actor, TestProbe mediator, string symbol, Trade[] tape, int from, int to, TestProbe? replyTo = null)
    {
        // Uneven batches, so neither the snapshot nor a batch edge falls on a tick boundary by construction.
        const int batchSize = 333;
        var values = new List<IndicatorValues>();
        for (var i = from; i < to; i += batchSize)
        {
            values.AddRange(Feed(actor, mediator, symbol, tape[i..Math.Min(to, i + batchSize)], out _, replyTo));
        }

        return values;
    }

    private List<IndicatorValues> Feed(IActorRef actor, TestProbe mediator, string symbol, Trade[] trades) =>
        Feed(actor, mediator, symbol, trades, out _);

    private List<IndicatorValues> Feed(IActorRef actor, TestProbe mediator, string symbol, Trade[] trades, out TradeBatchAck ack, TestProbe? replyTo = null)
    {
        var sequence = _sequence++;
        var probe = replyTo ?? CreateTestProbe();
        actor.Tell(new TradeBatch(symbol, trades, trades.Length, sequence), probe);
        ack = probe.ExpectMsg<TradeBatchAck>();
        Assert.Equal(sequence, ack.Sequence);
        Assert.Equal(symbol, ack.Symbol);

        // Publishes are told before the ack, so they are all in the probe by now.
        var values = Published(mediator, symbol, ack.Ticks);
        Assert.False(mediator.HasMessages);
        return values;
    }

    private List<IndicatorValues> Advance(IActorRef actor, TestProbe mediator, string symbol, long nowMs)
    {
        actor.Tell(new AdvanceClock(symbol, nowMs));

        // AdvanceClock has no reply: a query behind it in the mailbox marks the point where it was handled.
        var probe = CreateTestProbe();
        actor.Tell(new GetSymbolIndicators(symbol), probe);
        probe.ExpectMsg<SymbolIndicatorsReply>();
        var values = mediator.HasMessages ? PublishedOnce(mediator, symbol) : [];
        Assert.False(mediator.HasMessages);
        return values;
    }

    /// <summary>What one ingest published: nothing for no tick, else one message on each topic (the snapshot, or a batch of them).</summary>
    private static List<IndicatorValues> Published(TestProbe mediator, string symbol, int ticks)
    {
        if (ticks == 0)
        {
            return [];
        }

        var values = PublishedOnce(mediator, symbol);
        Assert.Equal(ticks, values.Count);
        return values;
    }

    private static List<IndicatorValues> PublishedOnce(TestProbe mediator, string symbol)
    {
        var all = mediator.ExpectMsg<Publish>();
        var own = mediator.ExpectMsg<Publish>();
        Assert.Equal(EngineTopics.Indicators, all.Topic);
        Assert.Equal(EngineTopics.IndicatorsOf(symbol), own.Topic);
        Assert.Same(all.Message, own.Message);
        IReadOnlyList<IndicatorSnapshot> snapshots = all.Message is IndicatorSnapshotBatch batch
            ? batch.Snapshots
            : [Assert.IsType<IndicatorSnapshot>(all.Message)];
        Assert.Equal(snapshots.Count > 1, all.Message is IndicatorSnapshotBatch);
        Assert.All(snapshots, s => Assert.Equal(symbol, s.Symbol));
        return snapshots.Select(s => s.Values).ToList();
    }

    private sealed class Collect : ITickSink
    {
        public List<IndicatorValues> Values { get; } = [];

        public void OnTick(in IndicatorValues values) => Values.Add(values);
    }
}
