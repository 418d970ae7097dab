using Akka.Actor;
using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Engine.Triangles.Execution;

/// <summary>
/// Where a venue's triangle legs go (paper or live). The venue actor owns it and calls it on its own thread; every
/// answer, to a send or to a query by client id, is a <see cref="TriangleSagaInput.LegReport"/> given on the actor's
/// thread: the paper gateway calls the sink it was made with, a live one tells the actor a
/// <see cref="TriangleGatewayAnswer"/> when its HTTP call (or the user-data stream) answers. A live gateway that has no
/// answer (the venue is down) says nothing: the attempt's leg timer asks again.
/// </summary>
public interface ITriangleOrderGateway
{
    /// <summary>Sends <paramref name="request"/> at event time <paramref name="timeMs"/>.</summary>
    void Send(TriangleOrderRequest request, long timeMs);

    /// <summary>Asks what became of the order <paramref name="clientOrderId"/> on <paramref name="symbol"/>.</summary>
    void Query(string symbol, string clientOrderId, long timeMs);

    /// <summary>The venue actor is about to apply a book of time <paramref name="nextBookMs"/>: answers due before it are given now.</summary>
    void BeforeBook(long nextBookMs);

    /// <summary>Answers everything still pending (the end of a replay's tape: no later book will come).</summary>
    void Flush();

    /// <summary>The venue's free balance of <paramref name="asset"/> (paper: the paper sheet; live: the account); null = not known.</summary>
    decimal? Available(string asset);

    /// <summary>The exchange filters of the pair <paramref name="symbol"/> (<c>BASE/QUOTE</c>); null = none known (a tape without them).</summary>
    PairFilters? Filters(string symbol);
}

/// <summary>
/// The live gateways of the venues that trade for real here (the node in live mode: <c>binance-spot</c>). A venue it has
/// none for trades on paper. The gateway lives as long as the venue actor that asked for it (disposed when it stops).
/// </summary>
public interface ITriangleGatewayFactory
{
    /// <summary>The live gateway of <paramref name="venue"/> answering to <paramref name="actor"/>, or null (paper).</summary>
    ITriangleOrderGateway? Create(string venue, IActorRef actor);
}

/// <summary>A live gateway's answer for an order, told to the venue actor that owns the gateway.</summary>
public sealed record TriangleGatewayAnswer(TriangleSagaInput.LegReport Report) : INoSerializationVerificationNeeded;
