using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Arbitrage.Core.Books;

namespace Arbitrage.Core.Triangles;

/// <summary>
/// Incremental triangular-arbitrage detection over one <see cref="TriangleUniverse"/> (ARCHITECTURE §7, exact).
/// Holds each pair's latest book and each cycle's open episode. After a book event of pair P at event time t it
/// evaluates exactly the cycles through P, with every pair's latest book; a cycle whose three books are not all
/// synchronised (never received, marked unsynchronised, or last updated more than <c>staleness_ms</c> before t) is
/// not evaluated and closes its open episode at t.
/// </summary>
/// <remarks>
/// <para>Drive it from one thread (an actor): <see cref="Apply(int, long, ReadOnlySpan{BookLevel}, ReadOnlySpan{BookLevel})"/>
/// for a full book, <see cref="Apply(int, long, LocalOrderBook)"/> for a live synchronised book,
/// <see cref="MarkUnsynchronised"/> when a feed loses its book. Each call returns how many episodes opened or closed and
/// leaves what it did in <see cref="Changes"/> and <see cref="Evaluations"/> until the next call.</para>
/// <para>No allocation per call: books and result buffers are preallocated; a book side grows (once) only when a
/// larger book than any before arrives.</para>
/// <para>Hot path: each book side keeps its best level in the walk form of <see cref="LegConversion"/> in one flat
/// array, so a leg that the best level fills (the usual case at detection notionals) is one comparison and two
/// floating-point operations; deeper legs walk the side (its walk form is refreshed lazily, on the first
/// deep walk after an update). The numbers are the same to the last bit either way.</para>
/// </remarks>
public sealed class TriangleDetector
{
    /// <summary>The best-level slot of an empty side: no amount is ≤ its cap, so every leg through it walks (and runs out).</summary>
    private static readonly LegLevel NoLevel = new(-1, 0, 1, 0);

    private readonly TriangleUniverse _universe;
    private readonly PairBook[] _books;
    private readonly long[] _updatedMs;
    private readonly bool[] _synced;
    private readonly bool[] _hasBook;

    // Book sides by index: side = 2·pair for the bids (selling base into them), 2·pair + 1 for the asks (buying base).
    private readonly LegLevel[] _best;
    private readonly LegLevel[][] _walk;
    private readonly int[] _walkCount;
    private readonly bool[] _walkStale;

    private readonly CycleSpec[] _cycles;
    private readonly OpenEpisode[] _open;
    private readonly CycleEvaluation[] _evaluations;
    private readonly EpisodeChange[] _changes;
    private readonly double _keep;
    private readonly double _min;
    private readonly long _staleness;
    private readonly int _maxLevels;
    private int _evaluationCount;
    private int _changeCount;
    private int _openCount;

    public TriangleDetector(TriangleUniverse universe, TriangleDetectorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(universe);
        ArgumentNullException.ThrowIfNull(settings);
        _universe = universe;
        Settings = settings;
        _keep = 1 - settings.TakerFee;
        _min = settings.MinNetReturn;
        _staleness = settings.StalenessMs;
        _maxLevels = settings.MaxLevels;

        int pairs = universe.Pairs.Count;
        _books = new PairBook[pairs];
        for (int i = 0; i < pairs; i++)
        {
            _books[i] = new PairBook();
        }

        _updatedMs = new long[pairs];
        _synced = new bool[pairs];
        _hasBook = new bool[pairs];
        _best = new LegLevel[2 * pairs];
        _walk = new LegLevel[2 * pairs][];
        for (int k = 0; k < _walk.Length; k++)
        {
            _best[k] = NoLevel;
            _walk[k] = new LegLevel[16];
        }

        _walkCount = new int[2 * pairs];
        _walkStale = new bool[2 * pairs];
        _cycles = new CycleSpec[universe.Cycles.Count];
        foreach (var c in universe.Cycles)
        {
            _cycles[c.Index] = new CycleSpec(Side(c.Leg1), Side(c.Leg2), Side(c.Leg3), c.Notional);
        }

        _open = new OpenEpisode[_cycles.Length];
        _evaluations = new CycleEvaluation[universe.MaxCyclesPerPair];
        _changes = new EpisodeChange[universe.MaxCyclesPerPair];
    }

    public TriangleUniverse Universe => _universe;

    public TriangleDetectorSettings Settings { get; }

    /// <summary>Episodes opened or closed by the last call, in cycle-index order.</summary>
    public ReadOnlySpan<EpisodeChange> Changes => _changes.AsSpan(0, _changeCount);

    /// <summary>The cycles the last call looked at, ascending, with what it found.</summary>
    public ReadOnlySpan<CycleEvaluation> Evaluations => _evaluations.AsSpan(0, _evaluationCount);

    public int OpenEpisodeCount => _openCount;

    /// <summary>Whether <paramref name="pair"/> has a book that is not marked unsynchronised (staleness aside).</summary>
    public bool IsSynchronised(int pair) => _synced[pair];

    /// <summary>The event time of the pair's last applied book, or null when it never had one.</summary>
    public long? LastUpdateMs(int pair) => _hasBook[pair] ? _updatedMs[pair] : null;

    /// <summary>The pair's current bids, best first (empty before its first book).</summary>
    public ReadOnlySpan<BookLevel> Bids(int pair) => _books[pair].Bids.AsSpan(0, _books[pair].BidCount);

    /// <summary>The pair's current asks, best first (empty before its first book).</summary>
    public ReadOnlySpan<BookLevel> Asks(int pair) => _books[pair].Asks.AsSpan(0, _books[pair].AskCount);

    /// <summary>
    /// Replaces <paramref name="pair"/>'s book with a full book (levels best first: bids by falling price, asks by
    /// rising price; an out-of-order side is sorted, stably) at event time <paramref name="timeMs"/>, marks it
    /// synchronised and evaluates the cycles through it. Prices must be finite and &gt; 0, quantities finite and ≥ 0.
    /// </summary>
    /// <returns>How many episodes opened or closed (<see cref="Changes"/>).</returns>
    public int Apply(int pair, long timeMs, ReadOnlySpan<BookLevel> bids, ReadOnlySpan<BookLevel> asks)
    {
        var book = _books[pair];
        book.BidCount = Store(ref book.Bids, ref book.Scratch, bids, descending: true);
        book.AskCount = Store(ref book.Asks, ref book.Scratch, asks, descending: false);
        return Applied(pair, book, timeMs);
    }

    /// <summary>
    /// Takes <paramref name="pair"/>'s book from a live local book (its best <see cref="TriangleDetectorSettings.MaxLevels"/>
    /// levels per side) and evaluates the cycles through it; a local book that is not synchronised marks the pair
    /// unsynchronised instead (<see cref="MarkUnsynchronised"/>).
    /// </summary>
    public int Apply(int pair, long timeMs, LocalOrderBook book)
    {
        ArgumentNullException.ThrowIfNull(book);
        if (!book.IsSynced)
        {
            return MarkUnsynchronised(pair, timeMs);
        }

        var target = _books[pair];
        int bids = Math.Min(book.BidCount, _maxLevels);
        int asks = Math.Min(book.AskCount, _maxLevels);
        Ensure(ref target.Bids, bids);
        Ensure(ref target.Asks, asks);
        for (int i = 0; i < bids; i++)
        {
            var l = book.Bid(i);
            target.Bids[i] = new BookLevel((double)l.Price, (double)l.Quantity);
        }

        for (int i = 0; i < asks; i++)
        {
            var l = book.Ask(i);
            target.Asks[i] = new BookLevel((double)l.Price, (double)l.Quantity);
        }

        target.BidCount = bids;
        target.AskCount = asks;
        return Applied(pair, target, timeMs);
    }

    /// <summary>
    /// The pair's book is no longer known (a sequence gap, a reconnect): its cycles are not evaluated until the next
    /// <see cref="Apply(int, long, ReadOnlySpan{BookLevel}, ReadOnlySpan{BookLevel})"/>, and their open episodes close
    /// now, at <paramref name="timeMs"/> (this is an event of the pair like a book update; <see cref="Evaluations"/>
    /// lists its cycles as <see cref="CycleStatus.Unsynchronised"/>).
    /// </summary>
    public int MarkUnsynchronised(int pair, long timeMs)
    {
        _evaluationCount = 0;
        _changeCount = 0;
        _synced[pair] = false;
        foreach (int c in _universe.CyclesOf(pair))
        {
            NotEvaluated(c, timeMs, CycleStatus.Unsynchronised);
        }

        return _changeCount;
    }

    /// <summary>The open episode of <paramref name="cycle"/>, if any.</summary>
    public bool TryGetOpenEpisode(int cycle, out TriangleEpisode episode)
    {
        ref readonly var o = ref _open[cycle];
        episode = o.IsOpen ? new TriangleEpisode(cycle, o.StartMs, null, o.Evaluations, o.Peak, o.PeakMs, EpisodeEnd.Open) : default;
        return o.IsOpen;
    }

    /// <summary>Every open episode in cycle order (allocates: for the end of a replay and for snapshots).</summary>
    public List<TriangleEpisode> OpenEpisodes()
    {
        var list = new List<TriangleEpisode>(_openCount);
        for (int c = 0; c < _open.Length; c++)
        {
            if (TryGetOpenEpisode(c, out var e))
            {
                list.Add(e);
            }
        }

        return list;
    }

    private int Applied(int pair, PairBook book, long timeMs)
    {
        int bids = 2 * pair;
        _best[bids] = book.BidCount > 0 ? LegLevel.Best(LegSide.SellBase, book.Bids[0]) : NoLevel;
        _best[bids + 1] = book.AskCount > 0 ? LegLevel.Best(LegSide.BuyBase, book.Asks[0]) : NoLevel;
        _walkStale[bids] = true;
        _walkStale[bids + 1] = true;
        _synced[pair] = true;
        _hasBook[pair] = true;
        _updatedMs[pair] = timeMs;

        _evaluationCount = 0;
        _changeCount = 0;
        foreach (int c in _universe.CyclesOf(pair))
        {
            Evaluate(c, timeMs);
        }

        return _changeCount;
    }

    private void Evaluate(int c, long timeMs)
    {
        ref readonly var spec = ref _cycles[c];
        int p1 = spec.Side1 >> 1, p2 = spec.Side2 >> 1, p3 = spec.Side3 >> 1;
        if (!(_synced[p1] & _synced[p2] & _synced[p3]))
        {
            NotEvaluated(c, timeMs, CycleStatus.Unsynchronised);
            return;
        }

        if (timeMs - Math.Min(Math.Min(_updatedMs[p1], _updatedMs[p2]), _updatedMs[p3]) > _staleness)
        {
            NotEvaluated(c, timeMs, CycleStatus.Stale);
            return;
        }

        double n = spec.Notional;
        double a = n;
        if (!Leg(spec.Side1, ref a) || !Leg(spec.Side2, ref a) || !Leg(spec.Side3, ref a))
        {
            NotEvaluated(c, timeMs, CycleStatus.Infeasible);
            return;
        }

        double r = (a / n) - 1;
        _evaluations[_evaluationCount++] = new CycleEvaluation(c, CycleStatus.Evaluated, r);
        ref var open = ref _open[c];
        if (r >= _min)
        {
            if (!open.IsOpen)
            {
                open = new OpenEpisode(true, timeMs, 1, r, timeMs);
                _openCount++;
                _changes[_changeCount++] = new EpisodeChange(EpisodeChangeKind.Opened,
                    new TriangleEpisode(c, timeMs, null, 1, r, timeMs, EpisodeEnd.Open));
            }
            else
            {
                open.Evaluations++;
                if (r > open.Peak)
                {
                    open.Peak = r;
                    open.PeakMs = timeMs;
                }
            }
        }
        else if (open.IsOpen)
        {
            Close(c, timeMs, EpisodeEnd.BelowMinimum);
        }
    }

    /// <summary>A cycle looked at but not valued (a book missing, stale, or too thin): recorded, and its episode ends.</summary>
    private void NotEvaluated(int c, long timeMs, CycleStatus status)
    {
        _evaluations[_evaluationCount++] = new CycleEvaluation(c, status, double.NaN);
        if (_open[c].IsOpen)
        {
            Close(c, timeMs, status switch
            {
                CycleStatus.Stale => EpisodeEnd.Stale,
                CycleStatus.Infeasible => EpisodeEnd.Infeasible,
                _ => EpisodeEnd.Unsynchronised,
            });
        }
    }

    /// <summary>
    /// One leg through book side <paramref name="side"/>: <paramref name="amount"/> in, the amount received out.
    /// When the best level absorbs the whole amount the walk is that level alone: <c>(0 + amount·Mul/Div)·keep</c>,
    /// written without the 0 (adding 0 to a positive double changes nothing).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Leg(int side, ref double amount)
    {
        ref readonly LegLevel best = ref _best[side];
        if (amount <= best.Cap)
        {
            // Selling: amount·price (÷ 1 left out: exact); buying: amount ÷ price (× 1 left out: exact).
            amount = ((side & 1) == 0 ? amount * best.Mul : amount / best.Div) * _keep;
            return true;
        }

        return Walk(side, ref amount);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Walk(int side, ref double amount)
    {
        if (_walkStale[side])
        {
            var book = _books[side >> 1];
            bool bids = (side & 1) == 0;
            var levels = bids ? book.Bids : book.Asks;
            int count = bids ? book.BidCount : book.AskCount;
            ref var walk = ref _walk[side];
            if (walk.Length < count)
            {
                walk = new LegLevel[Math.Max(count, walk.Length * 2)];
            }

            LegLevel.Fill(bids ? LegSide.SellBase : LegSide.BuyBase, levels.AsSpan(0, count), walk);
            _walkCount[side] = count;
            _walkStale[side] = false;
        }

        return LegConversion.TryWalk(amount, ref MemoryMarshal.GetArrayDataReference(_walk[side]), _walkCount[side], _keep, out amount);
    }

    private static int Side(CycleLeg leg) => (2 * leg.Pair) + (leg.Side == LegSide.SellBase ? 0 : 1);

    private void Close(int c, long timeMs, EpisodeEnd cause)
    {
        ref var o = ref _open[c];
        _changes[_changeCount++] = new EpisodeChange(EpisodeChangeKind.Closed,
            new TriangleEpisode(c, o.StartMs, timeMs, o.Evaluations, o.Peak, o.PeakMs, cause));
        o = default;
        _openCount--;
    }

    /// <summary>Copies a side in, checking every level, and sorts it best first when it is not (stable).</summary>
    private static int Store(ref BookLevel[] target, ref BookLevel[] scratch, ReadOnlySpan<BookLevel> levels, bool descending)
    {
        Ensure(ref target, levels.Length);
        bool sorted = true;
        for (int i = 0; i < levels.Length; i++)
        {
            var l = levels[i];
            if (!(l.Price > 0) || double.IsInfinity(l.Price) || !(l.Quantity >= 0) || double.IsInfinity(l.Quantity))
            {
                throw new ArgumentException($"book level {i} ({l.Price}, {l.Quantity}): a price must be finite and > 0, a quantity finite and ≥ 0", nameof(levels));
            }

            if (i > 0 && (descending ? l.Price > levels[i - 1].Price : l.Price < levels[i - 1].Price))
            {
                sorted = false;
            }

            target[i] = l;
        }

        if (!sorted)
        {
            Ensure(ref scratch, levels.Length);
            MergeSort(target.AsSpan(0, levels.Length), scratch.AsSpan(0, levels.Length), descending);
        }

        return levels.Length;
    }

    private static void Ensure(ref BookLevel[] array, int length)
    {
        if (array.Length < length)
        {
            array = new BookLevel[Math.Max(length, array.Length * 2)];
        }
    }

    /// <summary>Bottom-up stable merge sort by price (equal prices keep their order), without allocating.</summary>
    private static void MergeSort(Span<BookLevel> items, Span<BookLevel> scratch, bool descending)
    {
        var from = items;
        var to = scratch;
        for (int width = 1; width < items.Length; width *= 2)
        {
            for (int lo = 0; lo < items.Length; lo += 2 * width)
            {
                int mid = Math.Min(lo + width, items.Length);
                int hi = Math.Min(lo + (2 * width), items.Length);
                int i = lo, j = mid, k = lo;
                while (i < mid && j < hi)
                {
                    // Take from the right only when strictly better: stability.
                    bool right = descending ? from[j].Price > from[i].Price : from[j].Price < from[i].Price;
                    to[k++] = right ? from[j++] : from[i++];
                }

                while (i < mid)
                {
                    to[k++] = from[i++];
                }

                while (j < hi)
                {
                    to[k++] = from[j++];
                }
            }

            var t = from;
            from = to;
            to = t;
        }

        if (from != items)
        {
            from.CopyTo(items);
        }
    }

    /// <summary>A cycle as the hot path reads it: its three book sides (2·pair for the bids, + 1 for the asks) and its notional.</summary>
    private readonly record struct CycleSpec(int Side1, int Side2, int Side3, double Notional);

    private record struct OpenEpisode(bool IsOpen, long StartMs, int Evaluations, double Peak, long PeakMs);

    /// <summary>A pair's latest book as applied, best levels first.</summary>
    private sealed class PairBook
    {
        public BookLevel[] Bids = new BookLevel[16];
        public BookLevel[] Asks = new BookLevel[16];
        public BookLevel[] Scratch = [];
        public int BidCount;
        public int AskCount;
    }
}
