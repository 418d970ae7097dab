using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Arbitrage.Engine.Market;
using Arbitrage.Engine.Recording;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Node.Hosting;

/// <summary>Registry key of the <c>symbol</c> shard region.</summary>
public sealed class SymbolRegion;

/// <summary>
/// The signal pipeline of ARCHITECTURE §2 on Akka.Hosting: the <c>symbol</c> shard region (a region even on
/// one node), the strategies supervisor and the market-inputs poller (a singleton each), and a keeper that keeps
/// the configured symbols' entities (and so their market-data streams) alive wherever the shards live. A message
/// naming any other symbol starts no feed (<see cref="SymbolEntities"/>).
/// </summary>
public static class EngineWiring
{
    public static AkkaConfigurationBuilder WithSignalPipeline(
        this AkkaConfigurationBuilder akka, NodeOptions options, ISymbolFeedFactory? feed, AggTradeStore? tape, IMarketSentimentSource? sentiment = null)
    {
        var settings = new SymbolSettings(Feed: feed, RecorderPath: tape is null ? null : "/user/trade-recorder");
        if (tape is not null)
        {
            akka.WithActors((system, _) => system.ActorOf(TradeRecorderActor.Props(tape), "trade-recorder"));
        }

        akka.WithShardRegion<SymbolRegion>(
            "symbol",
            // Only configured symbols get a SymbolActor and its feed; any other symbol an entity that says so and stops.
            (system, _, _) => SymbolEntities.Factory(options.Exchange.Symbols, settings, DistributedPubSub.Get(system).Mediator),
            new SymbolMessageExtractor(),
            new ShardOptions { RememberEntities = false, Role = ClusterNodeOptions.EngineRole });

        // One strategies supervisor and one market-inputs poller per cluster: two would persist every signal twice.
        var singleton = new ClusterSingletonOptions { Role = ClusterNodeOptions.EngineRole };
        akka.WithSingleton<StrategiesActor>(
            "strategies",
            (system, registry, _) => StrategiesActor.Props(
                new StrategiesSettings(options.Paths.Strategies), DistributedPubSub.Get(system).Mediator, registry.TryGet<RiskGuard>(out var guard) ? guard : null),
            singleton,
            createProxyToo: true);
        akka.WithSingleton<MarketInputsActor>(
            "market-inputs",
            (system, _, _) => MarketInputsActor.Props(DistributedPubSub.Get(system).Mediator, sentiment, options.Exchange.Symbols),
            singleton,
            createProxyToo: false);

        akka.WithActors((system, registry) =>
        {
            // On every node: cheap and idempotent, and it keeps the symbols running whichever nodes are left.
            var region = registry.Get<SymbolRegion>();
            system.ActorOf(Props.Create(() => new SymbolKeeper(region, options.Exchange.Symbols)), "symbol-keeper");
        });
        return akka;
    }

    /// <summary>
    /// Pokes each configured symbol's entity every few seconds: starts it (and its feed) at boot, and
    /// again after a rebalance or crash moved or stopped it. Remember-entities does the same at a cost.
    /// </summary>
    private sealed class SymbolKeeper : ReceiveActor, IWithTimers
    {
        private sealed record Poke : INoSerializationVerificationNeeded;

        public SymbolKeeper(IActorRef region, IReadOnlyList<string> symbols)
        {
            Receive<Poke>(_ =>
            {
                foreach (var symbol in symbols)
                {
                    region.Tell(new GetSymbolIndicators(symbol));
                }
            });
            Receive<SymbolIndicatorsReply>(_ => { });
        }

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart()
        {
            Self.Tell(new Poke());
            Timers.StartPeriodicTimer("poke", new Poke(), TimeSpan.FromSeconds(5));
        }
    }
}
