using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Sizing;
using Arbitrage.Engine.Audit;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Funding;
using Arbitrage.Engine.Funding.Carry;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Node.Hosting;

/// <summary>Registry key of the risk-guard singleton (proxy).</summary>
public sealed class RiskGuard;

/// <summary>Registry key of the funding actors' parent.</summary>
public sealed class FundingParent;

/// <summary>Registry key of the carry actors' parent.</summary>
public sealed class CarryParent;

/// <summary>
/// Execution, funding and the operator side on Akka.Hosting: the risk guard as a cluster singleton (one
/// account = one executor) with the paper gateway, the tick bridge that gives it prices and event time,
/// the funding actors fed from the mark-price stream, the audit log and the read-model projections.
/// </summary>
public static class TradingWiring
{
    public static AkkaConfigurationBuilder WithTrading(
        this AkkaConfigurationBuilder akka, NodeOptions options, Database database, IReadOnlyDictionary<string, SymbolFilters> filters, IExchangeGateway? live = null,
        ICarryLegGateway? liveCarry = null)
    {
        var role = options.Cluster.Roles.FirstOrDefault();
        akka.WithSingleton<RiskGuard>(
            "risk-guard",
            (system, _, _) => RiskGuardActor.Props(
                new RiskGuardSettings(
                    new RiskParameters(),
                    new ExecutorSettings(new FilterBook(filters, FilterBook.Generic)),
                    AssumeConnected: live is not IConnectionReportingGateway, // live: the user-data stream's state feeds the disconnect rule
                    PublishTopic: RiskTopics.Risk),
                live ?? new PaperGateway(new PaperGatewaySettings(options.Paper.StartingBalanceUsd, options.Paper.TakerFeeRate, options.Paper.SlippageBps)),
                DistributedPubSub.Get(system).Mediator),
            new ClusterSingletonOptions { Role = role },
            createProxyToo: true);

        akka.WithActors((system, registry) =>
        {
            var mediator = DistributedPubSub.Get(system).Mediator;
            system.ActorOf(MarketTickBridge.Props(mediator, registry.Get<RiskGuard>()), "market-tick-bridge");

            var store = new FundingStore(database);
            var funding = system.ActorOf(FundingActors.Props(store, mediator: mediator), "funding");
            registry.Register<FundingParent>(funding);
            var carryFile = Path.Combine(options.Paths.Strategies, "carry", "carry_funding.json");
            IActorRef? carry = null;
            if (File.Exists(carryFile))
            {
                var carryLoad = CarryConfigLoader.Load(carryFile);
                if (!carryLoad.IsValid)
                {
                    throw new InvalidOperationException(string.Join(Environment.NewLine, carryLoad.Errors));
                }

                carry = system.ActorOf(CarryActors.Props(carryLoad.Config!, liveCarry ?? new PaperCarryLegGateway(carryLoad.Config!.FeeRate), mediator), "carry");
                registry.Register<CarryParent>(carry);
            }

            system.ActorOf(Props.Create(() => new FundingBridge(mediator, funding, carry)), "funding-bridge");

            registry.Register<AuditActor>(system.ActorOf(AuditActor.SupervisedProps(), "audit"));
            system.StartProjections(database);
        });
        return akka;
    }

    /// <summary>markPrice@1s events from the symbols' feeds to the funding actors.</summary>
    private sealed class FundingBridge : ReceiveActor
    {
        public FundingBridge(IActorRef mediator, IActorRef funding, IActorRef? carry)
        {
            Receive<SubscribeAck>(_ => { });
            Receive<FeedEvent.MarkPriceEvent>(m =>
            {
                var update = new MarkPriceUpdate(m.Symbol, m.EventTimeMs, m.MarkPrice, m.IndexPrice, m.MarkPrice, m.FundingRate, m.NextFundingTimeMs);
                funding.Tell(update);
                carry?.Tell(update);
            });
            ReceiveAny(_ => { });
            mediator.Tell(new Subscribe(EngineTopics.MarketEvents, Self));
        }
    }
}
