using Akka.Actor;

namespace Arbitrage.Engine.Funding;

/// <summary>Parent of one <see cref="FundingActor"/> per symbol, created on the first message that names it.</summary>
public sealed class FundingActors : ReceiveActor
{
    public FundingActors(FundingStore store, FundingSettings settings, IActorRef? mediator)
    {
        Receive<IFundingMessage>(m =>
        {
            var name = Uri.EscapeDataString(m.Symbol);
            var child = Context.Child(name);
            if (child.IsNobody())
            {
                child = Context.ActorOf(FundingActor.Props(m.Symbol, store, settings, mediator), name);
            }

            child.Forward(m);
        });
    }

    /// <summary>The props the node host starts (one instance per node).</summary>
    public static Props Props(FundingStore store, FundingSettings? settings = null, IActorRef? mediator = null) =>
        Akka.Actor.Props.Create(() => new FundingActors(store, settings ?? FundingSettings.Default, mediator));
}
