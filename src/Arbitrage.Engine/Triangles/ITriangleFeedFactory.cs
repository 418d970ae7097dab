using Akka.Actor;
using Akka.Streams;

namespace Arbitrage.Engine.Triangles;

/// <summary>
/// Live books for a <see cref="TriangleActor"/>: starts the venue's feed for <c>symbols</c> (<c>BASE/QUOTE</c>) sending
/// its events (e.g. <see cref="Binance.Streams.SpotBookEvent"/>) to the actor, or returns null when the venue has no
/// live feed here. A replay has none: its books come as <see cref="TriangleBooks"/>.
/// </summary>
public interface ITriangleFeedFactory
{
    IKillSwitch? Start(string venue, IReadOnlyList<string> symbols, IActorRef target, IMaterializer materializer);
}
