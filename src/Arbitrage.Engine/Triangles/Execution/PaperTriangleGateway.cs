using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Engine.Triangles.Execution;

/// <summary>
/// Paper legs on a <see cref="PaperTriangleVenue"/> (its balance sheet, fee and latency), filled against the venue
/// actor's own books (read in place through <paramref name="books"/>, no copy of the feed). Latency is in event time:
/// a leg sent at <c>t</c> fills against the books as they are at <c>t + paper_latency_ms</c>, i.e. just before the
/// first book later than that is applied (<see cref="BeforeBook"/>); with no latency it fills at once on the books of
/// the send. No wall clock, so a replay is deterministic. A tape without exchange filters trades without rounding.
/// </summary>
public sealed class PaperTriangleGateway(PaperTriangleVenue venue, ITriangleBooks books, long latencyMs, Action<TriangleSagaInput.LegReport> answer)
    : ITriangleOrderGateway
{
    private readonly List<(TriangleOrderRequest Request, long SentMs)> _pending = [];

    public PaperTriangleVenue Venue { get; } = venue;

    public int Pending => _pending.Count;

    public decimal? Available(string asset) => Venue.Balance(asset);

    /// <summary>None: a paper venue trades what the tape's books offer, without lot rounding.</summary>
    public PairFilters? Filters(string symbol) => null;

    public void Send(TriangleOrderRequest request, long timeMs)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (latencyMs <= 0)
        {
            answer(Fill(request, timeMs));
            return;
        }

        _pending.Add((request, timeMs));
    }

    public void Query(string symbol, string clientOrderId, long timeMs)
    {
        // An order still "in the network" has reached the venue by the time anyone asks: it fills now.
        var i = _pending.FindIndex(p => p.Request.ClientOrderId == clientOrderId);
        if (i >= 0)
        {
            var (request, sent) = _pending[i];
            _pending.RemoveAt(i);
            answer(Fill(request, sent));
            return;
        }

        answer(Venue.Query(clientOrderId, timeMs));
    }

    public void BeforeBook(long nextBookMs)
    {
        while (_pending.Count > 0 && _pending[0].SentMs + latencyMs < nextBookMs)
        {
            var (request, sent) = _pending[0];
            _pending.RemoveAt(0);
            answer(Fill(request, sent));
        }
    }

    public void Flush()
    {
        while (_pending.Count > 0)
        {
            var (request, sent) = _pending[0];
            _pending.RemoveAt(0);
            answer(Fill(request, sent));
        }
    }

    private TriangleSagaInput.LegReport Fill(TriangleOrderRequest request, long sentMs)
    {
        if (books.Book(request.Symbol) is not { Synchronised: true } book)
        {
            return new(request.ClientOrderId, LegReportStatus.Rejected, 0m, 0m, 0m, string.Empty, $"{request.Symbol}: no synchronised book", sentMs + latencyMs);
        }

        return Venue.Execute(request, book, PairFilters.None, sentMs);
    }
}
