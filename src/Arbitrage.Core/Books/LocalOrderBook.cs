namespace Arbitrage.Core.Books;

/// <summary>
/// A local copy of an exchange order book kept from a REST snapshot plus the diff stream, with
/// Binance's sequencing rules (<see cref="DepthSequenceRule"/>). Pure: no I/O, no clock; the caller
/// buffers events while it fetches a snapshot and resyncs on <see cref="BookApplyResult.Gap"/>.
/// No allocation per update once the sides have reached their working size. Not thread-safe.
/// </summary>
public sealed class LocalOrderBook
{
    private readonly BookSide _bids;
    private readonly BookSide _asks;
    private long _lastUpdateId;
    private bool _awaitingFirst;

    public LocalOrderBook(DepthSequenceRule rule, int initialCapacity = 1024)
    {
        Rule = rule;
        _bids = new BookSide(isBid: true, initialCapacity);
        _asks = new BookSide(isBid: false, initialCapacity);
    }

    public DepthSequenceRule Rule { get; }

    /// <summary>True after a snapshot and until a gap.</summary>
    public bool IsSynced { get; private set; }

    /// <summary>The snapshot's lastUpdateId, then the <c>u</c> of the last applied event.</summary>
    public long LastUpdateId => _lastUpdateId;

    public int BidCount => _bids.Count;

    public int AskCount => _asks.Count;

    /// <summary>i-th best bid (0 = best); i &lt; <see cref="BidCount"/>.</summary>
    public PriceLevel Bid(int i) => (uint)i < (uint)_bids.Count ? _bids[i] : throw new ArgumentOutOfRangeException(nameof(i));

    /// <summary>i-th best ask (0 = best); i &lt; <see cref="AskCount"/>.</summary>
    public PriceLevel Ask(int i) => (uint)i < (uint)_asks.Count ? _asks[i] : throw new ArgumentOutOfRangeException(nameof(i));

    public bool TryGetBestBid(out PriceLevel level) => TryTop(_bids, out level);

    public bool TryGetBestAsk(out PriceLevel level) => TryTop(_asks, out level);

    /// <summary>Copies up to <c>dest.Length</c> best bids, best first; returns the count.</summary>
    public int CopyBids(Span<PriceLevel> dest) => Copy(_bids, dest);

    /// <summary>Copies up to <c>dest.Length</c> best asks, best first; returns the count.</summary>
    public int CopyAsks(Span<PriceLevel> dest) => Copy(_asks, dest);

    public void ApplySnapshot(long lastUpdateId, ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks)
    {
        _bids.Load(bids);
        _asks.Load(asks);
        _lastUpdateId = lastUpdateId;
        _awaitingFirst = true;
        IsSynced = true;
    }

    /// <summary>Forgets the book (e.g. after a reconnect); the next events return <see cref="BookApplyResult.NotSynced"/>.</summary>
    public void Reset()
    {
        _bids.Clear();
        _asks.Clear();
        IsSynced = false;
        _awaitingFirst = false;
    }

    /// <summary>
    /// Applies one depth event: <paramref name="firstUpdateId"/> = U, <paramref name="finalUpdateId"/> = u,
    /// <paramref name="prevFinalUpdateId"/> = pu (futures only; ignored on spot).
    /// </summary>
    public BookApplyResult ApplyDiff(
        long firstUpdateId, long finalUpdateId, long prevFinalUpdateId, ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks)
    {
        if (!IsSynced)
        {
            return BookApplyResult.NotSynced;
        }

        var verdict = Rule == DepthSequenceRule.Futures
            ? CheckFutures(firstUpdateId, finalUpdateId, prevFinalUpdateId)
            : CheckSpot(firstUpdateId, finalUpdateId);
        if (verdict != BookApplyResult.Applied)
        {
            if (verdict == BookApplyResult.Gap)
            {
                IsSynced = false;
            }

            return verdict;
        }

        foreach (var l in bids)
        {
            _bids.Set(l.Price, l.Quantity);
        }

        foreach (var l in asks)
        {
            _asks.Set(l.Price, l.Quantity);
        }

        _lastUpdateId = finalUpdateId;
        _awaitingFirst = false;
        return BookApplyResult.Applied;
    }

    private BookApplyResult CheckFutures(long first, long final, long prev)
    {
        if (_awaitingFirst)
        {
            if (final < _lastUpdateId)
            {
                return BookApplyResult.Stale;
            }

            return first <= _lastUpdateId ? BookApplyResult.Applied : BookApplyResult.Gap;
        }

        if (final <= _lastUpdateId)
        {
            return BookApplyResult.Stale;
        }

        return prev == _lastUpdateId ? BookApplyResult.Applied : BookApplyResult.Gap;
    }

    private BookApplyResult CheckSpot(long first, long final)
    {
        if (final <= _lastUpdateId)
        {
            return BookApplyResult.Stale;
        }

        if (_awaitingFirst)
        {
            return first <= _lastUpdateId + 1 ? BookApplyResult.Applied : BookApplyResult.Gap;
        }

        return first == _lastUpdateId + 1 ? BookApplyResult.Applied : BookApplyResult.Gap;
    }

    private static bool TryTop(BookSide side, out PriceLevel level)
    {
        if (side.Count == 0)
        {
            level = default;
            return false;
        }

        level = side[0];
        return true;
    }

    private static int Copy(BookSide side, Span<PriceLevel> dest)
    {
        int n = Math.Min(dest.Length, side.Count);
        for (int i = 0; i < n; i++)
        {
            dest[i] = side[i];
        }

        return n;
    }
}
