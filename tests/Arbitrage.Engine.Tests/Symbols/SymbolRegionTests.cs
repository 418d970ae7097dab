using System.Collections.Concurrent;
using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Streams.Dsl;
using Arbitrage.Engine.Symbols;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Symbols;

/// <summary>
/// The real <c>symbol</c> shard region (a one-member cluster) built with <see cref="SymbolEntities"/>: a message naming
/// a symbol that is not configured is answered <see cref="SymbolNotConfigured"/>, opens no feed and leaves no entity;
/// a configured symbol gets its SymbolActor and exactly one feed.
/// </summary>
public sealed class SymbolRegionTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(ClusterConfig, "symbol-region", output)
{
    private static readonly Config ClusterConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.cluster.sharding.state-store-mode = ddata
        akka.cluster.sharding.remember-entities = off
        akka.cluster.sharding.retry-interval = 100ms
        akka.cluster.distributed-data.durable.keys = []
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        akka.test.single-expect-default = 10s
        """);

    [Fact]
    public void Unknown_symbols_are_answered_not_configured_without_a_feed_or_an_entity()
    {
        var feeds = new RecordingFeedFactory();
        var region = StartRegion(["BTCUSDT"], feeds);

        for (var i = 0; i < 20; i++)
        {
            region.Tell(new GetSymbolIndicators($"ZZPROBE{i}"));
            var answer = ExpectMsg<SymbolNotConfigured>();
            Assert.Equal($"ZZPROBE{i}", answer.Symbol);
            Assert.Equal(["BTCUSDT"], answer.Configured);
        }

        // Any symbol message, not only reads: a trade batch for an unknown symbol starts nothing either.
        region.Tell(new TradeBatch("ZZPROBE0", [], 0, 1));
        ExpectMsg<SymbolNotConfigured>();

        // The configured symbol: its actor, connected through exactly one feed.
        AwaitAssert(
            () =>
            {
                region.Tell(new GetSymbolIndicators("BTCUSDT"));
                Assert.Equal("connected", ExpectMsg<SymbolIndicatorsReply>().FeedStatus);
            },
            TimeSpan.FromSeconds(10));
        Assert.Equal(["BTCUSDT"], feeds.Created.ToArray());

        // The unknown symbols' entities passivated: only the configured one is left in the region.
        AwaitAssert(
            () =>
            {
                region.Tell(GetShardRegionState.Instance);
                var entities = ExpectMsg<CurrentShardRegionState>().Shards.SelectMany(s => s.EntityIds).ToArray();
                Assert.Equal(["BTCUSDT"], entities);
            },
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Without_a_configured_list_every_symbol_gets_its_actor()
    {
        // A replay: the tape defines the symbols (and no feed is opened).
        var region = StartRegion(null, feeds: null);
        region.Tell(new GetSymbolIndicators("ANYSYMBOL"));
        var reply = ExpectMsg<SymbolIndicatorsReply>();
        Assert.Equal(("ANYSYMBOL", "pushed"), (reply.Symbol, reply.FeedStatus));
    }

    private IActorRef StartRegion(IReadOnlyList<string>? configured, ISymbolFeedFactory? feeds)
    {
        var cluster = Cluster.Get(Sys);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(cluster.SelfAddress);
        Assert.True(up.Task.Wait(TimeSpan.FromSeconds(20)), "the one-member cluster did not come up");

        var settings = new SymbolSettings(SnapshotEveryMs: 0, Feed: feeds, HeartbeatInterval: TimeSpan.FromHours(1));
        return ClusterSharding.Get(Sys).Start(
            "symbol",
            SymbolEntities.Factory(configured, settings, CreateTestProbe().Ref),
            ClusterShardingSettings.Create(Sys),
            new SymbolMessageExtractor());
    }

    /// <summary>Records which symbols got a feed; each feed reports connected and then stays open.</summary>
    private sealed class RecordingFeedFactory : ISymbolFeedFactory
    {
        public ConcurrentQueue<string> Created { get; } = new();

        public Source<SymbolFeedItem, NotUsed> Create(string symbol, long afterAggId)
        {
            Created.Enqueue(symbol);
            return Source.Single<SymbolFeedItem>(new FeedStatusChanged(true, "test")).Concat(Source.Never<SymbolFeedItem>());
        }
    }
}
