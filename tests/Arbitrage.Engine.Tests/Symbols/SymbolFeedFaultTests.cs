using System.Threading.Channels;
using Akka;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Streams.Dsl;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.MarketData;
using Arbitrage.Engine.Recording;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Topics;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Symbols;

/// <summary>
/// The SymbolActor under feed faults (issue 13): its snapshot cursor never passes what the trade recorder has stored;
/// while its feed is down or catching up on missing ids the heartbeat evaluates no tick; a gap the exchange will not
/// fill is counted, shown and published.
/// </summary>
public sealed class SymbolFeedFaultTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private static Trade T(long id, long timeMs) => new(id, 100 + id, 1, timeMs, id % 2 == 0);

    /// <summary>A feed the test writes into (the actor materialises it at recovery, as it does a live one).</summary>
    private sealed class ChannelFeed : ISymbolFeedFactory
    {
        public Channel<SymbolFeedItem> Items { get; } = Channel.CreateUnbounded<SymbolFeedItem>();

        public Source<SymbolFeedItem, NotUsed> Create(string symbol, long afterAggId) => ChannelSource.FromReader(Items.Reader);
    }

    [Fact]
    public void A_snapshot_is_saved_only_once_the_recorder_has_stored_every_trade_up_to_its_cursor()
    {
        var recorder = CreateTestProbe("recorder");
        var settings = new SymbolSettings(SnapshotEveryMs: 0, RecorderPath: recorder.Ref.Path.ToStringWithoutAddress());
        var trades = new[] { T(1, 1_000_000), T(2, 1_001_000), T(3, 1_002_000) };

        // First incarnation: the trades go to the recorder; the snapshot waits for its confirmation, which never comes.
        var first = Sys.ActorOf(SymbolActor.Props("REC", settings, CreateTestProbe().Ref));
        first.Tell(new TradeBatch("REC", trades, trades.Length, 1));
        ExpectMsg<TradeBatchAck>();
        Assert.Equal(trades, recorder.ExpectMsg<RecordTrades>().Trades);
        first.Tell(new TakeSnapshot("REC"));
        Assert.Equal(new ConfirmRecorded("REC", 3), recorder.ExpectMsg<ConfirmRecorded>());
        Watch(first);
        Sys.Stop(first); // the process dies with the trades still buffered in the recorder
        ExpectTerminated(first);

        // It recovers with no snapshot at all: its feed would start from scratch, not after ids nobody stored.
        var second = Sys.ActorOf(SymbolActor.Props("REC", settings, CreateTestProbe().Ref));
        second.Tell(new GetSymbolIndicators("REC"));
        Assert.Equal((long.MinValue, 0L), ExpectMsg<SymbolIndicatorsReply>() is var r ? (r.LastAggId, r.Trades) : default);

        // Second incarnation: once the recorder confirms, the snapshot is saved and answered.
        second.Tell(new TradeBatch("REC", trades, trades.Length, 2));
        ExpectMsg<TradeBatchAck>();
        recorder.ExpectMsg<RecordTrades>();
        second.Tell(new TakeSnapshot("REC"));
        recorder.ExpectMsg<ConfirmRecorded>();
        recorder.Reply(new TradesRecorded("REC", 3));
        Assert.Equal(3, ExpectMsg<SnapshotTaken>().LastAggId);
        Watch(second);
        Sys.Stop(second);
        ExpectTerminated(second);

        var third = Sys.ActorOf(SymbolActor.Props("REC", settings, CreateTestProbe().Ref));
        third.Tell(new GetSymbolIndicators("REC"));
        var recovered = ExpectMsg<SymbolIndicatorsReply>();
        Assert.Equal((3L, 3L), (recovered.LastAggId, recovered.Trades));
    }

    [Fact]
    public async Task The_recorder_confirms_only_what_agg_trades_holds()
    {
        var db = Arbitrage.Testing.TestDatabases.NewSqliteFile(out var directory);
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var store = new AggTradeStore(db);
            await store.EnsureSchemaAsync();
            var recorder = Sys.ActorOf(TradeRecorderActor.Props(store));
            recorder.Tell(new RecordTrades("BTCUSDT", [T(1, 1_000), T(2, 2_000)]));
            recorder.Tell(new RecordTrades("BTCUSDT", [T(3, 3_000)]));
            recorder.Tell(new ConfirmRecorded("BTCUSDT", 3));

            Assert.Equal(new TradesRecorded("BTCUSDT", 3), ExpectMsg<TradesRecorded>(TimeSpan.FromSeconds(10)));
            Assert.Equal([1L, 2L, 3L], (await store.ReadAsync("BTCUSDT", 0, 10)).Select(t => t.AggId));
            recorder.Tell(new ConfirmRecorded("BTCUSDT", 2)); // already stored: answered at once
            Assert.Equal(3, ExpectMsg<TradesRecorded>().AggId);
        }
        finally
        {
            Arbitrage.Testing.TestDatabases.DeleteQuietly(directory);
        }
    }

    [Fact]
    public async Task While_the_feed_is_down_or_catching_up_the_heartbeat_evaluates_no_tick()
    {
        var feed = new ChannelFeed();
        var mediator = CreateTestProbe();
        var settings = new SymbolSettings(SnapshotEveryMs: 0, Feed: feed, HeartbeatInterval: TimeSpan.FromMilliseconds(20));
        var actor = Sys.ActorOf(SymbolActor.Props("HB", settings, mediator));

        // The last trade sits 20 ms before the 15 s tick at 1 005 000: a caught-up feed's heartbeat evaluates it at once.
        await feed.Items.Writer.WriteAsync(new FeedStatusChanged(true, "market: up"));
        await feed.Items.Writer.WriteAsync(new FeedCatchUp(true, 3, "fetching the missing trades from REST"));
        await feed.Items.Writer.WriteAsync(new FeedTrades([T(1, 990_000), T(2, 1_004_980)], 2));
        await AwaitAssertAsync(() => Assert.StartsWith("catching up: agg ids from 3", Status(actor, "HB")));
        mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(500)); // 25 heartbeats: none may evaluate past the gap

        await feed.Items.Writer.WriteAsync(new FeedStatusChanged(false, "market: reset"));
        await feed.Items.Writer.WriteAsync(new FeedCatchUp(false, 3, "2 trades from REST"));
        await AwaitAssertAsync(() => Assert.Equal("down: market: reset", Status(actor, "HB")));
        // The outage is published once, for the alerts (with the last trade seen), and nothing else is.
        var down = mediator.ExpectMsg<Publish>(TimeSpan.FromSeconds(5));
        Assert.Equal(EngineTopics.Connections, down.Topic);
        Assert.Equal(new ConnectionChanged(ConnectionChanged.Feed, "HB", false, "market: reset", 1_004_980), down.Message);
        mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // down: trades before "now" may still come

        await feed.Items.Writer.WriteAsync(new FeedStatusChanged(true, "market: up"));
        var up = mediator.ExpectMsg<Publish>(TimeSpan.FromSeconds(5));
        Assert.Equal(new ConnectionChanged(ConnectionChanged.Feed, "HB", true, "market: up", 1_004_980), up.Message);
        var tick = mediator.ExpectMsg<Publish>(TimeSpan.FromSeconds(5));
        Assert.Equal(1_005_000, Assert.IsType<IndicatorSnapshot>(tick.Message).Values.TimeMs);
        Assert.Equal("connected", Status(actor, "HB"));
    }

    [Fact]
    public async Task A_gap_the_exchange_will_not_fill_is_counted_shown_and_published()
    {
        var feed = new ChannelFeed();
        var mediator = CreateTestProbe();
        var actor = Sys.ActorOf(SymbolActor.Props("GAPPY", new SymbolSettings(SnapshotEveryMs: 0, Feed: feed), mediator));

        await feed.Items.Writer.WriteAsync(new FeedStatusChanged(true, "market: up"));
        await feed.Items.Writer.WriteAsync(new FeedTradeGap(101, 207, "the exchange serves no trades with these ids"));
        var published = mediator.FishForMessage<Publish>(p => p.Topic == EngineTopics.MarketEvents, TimeSpan.FromSeconds(5));
        Assert.Equal(new FeedEvent.TradeGapEvent("GAPPY", 101, 207, "the exchange serves no trades with these ids"), published.Message);

        actor.Tell(new GetSymbolIndicators("GAPPY"));
        var reply = ExpectMsg<SymbolIndicatorsReply>();
        Assert.Equal((1L, 107L), (reply.TradeGaps, reply.MissingTrades));
        Assert.Equal("ids 101-207 (107 trades): the exchange serves no trades with these ids", reply.LastTradeGap);
        Assert.Equal("connected", reply.FeedStatus);
    }

    private string Status(IActorRef actor, string symbol)
    {
        var probe = CreateTestProbe();
        actor.Tell(new GetSymbolIndicators(symbol), probe);
        return probe.ExpectMsg<SymbolIndicatorsReply>().FeedStatus;
    }
}
