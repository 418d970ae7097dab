using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Pattern;
using Arbitrage.Core.Funding.Carry;

namespace Arbitrage.Engine.Funding.Carry;

/// <summary>
/// Parent of one <see cref="CarryActor"/> per configured symbol (each under a <see cref="BackoffSupervisor"/>:
/// a persistent actor stops when the journal fails), created on the first message that names it. Routes
/// <see cref="MarkPriceUpdate"/>, <see cref="FundingSettlementDetected"/> (subscribed on
/// <see cref="FundingTopics.Settlements"/> when given a mediator) and <see cref="ICarryMessage"/>s.
/// </summary>
public sealed class CarryActors : ReceiveActor
{
    public CarryActors(CarryConfig config, ICarryLegGateway gateway, IActorRef? mediator, string persistenceIdPrefix)
    {
        mediator?.Tell(new Subscribe(FundingTopics.Settlements, Self));
        Receive<SubscribeAck>(_ => { });
        Receive<MarkPriceUpdate>(u =>
        {
            if (config.Trades(u.Symbol)) Child(u.Symbol, config, gateway, persistenceIdPrefix).Forward(u);
        });
        Receive<FundingSettlementDetected>(s =>
        {
            if (config.Trades(s.Symbol)) Child(s.Symbol, config, gateway, persistenceIdPrefix).Forward(s);
        });
        Receive<ICarryMessage>(m =>
        {
            if (config.Trades(m.Symbol))
            {
                Child(m.Symbol, config, gateway, persistenceIdPrefix).Forward(m);
                return;
            }

            var message = $"{m.Symbol} is not a carry symbol (configured: {string.Join(", ", config.Symbols)})";
            Sender.Tell(m is GetCarryStatus ? new Status.Failure(new ArgumentException(message)) : new CarryCommandReply(m.Symbol, false, message));
        });
    }

    /// <summary>The props the node (or a replay) starts once.</summary>
    /// <param name="mediator">DistributedPubSub mediator for settlements; null = the caller sends <see cref="FundingSettlementDetected"/> itself.</param>
    public static Props Props(CarryConfig config, ICarryLegGateway? gateway = null, IActorRef? mediator = null, string persistenceIdPrefix = "carry-") =>
        Akka.Actor.Props.Create(() => new CarryActors(config, gateway ?? new PaperCarryLegGateway(config.FeeRate), mediator, persistenceIdPrefix));

    private static IActorRef Child(string symbol, CarryConfig config, ICarryLegGateway gateway, string prefix)
    {
        var name = Uri.EscapeDataString(symbol);
        var child = Context.Child(name);
        if (!child.IsNobody()) return child;
        return Context.ActorOf(
            BackoffSupervisor.Props(Backoff.OnStop(
                CarryActor.Props(symbol, config, gateway, prefix),
                childName: "carry",
                minBackoff: TimeSpan.FromMilliseconds(500),
                maxBackoff: TimeSpan.FromSeconds(10),
                randomFactor: 0.2,
                maxNrOfRetries: -1)),
            name);
    }
}
