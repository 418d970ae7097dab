using Arbitrage.Core.Books;

namespace Arbitrage.Binance.Protocol;

/// <summary>
/// Caller-owned, reusable storage for the bid/ask levels of one depth frame: grows to the largest
/// frame seen, then parsing allocates nothing. Valid until the next parse into the same buffer.
/// </summary>
public sealed class DepthLevelBuffer
{
    private PriceLevel[] _bids;
    private PriceLevel[] _asks;

    public DepthLevelBuffer(int initialCapacity = 64)
    {
        _bids = new PriceLevel[Math.Max(1, initialCapacity)];
        _asks = new PriceLevel[Math.Max(1, initialCapacity)];
    }

    public int BidCount { get; private set; }

    public int AskCount { get; private set; }

    public ReadOnlySpan<PriceLevel> Bids => _bids.AsSpan(0, BidCount);

    public ReadOnlySpan<PriceLevel> Asks => _asks.AsSpan(0, AskCount);

    public void Clear()
    {
        BidCount = 0;
        AskCount = 0;
    }

    internal void AddBid(PriceLevel level)
    {
        if (BidCount == _bids.Length)
        {
            Array.Resize(ref _bids, _bids.Length * 2);
        }

        _bids[BidCount++] = level;
    }

    internal void AddAsk(PriceLevel level)
    {
        if (AskCount == _asks.Length)
        {
            Array.Resize(ref _asks, _asks.Length * 2);
        }

        _asks[AskCount++] = level;
    }

    /// <summary>Parses <c>[["price","qty"],...]</c> into one side.</summary>
    internal bool TryReadLevels(ref JsonScanner s, bool bids)
    {
        if (s.TryReadNull())
        {
            return true;
        }

        if (!s.TryBeginArray())
        {
            return false;
        }

        bool first = true;
        while (true)
        {
            if (!s.TryNextElement(ref first, out bool end))
            {
                return false;
            }

            if (end)
            {
                return true;
            }

            bool inner = true;
            if (!s.TryBeginArray()
                || !s.TryNextElement(ref inner, out bool e1) || e1 || !s.TryReadDecimal(out decimal price)
                || !s.TryNextElement(ref inner, out bool e2) || e2 || !s.TryReadDecimal(out decimal qty)
                || !s.TryNextElement(ref inner, out bool e3) || !e3)
            {
                return false;
            }

            if (bids)
            {
                AddBid(new PriceLevel(price, qty));
            }
            else
            {
                AddAsk(new PriceLevel(price, qty));
            }
        }
    }
}
