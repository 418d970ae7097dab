using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Binance.Streams;
using Arbitrage.Engine.Funding.Carry;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Funding;

/// <summary>
/// <c>funding</c>: the funding side of one account, one per cluster (a singleton): the per-symbol
/// <see cref="FundingActors"/>, the <see cref="CarryActors"/> when a carry is configured, and the subscription
/// that turns the feeds' <c>markPrice@1s</c> events (published on <see cref="EngineTopics.MarketEvents"/> by
/// whichever node hosts each symbol) into <see cref="MarkPriceUpdate"/>s for both. Reached through its proxy:
/// funding queries go to the funding actors, carry commands to the carry actors.
/// </summary>
public sealed class FundingHub : ReceiveActor
{
    public FundingHub(Func<IActorRef?, Props> funding, Func<IActorRef?, Props>? carry, IActorRef mediator)
    {
        var fundingActors = Context.ActorOf(funding(mediator), "funding");
        var carryActors = carry is null ? null : Context.ActorOf(carry(mediator), "carry");

        Receive<SubscribeAck>(_ => { });
        void Update(MarkPriceUpdate update)
        {
            fundingActors.Tell(update);
            carryActors?.Tell(update);
        }

        Receive<FeedEvent.MarkPriceEvent>(m =>
            Update(new MarkPriceUpdate(m.Symbol, m.EventTimeMs, m.MarkPrice, m.IndexPrice, m.MarkPrice, m.FundingRate, m.NextFundingTimeMs)));
        Receive<MarkPriceUpdate>(Update);
        Receive<FeedEvent>(_ => { });
        Receive<IFundingMessage>(m => fundingActors.Forward(m));
        Receive<ICarryMessage>(m =>
        {
            if (carryActors is not null)
            {
                carryActors.Forward(m);
                return;
            }

            var message = "no carry is configured (strategies/carry/carry_funding.json)";
            Sender.Tell(m is GetCarryStatus ? new Status.Failure(new ArgumentException(message)) : new CarryCommandReply(m.Symbol, false, message));
        });
        mediator.Tell(new Subscribe(EngineTopics.MarketEvents, Self));
    }

    public static Props Props(Func<IActorRef?, Props> funding, Func<IActorRef?, Props>? carry, IActorRef mediator) =>
        Akka.Actor.Props.Create(() => new FundingHub(funding, carry, mediator));
}
