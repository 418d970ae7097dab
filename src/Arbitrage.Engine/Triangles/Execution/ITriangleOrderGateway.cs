using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Engine.Triangles.Execution;

/// <summary>
/// Where a venue's triangle legs go (paper or live). The venue actor owns it and calls it on its own thread; every
/// answer, to a send or to a query by client id, is a <see cref="TriangleSagaInput.LegReport"/> handed to the sink the
/// gateway was made with, on the actor's thread (a live gateway pipes its HTTP answers to the actor first).
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
}
