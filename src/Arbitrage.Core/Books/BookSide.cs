namespace Arbitrage.Core.Books;

/// <summary>
/// One side of a book as a sorted array with the best level at the END: most updates touch the top
/// of the book, so inserts and removals there shift few elements. Bids are stored ascending,
/// asks descending. Allocates only when it grows past its largest size so far.
/// </summary>
internal sealed class BookSide(bool isBid, int capacity)
{
    private PriceLevel[] _levels = new PriceLevel[Math.Max(capacity, 16)];

    public int Count { get; private set; }

    public bool IsBid => isBid;

    /// <summary>The i-th best level (0 = best).</summary>
    public PriceLevel this[int i] => _levels[Count - 1 - i];

    public void Clear() => Count = 0;

    /// <summary>Sets a level; quantity 0 removes it (and removing an absent level is a no-op).</summary>
    public void Set(decimal price, decimal quantity)
    {
        int i = Search(price);
        if (i >= 0)
        {
            if (quantity == 0)
            {
                Array.Copy(_levels, i + 1, _levels, i, Count - i - 1);
                Count--;
            }
            else
            {
                _levels[i] = new PriceLevel(price, quantity);
            }

            return;
        }

        if (quantity == 0)
        {
            return;
        }

        i = ~i;
        if (Count == _levels.Length)
        {
            Array.Resize(ref _levels, _levels.Length * 2);
        }

        Array.Copy(_levels, i, _levels, i + 1, Count - i);
        _levels[i] = new PriceLevel(price, quantity);
        Count++;
    }

    /// <summary>Replaces the side with <paramref name="levels"/> in any order (zero quantities skipped, last duplicate wins).</summary>
    public void Load(ReadOnlySpan<PriceLevel> levels)
    {
        if (levels.Length > _levels.Length)
        {
            _levels = new PriceLevel[levels.Length * 2];
        }

        Count = 0;
        foreach (var l in levels)
        {
            if (l.Quantity != 0)
            {
                _levels[Count++] = l;
            }
        }

        var span = _levels.AsSpan(0, Count);
        if (isBid)
        {
            span.Sort(static (a, b) => a.Price.CompareTo(b.Price));
        }
        else
        {
            span.Sort(static (a, b) => b.Price.CompareTo(a.Price));
        }

        // Sort is unstable, so a duplicated price keeps an arbitrary one; snapshots do not repeat prices.
        int w = 0;
        for (int r = 0; r < Count; r++)
        {
            if (w > 0 && _levels[w - 1].Price == _levels[r].Price)
            {
                _levels[w - 1] = _levels[r];
            }
            else
            {
                _levels[w++] = _levels[r];
            }
        }

        Count = w;
    }

    /// <summary>Binary search in storage order; ~insertion point when absent.</summary>
    private int Search(decimal price)
    {
        int lo = 0, hi = Count - 1;
        var levels = _levels;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            int c = levels[mid].Price.CompareTo(price);
            if (!isBid)
            {
                c = -c;
            }

            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
