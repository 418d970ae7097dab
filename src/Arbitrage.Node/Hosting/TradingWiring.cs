using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.Funding.Carry;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Sizing;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Audit;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Funding;
using Arbitrage.Engine.Funding.Carry;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Node.Hosting;

/// <summary>Registry key of the risk-guard singleton (proxy).</summary>
public sealed class RiskGuard;

/// <summary>Registry key of the funding singleton (<see cref="FundingHub"/>, proxy): funding queries and carry commands.</summary>
public sealed class FundingParent;

/// <summary>Registry key of the carry actors (the funding singleton's proxy); registered only when a carry is configured.</summary>
public sealed class CarryParent;

/// <summary>Registry key of the read-model projections singleton.</summary>
public sealed class Projections;

/// <summary>
/// Execution, funding and the operator side on Akka.Hosting. Everything here exists once per cluster, on the oldest
/// node with the engine role (a cluster singleton each; every node reaches them through proxies): the risk guard (one
/// account = one executor) with its gateway, the tick bridge that gives it prices and event time, the funding hub
/// fed from the mark-price stream (with the carry actors), the audit log and the read-model projections.
/// </summary>
public static class TradingWiring
{
    public static AkkaConfigurationBuilder WithTrading(
        this AkkaConfigurationBuilder akka, NodeOptions options, Database database, IReadOnlyDictionary<string, SymbolFilters> filters, IExchangeGateway? live = null,
        ICarryLegGateway? liveCarry = null)
    {
        var singleton = new ClusterSingletonOptions { Role = ClusterNodeOptions.EngineRole };
        akka.WithSingleton<RiskGuard>(
            "risk-guard",
            (system, _, _) => RiskGuardActor.SupervisedProps(
                new RiskGuardSettings(
                    new RiskParameters(),
                    new ExecutorSettings(new FilterBook(filters, FilterBook.Generic)),
                    AssumeConnected: live is not IConnectionReportingGateway, // live: the user-data stream's state feeds the disconnect rule
                    PublishTopic: RiskTopics.Risk),
                live ?? new PaperGateway(new PaperGatewaySettings(options.Paper.StartingBalanceUsd, options.Paper.TakerFeeRate, options.Paper.SlippageBps)),
                DistributedPubSub.Get(system).Mediator),
            singleton,
            createProxyToo: true);

        akka.WithSingleton<MarketTickBridge>(
            "market-tick-bridge",
            (system, registry, _) => MarketTickBridge.Props(DistributedPubSub.Get(system).Mediator, registry.Get<RiskGuard>()),
            singleton,
            createProxyToo: false);

        var carry = LoadCarry(options);
        akka.WithSingleton<FundingParent>(
            "funding",
            (system, _, _) =>
            {
                var store = new FundingStore(database);
                return FundingHub.Props(
                    mediator => FundingActors.Props(store, mediator: mediator),
                    carry is null ? null : mediator => CarryActors.Props(carry, liveCarry ?? new PaperCarryLegGateway(carry.FeeRate), mediator),
                    DistributedPubSub.Get(system).Mediator);
            },
            singleton,
            createProxyToo: true);
        if (carry is not null)
        {
            akka.WithActors((_, registry) => registry.Register<CarryParent>(registry.Get<FundingParent>()));
        }

        akka.WithSingleton<AuditActor>("audit", (_, _, _) => AuditActor.SupervisedProps(), singleton, createProxyToo: true);
        akka.WithSingleton<Projections>("projections", (_, _, _) => ProjectionsActor.Props(database), singleton, createProxyToo: false);
        return akka;
    }

    /// <summary>The carry configuration (<c>strategies/carry/carry_funding.json</c>), null when there is none; validated at startup.</summary>
    private static CarryConfig? LoadCarry(NodeOptions options)
    {
        var carryFile = Path.Combine(options.Paths.Strategies, "carry", "carry_funding.json");
        if (!File.Exists(carryFile))
        {
            return null;
        }

        var carryLoad = CarryConfigLoader.Load(carryFile);
        return carryLoad.IsValid ? carryLoad.Config : throw new InvalidOperationException(string.Join(Environment.NewLine, carryLoad.Errors));
    }
}
