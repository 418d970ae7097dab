using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Arbitrage.Core.Funding.Carry;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Audit;
using Arbitrage.Engine.Funding;
using Arbitrage.Engine.Funding.Carry;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;

namespace Arbitrage.Node.Hosting;

/// <summary>Registry key of the funding singleton (<see cref="FundingHub"/>, proxy): funding queries and carry commands.</summary>
public sealed class FundingParent;

/// <summary>Registry key of the carry actors (the funding singleton's proxy); registered only when a carry is configured.</summary>
public sealed class CarryParent;

/// <summary>Registry key of the read-model projections singleton.</summary>
public sealed class Projections;

/// <summary>
/// Funding and the operator side on Akka.Hosting, beside the engine (<see cref="EngineWiring"/>). Each exists once per
/// cluster, on the oldest node with the engine role (a cluster singleton; every node reaches it through its proxy): the
/// funding hub fed from the mark-price stream (with the carry actors), the audit log and the read-model projections.
/// </summary>
public static class TradingWiring
{
    public static AkkaConfigurationBuilder WithTrading(
        this AkkaConfigurationBuilder akka, NodeOptions options, Database database, ICarryLegGateway? liveCarry = null)
    {
        var singleton = new ClusterSingletonOptions { Role = ClusterNodeOptions.EngineRole };
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
        akka.WithSingleton<Projections>("projections", (_, _, _) => ProjectionsActor.SupervisedProps(database), singleton, createProxyToo: false);
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
