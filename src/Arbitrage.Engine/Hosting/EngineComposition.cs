using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Market;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Triangles;

namespace Arbitrage.Engine.Hosting;

/// <summary>
/// The engine of ARCHITECTURE §2 on Akka.Hosting, one composition for the node, <c>arbctl replay</c> and the tests
/// (§3 "one composition"): the <c>symbol</c> shard region (a region even on one node), the strategies supervisor and the
/// market-inputs poller, and, with <see cref="EngineSetup.Trading"/>, the risk guard with its executor and (live) the tick
/// bridge that gives it prices and event time. Each of those exists once per cluster: a singleton on the engine role,
/// reached through its proxy (two would persist every signal twice). Symbols are sharded.
/// </summary>
public static class EngineComposition
{
    public const string SymbolShards = "symbol";
    public const string TriangleShards = "triangle";
    public const string RiskGuardName = "risk-guard";
    public const string StrategiesName = "strategies";

    /// <summary>Where the executor lives on the node that holds the risk guard: singleton manager, singleton (the guard's
    /// supervisor), guard, executor.</summary>
    public const string ExecutorPath = "/user/" + RiskGuardName + "/" + RiskGuardName + "/" + RiskGuardActor.SupervisedName + "/" + RiskGuardActor.ExecutorName;

    public static AkkaConfigurationBuilder AddArbitrageEngine(this AkkaConfigurationBuilder akka, EngineSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var singleton = new ClusterSingletonOptions { Role = setup.Role };

        // The guard first: the strategies hand it their signals (its proxy from the registry).
        if (setup.Trading is { } trading)
        {
            akka.WithSingleton<RiskGuard>(
                RiskGuardName,
                (system, _, _) => RiskGuardActor.SupervisedProps(
                    new RiskGuardSettings(new Core.Risk.RiskParameters(), trading.Executor, AssumeConnected: trading.AssumeConnected, PublishTopic: RiskTopics.Risk),
                    trading.Gateway,
                    DistributedPubSub.Get(system).Mediator),
                singleton,
                createProxyToo: true);
            if (trading.TicksFromIndicators)
            {
                akka.WithSingleton<MarketTickBridge>(
                    "market-tick-bridge",
                    (system, registry, _) => MarketTickBridge.Props(DistributedPubSub.Get(system).Mediator, registry.Get<RiskGuard>()),
                    singleton,
                    createProxyToo: false);
            }
        }

        akka.WithShardRegion<SymbolRegion>(
            SymbolShards,
            (system, _, _) => SymbolEntities.Factory(setup.Symbols, setup.Symbol, DistributedPubSub.Get(system).Mediator),
            new SymbolMessageExtractor(),
            RememberedShards(setup.Role));

        // A triangle detector per venue (ARCHITECTURE §2): sharded like the symbols, so a cluster can place venues.
        akka.WithShardRegion<TriangleRegion>(
            TriangleShards,
            (system, _, _) => venue => TriangleActor.SupervisedProps(
                venue, DistributedPubSub.Get(system).Mediator, setup.TriangleFeeds, setup.TriangleLimits, setup.TriangleGateways),
            new TriangleMessageExtractor(),
            RememberedShards(setup.Role));

        akka.WithSingleton<StrategiesActor>(
            StrategiesName,
            (system, registry, _) => StrategiesActor.Props(
                new StrategiesSettings(setup.StrategiesDirectory, setup.WatchStrategies),
                DistributedPubSub.Get(system).Mediator,
                registry.TryGet<RiskGuard>(out var guard) ? guard : null),
            singleton,
            createProxyToo: true);
        akka.WithSingleton<MarketInputsActor>(
            "market-inputs",
            (system, _, _) => MarketInputsActor.Props(DistributedPubSub.Get(system).Mediator, setup.Sentiment, setup.Symbols ?? []),
            singleton,
            createProxyToo: false);

        if (setup.Symbols is { Count: > 0 } symbols)
        {
            // On every node: cheap and idempotent, and it keeps the symbols running whichever nodes are left.
            akka.WithActors((system, registry) => system.ActorOf(SymbolKeeper.Props(registry.Get<SymbolRegion>(), symbols), "symbol-keeper"));
        }

        return akka;
    }

    /// <summary>
    /// Both regions remember their entities (ARCHITECTURE §10): a shard that moves (its node left or died) restarts every
    /// symbol or venue it ran on its new node at once, not when a message next names it; the remembered set is
    /// event-sourced in the journal (the shared PostgreSQL one in a cluster) and the coordinator's state lives in
    /// distributed data, as Akka.NET recommends for 1.5 (no coordinator journal to migrate or corrupt).
    /// </summary>
    public static ShardOptions RememberedShards(string? role) => new()
    {
        Role = role,
        RememberEntities = true,
        RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
        StateStoreMode = StateStoreMode.DData,
    };
}
