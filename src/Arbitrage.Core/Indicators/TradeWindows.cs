using System.Runtime.CompilerServices;

namespace Arbitrage.Core.Indicators;

/// <summary>
/// Per-block sums of one symbol's trades in a ring, and the running sums of the windows that CVD, VWAP,
/// CVD acceleration and the large-trade flows are read from (ARCHITECTURE.md §4).
/// </summary>
/// <remarks>
/// Blocks are 15 s long, i.e. the union of 15 one-second buckets <c>b = floor(time_ms/1000)</c>. Every
/// evaluation tick and every window edge (t − 5 m, 10 m, 30 m, 4 h, 24 h) is a multiple of 15 s, so each
/// window is exactly a union of whole blocks — the same trades as with 1-second buckets, with 15× fewer
/// ring slots to keep and to expire. Memory is the fixed ring (8192 × 64 bytes), whatever the trade rate.
/// Within a block, sums are plain doubles (a block holds one 15 s burst at most); across blocks the window
/// sums are <see cref="CompensatedSum"/>s, reset to exact zero when a window holds no trade.
/// </remarks>
internal sealed class TradeWindows
{
    internal const long BlockMs = 15_000;
    internal const int Blocks5m = 20;
    internal const int Blocks10m = 40;
    internal const int Blocks30m = 120;
    internal const int Blocks4h = 960;
    internal const int Blocks24h = 5760;
    private const int RingSize = 8192; // ≥ 24 h of blocks + the open block + the block just leaving
    private const int Mask = RingSize - 1;

    private struct Block
    {
        public long Index;
        public long Count;
        public double Delta;
        public double Qty;
        public double Notional;
        public double LargeBuy;
        public double LargeSell;
    }

    private readonly Block[] _ring = new Block[RingSize];

    // Blocks before _current have entered the windows; trades in [_current·15 s, next tick) go to _current.
    private long _current = long.MinValue;

    private long _n30, _n4h, _n24h, _n5, _nPrev5;
    private CompensatedSum _cvd30, _cvd4h, _cvd24h, _cvd5, _cvdPrev5;
    private CompensatedSum _qty30, _qty4h, _qty24h;
    private CompensatedSum _not30, _not4h, _not24h;
    private CompensatedSum _largeBuy5, _largeSell5;

    public TradeWindows()
    {
        for (int i = 0; i < RingSize; i++)
        {
            _ring[i].Index = long.MinValue;
        }
    }

    public long Current => _current;

    /// <summary>Starts at the block of the first trade (a virtual tick at its start: nothing has entered yet).</summary>
    public void Start(long block)
    {
        _current = block;
        OpenBlock(block);
    }

    /// <summary>Adds a trade of the open block: the hot path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCurrent(double delta, double qty, double notional, double largeBuy, double largeSell)
    {
        ref Block b = ref _ring[(int)(_current & Mask)];
        b.Count++;
        b.Delta += delta;
        b.Qty += qty;
        b.Notional += notional;
        b.LargeBuy += largeBuy;
        b.LargeSell += largeSell;
    }

    /// <summary>
    /// Adds a trade older than the open block to its own block, and to the running sums of the windows that
    /// already contain that block. Returns false (and keeps nothing) when the block is older than 24 h:
    /// no present or future window can contain it.
    /// </summary>
    public bool AddLate(long block, double delta, double qty, double notional, double largeBuy, double largeSell)
    {
        if (block < _current - Blocks24h)
        {
            return false;
        }

        ref Block b = ref _ring[(int)(block & Mask)];
        if (b.Index != block)
        {
            b = default;
            b.Index = block;
        }

        b.Count++;
        b.Delta += delta;
        b.Qty += qty;
        b.Notional += notional;
        b.LargeBuy += largeBuy;
        b.LargeSell += largeSell;

        long age = _current - block; // ≥ 1: the block is inside the windows whose length in blocks is ≥ age
        _n24h++;
        _cvd24h.Add(delta);
        _qty24h.Add(qty);
        _not24h.Add(notional);
        if (age <= Blocks4h)
        {
            _n4h++;
            _cvd4h.Add(delta);
            _qty4h.Add(qty);
            _not4h.Add(notional);
        }

        if (age <= Blocks30m)
        {
            _n30++;
            _cvd30.Add(delta);
            _qty30.Add(qty);
            _not30.Add(notional);
        }

        if (age <= Blocks5m)
        {
            _n5++;
            _cvd5.Add(delta);
            _largeBuy5.Add(largeBuy);
            _largeSell5.Add(largeSell);
        }
        else if (age <= Blocks10m)
        {
            _nPrev5++;
            _cvdPrev5.Add(delta);
        }

        return true;
    }

    /// <summary>Moves the windows to tick <c>t = tickBlock·15 s</c>: the open block enters, old blocks leave.</summary>
    public void AdvanceTo(long tickBlock)
    {
        long entering = tickBlock - 1;
        ref Block e = ref _ring[(int)(entering & Mask)];
        if (e.Index == entering && e.Count != 0)
        {
            _n30 += e.Count;
            _n4h += e.Count;
            _n24h += e.Count;
            _n5 += e.Count;
            _cvd30.Add(e.Delta);
            _cvd4h.Add(e.Delta);
            _cvd24h.Add(e.Delta);
            _cvd5.Add(e.Delta);
            _qty30.Add(e.Qty);
            _qty4h.Add(e.Qty);
            _qty24h.Add(e.Qty);
            _not30.Add(e.Notional);
            _not4h.Add(e.Notional);
            _not24h.Add(e.Notional);
            _largeBuy5.Add(e.LargeBuy);
            _largeSell5.Add(e.LargeSell);
        }

        long l5Index = entering - Blocks5m;
        ref Block l5 = ref _ring[(int)(l5Index & Mask)];
        if (l5.Index == l5Index && l5.Count != 0)
        {
            _n5 -= l5.Count;
            _cvd5.Add(-l5.Delta);
            _largeBuy5.Add(-l5.LargeBuy);
            _largeSell5.Add(-l5.LargeSell);
            _nPrev5 += l5.Count;
            _cvdPrev5.Add(l5.Delta);
        }

        long l10Index = entering - Blocks10m;
        ref Block l10 = ref _ring[(int)(l10Index & Mask)];
        if (l10.Index == l10Index && l10.Count != 0)
        {
            _nPrev5 -= l10.Count;
            _cvdPrev5.Add(-l10.Delta);
        }

        long l30Index = entering - Blocks30m;
        ref Block l30 = ref _ring[(int)(l30Index & Mask)];
        if (l30.Index == l30Index && l30.Count != 0)
        {
            _n30 -= l30.Count;
            _cvd30.Add(-l30.Delta);
            _qty30.Add(-l30.Qty);
            _not30.Add(-l30.Notional);
        }

        long l4hIndex = entering - Blocks4h;
        ref Block l4h = ref _ring[(int)(l4hIndex & Mask)];
        if (l4h.Index == l4hIndex && l4h.Count != 0)
        {
            _n4h -= l4h.Count;
            _cvd4h.Add(-l4h.Delta);
            _qty4h.Add(-l4h.Qty);
            _not4h.Add(-l4h.Notional);
        }

        long l24hIndex = entering - Blocks24h;
        ref Block l24h = ref _ring[(int)(l24hIndex & Mask)];
        if (l24h.Index == l24hIndex && l24h.Count != 0)
        {
            _n24h -= l24h.Count;
            _cvd24h.Add(-l24h.Delta);
            _qty24h.Add(-l24h.Qty);
            _not24h.Add(-l24h.Notional);
        }

        ResetEmptyWindows();
        _current = tickBlock;
        OpenBlock(tickBlock);
    }

    public double Cvd30m => _cvd30.Value;
    public double Cvd4h => _cvd4h.Value;
    public double Cvd24h => _cvd24h.Value;
    public double? Vwap30m => _n30 == 0 ? null : _not30.Value / _qty30.Value;
    public double? Vwap4h => _n4h == 0 ? null : _not4h.Value / _qty4h.Value;
    public double? Vwap24h => _n24h == 0 ? null : _not24h.Value / _qty24h.Value;
    public double CvdAccel => _cvd5.Value - _cvdPrev5.Value;
    public double LargeBuy5m => _largeBuy5.Value;
    public double LargeSell5m => _largeSell5.Value;

    // A zero-count window must read exactly 0 (and VWAP null), not the residue of its last subtraction.
    private void ResetEmptyWindows()
    {
        if (_n30 == 0)
        {
            _cvd30.Reset();
            _qty30.Reset();
            _not30.Reset();
        }

        if (_n4h == 0)
        {
            _cvd4h.Reset();
            _qty4h.Reset();
            _not4h.Reset();
        }

        if (_n24h == 0)
        {
            _cvd24h.Reset();
            _qty24h.Reset();
            _not24h.Reset();
        }

        if (_n5 == 0)
        {
            _cvd5.Reset();
            _largeBuy5.Reset();
            _largeSell5.Reset();
        }

        if (_nPrev5 == 0)
        {
            _cvdPrev5.Reset();
        }
    }

    private void OpenBlock(long block)
    {
        ref Block b = ref _ring[(int)(block & Mask)];
        if (b.Index != block)
        {
            b = default;
            b.Index = block;
        }
    }

    internal void CaptureInto(SymbolIndicatorsStateBuilder s)
    {
        if (_current == long.MinValue)
        {
            return;
        }

        for (long x = _current - Blocks24h; x <= _current; x++)
        {
            ref Block b = ref _ring[(int)(x & Mask)];
            if (b.Index == x && b.Count != 0)
            {
                s.BlockIndex.Add(x);
                s.BlockCount.Add(b.Count);
                s.BlockDelta.Add(b.Delta);
                s.BlockQty.Add(b.Qty);
                s.BlockNotional.Add(b.Notional);
                s.BlockLargeBuy.Add(b.LargeBuy);
                s.BlockLargeSell.Add(b.LargeSell);
            }
        }

        s.WindowCounts = [_n30, _n4h, _n24h, _n5, _nPrev5];
        CompensatedSum[] sums = Sums();
        s.WindowSums = new double[sums.Length];
        s.WindowCompensations = new double[sums.Length];
        for (int i = 0; i < sums.Length; i++)
        {
            s.WindowSums[i] = sums[i].Sum;
            s.WindowCompensations[i] = sums[i].Compensation;
        }
    }

    internal void RestoreFrom(SymbolIndicatorsState s)
    {
        if (!s.Started)
        {
            return;
        }

        _current = s.NextTickMs / BlockMs - 1;
        for (int i = 0; i < s.BlockIndex.Length; i++)
        {
            ref Block b = ref _ring[(int)(s.BlockIndex[i] & Mask)];
            b.Index = s.BlockIndex[i];
            b.Count = s.BlockCount[i];
            b.Delta = s.BlockDelta[i];
            b.Qty = s.BlockQty[i];
            b.Notional = s.BlockNotional[i];
            b.LargeBuy = s.BlockLargeBuy[i];
            b.LargeSell = s.BlockLargeSell[i];
        }

        OpenBlock(_current);
        _n30 = s.WindowCounts[0];
        _n4h = s.WindowCounts[1];
        _n24h = s.WindowCounts[2];
        _n5 = s.WindowCounts[3];
        _nPrev5 = s.WindowCounts[4];
        var sums = new CompensatedSum[s.WindowSums.Length];
        for (int i = 0; i < sums.Length; i++)
        {
            sums[i] = new CompensatedSum { Sum = s.WindowSums[i], Compensation = s.WindowCompensations[i] };
        }

        (_cvd30, _cvd4h, _cvd24h, _cvd5, _cvdPrev5) = (sums[0], sums[1], sums[2], sums[3], sums[4]);
        (_qty30, _qty4h, _qty24h) = (sums[5], sums[6], sums[7]);
        (_not30, _not4h, _not24h) = (sums[8], sums[9], sums[10]);
        (_largeBuy5, _largeSell5) = (sums[11], sums[12]);
    }

    private CompensatedSum[] Sums() =>
    [
        _cvd30, _cvd4h, _cvd24h, _cvd5, _cvdPrev5,
        _qty30, _qty4h, _qty24h,
        _not30, _not4h, _not24h,
        _largeBuy5, _largeSell5,
    ];
}
