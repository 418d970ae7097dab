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

    // The three CVD/VWAP windows share one shape; the two 5-minute windows (accel, large flows) their own.
    private FlowWindow _w30, _w4h, _w24h;
    private long _n5, _nPrev5;
    private CompensatedSum _cvd5, _cvdPrev5;
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
        _w24h.Add(1, delta, qty, notional);
        if (age <= Blocks4h)
        {
            _w4h.Add(1, delta, qty, notional);
        }

        if (age <= Blocks30m)
        {
            _w30.Add(1, delta, qty, notional);
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
            _w30.Add(e.Count, e.Delta, e.Qty, e.Notional);
            _w4h.Add(e.Count, e.Delta, e.Qty, e.Notional);
            _w24h.Add(e.Count, e.Delta, e.Qty, e.Notional);
            _n5 += e.Count;
            _cvd5.Add(e.Delta);
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

        Leave(ref _w30, entering - Blocks30m);
        Leave(ref _w4h, entering - Blocks4h);
        Leave(ref _w24h, entering - Blocks24h);

        ResetEmptyWindows();
        _current = tickBlock;
        OpenBlock(tickBlock);
    }

    public double Cvd30m => _w30.Cvd.Value;
    public double Cvd4h => _w4h.Cvd.Value;
    public double Cvd24h => _w24h.Cvd.Value;
    public double? Vwap30m => _w30.Vwap;
    public double? Vwap4h => _w4h.Vwap;
    public double? Vwap24h => _w24h.Vwap;
    public double CvdAccel => _cvd5.Value - _cvdPrev5.Value;
    public double LargeBuy5m => _largeBuy5.Value;
    public double LargeSell5m => _largeSell5.Value;

    // A zero-count window must read exactly 0 (and VWAP null), not the residue of its last subtraction.
    private void ResetEmptyWindows()
    {
        _w30.ResetIfEmpty();
        _w4h.ResetIfEmpty();
        _w24h.ResetIfEmpty();

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

        s.WindowCounts = [_w30.N, _w4h.N, _w24h.N, _n5, _nPrev5];
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
        _w30.N = s.WindowCounts[0];
        _w4h.N = s.WindowCounts[1];
        _w24h.N = s.WindowCounts[2];
        _n5 = s.WindowCounts[3];
        _nPrev5 = s.WindowCounts[4];
        var sums = new CompensatedSum[s.WindowSums.Length];
        for (int i = 0; i < sums.Length; i++)
        {
            sums[i] = new CompensatedSum { Sum = s.WindowSums[i], Compensation = s.WindowCompensations[i] };
        }

        (_w30.Cvd, _w4h.Cvd, _w24h.Cvd, _cvd5, _cvdPrev5) = (sums[0], sums[1], sums[2], sums[3], sums[4]);
        (_w30.Qty, _w4h.Qty, _w24h.Qty) = (sums[5], sums[6], sums[7]);
        (_w30.Notional, _w4h.Notional, _w24h.Notional) = (sums[8], sums[9], sums[10]);
        (_largeBuy5, _largeSell5) = (sums[11], sums[12]);
    }

    // Layout of SymbolIndicatorsState.WindowSums (version 1): never reorder.
    private CompensatedSum[] Sums() =>
    [
        _w30.Cvd, _w4h.Cvd, _w24h.Cvd, _cvd5, _cvdPrev5,
        _w30.Qty, _w4h.Qty, _w24h.Qty,
        _w30.Notional, _w4h.Notional, _w24h.Notional,
        _largeBuy5, _largeSell5,
    ];

    /// <summary>The block <paramref name="index"/> (if it holds trades) leaves <paramref name="window"/>.</summary>
    private void Leave(ref FlowWindow window, long index)
    {
        ref Block b = ref _ring[(int)(index & Mask)];
        if (b.Index == index && b.Count != 0)
        {
            window.Add(-b.Count, -b.Delta, -b.Qty, -b.Notional);
        }
    }

    /// <summary>Trade count, CVD and VWAP sums of one window.</summary>
    private struct FlowWindow
    {
        public long N;
        public CompensatedSum Cvd;
        public CompensatedSum Qty;
        public CompensatedSum Notional;

        public readonly double? Vwap => N == 0 ? null : Notional.Value / Qty.Value;

        public void Add(long count, double delta, double qty, double notional)
        {
            N += count;
            Cvd.Add(delta);
            Qty.Add(qty);
            Notional.Add(notional);
        }

        // A zero-count window must read exactly 0 (and VWAP null), not the residue of its last subtraction.
        public void ResetIfEmpty()
        {
            if (N == 0)
            {
                Cvd.Reset();
                Qty.Reset();
                Notional.Reset();
            }
        }
    }
}
