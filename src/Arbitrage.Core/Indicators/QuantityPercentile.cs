using System.Runtime.CompilerServices;

namespace Arbitrage.Core.Indicators;

/// <summary>
/// Exact nearest-rank 99th percentile of trade quantity over the 24 h window, kept per 15 s block as
/// (distinct quantity, count) pairs — never per trade.
/// </summary>
/// <remarks>
/// <para>Why exact rather than an estimator: quantities on Binance are multiples of the symbol's step size, so a
/// 15 s block holds few distinct quantities (one popular size repeats many times). Storing (quantity, count)
/// per block is then as small as a histogram, and the answer is the exact §4 value — which also makes
/// LargeBuyQty/LargeSellQty (compared against it) exactly reproducible. The exact answer trivially lies
/// between the 98.5th and 99.5th percentiles.</para>
/// <para>Structure: the distinct quantities present in the window are "slots" holding their window count. Slots
/// hang off 16 384 log-scale bins (the top 8 mantissa bits of the double: 0.4 % wide, 2⁻³²…2³²; values outside
/// are clamped into the end bins, still ordered exactly) as lists sorted by value, descending. A cursor bin
/// with the number of elements above it moves a few bins per tick to the bin holding rank ⌈0.99·n⌉; the
/// value is then read by walking that bin's short list. Each block keeps a chain of (slot, count) entries so
/// that it can be subtracted when it leaves the window.</para>
/// <para>Memory: fixed bins (128 KB) + block heads (96 KB) + one entry per (block, distinct quantity) + one
/// slot per distinct quantity in the window. It does not grow with the number of trades; it grows with the
/// number of distinct quantities per block, which the exchange's step size bounds. (For arbitrary,
/// non-discrete doubles every trade is its own distinct value: then this is the exact fallback and memory is
/// bounded by the window's trades.) Arrays grow by doubling and are reused: no allocation in steady state.</para>
/// </remarks>
internal sealed class QuantityPercentile
{
    private const int MantissaBits = 8;
    private const int MinExponent = -32;
    private const int Octaves = 64;
    private const int BinCount = Octaves << MantissaBits;
    private const long BinBase = (1023L + MinExponent) << MantissaBits;
    private const int RingSize = 8192;
    private const int Mask = RingSize - 1;

    private readonly int[] _binCount = new int[BinCount];
    private readonly int[] _binHead = new int[BinCount];

    // Array-of-structs: a trade or an expiring entry touches one slot and one entry, i.e. one cache line each
    // (the entries being expired were written 24 h ago and are cold).
    private struct Slot
    {
        public double Value;
        public long LastBlock;
        public int Count;
        public int Bin;
        public int Next;
        public int Prev;
        public int LastEntry;
    }

    private struct Entry
    {
        public int Slot;
        public int Count;
        public int Next;
    }

    private Slot[] _slots = new Slot[1024];
    private int _slotsUsed;
    private int _freeSlot = -1;

    private Entry[] _entries = new Entry[4096];
    private int _entriesUsed;
    private int _freeEntry = -1;

    private readonly long[] _blockIndex = new long[RingSize];
    private readonly int[] _blockHead = new int[RingSize];

    private long _count;
    private int _cursor = BinCount - 1;
    private long _above; // elements in bins above the cursor

    private long _lastBits = -1;
    private int _lastSlot = -1;

    public QuantityPercentile()
    {
        Array.Fill(_binHead, -1);
        Array.Fill(_blockIndex, long.MinValue);
        Array.Fill(_blockHead, -1);
    }

    /// <summary>Quantities in the window.</summary>
    public long Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long block, double qty)
    {
        long bits = BitConverter.DoubleToInt64Bits(qty);
        int slot = bits == _lastBits ? _lastSlot : FindOrCreateSlot(qty, bits);
        _slots[slot].Count++;
        int bin = _slots[slot].Bin;
        _binCount[bin]++;
        _count++;
        if (bin > _cursor)
        {
            _above++;
        }

        if (_slots[slot].LastBlock == block)
        {
            _entries[_slots[slot].LastEntry].Count++;
        }
        else
        {
            AddEntry(block, slot, 1);
        }
    }

    /// <summary>Removes a block that has left the window.</summary>
    public void Expire(long block)
    {
        int pos = (int)(block & Mask);
        if (_blockIndex[pos] != block)
        {
            return;
        }

        int e = _blockHead[pos];
        while (e >= 0)
        {
            int slot = _entries[e].Slot;
            int c = _entries[e].Count;
            int bin = _slots[slot].Bin;
            _binCount[bin] -= c;
            _count -= c;
            if (bin > _cursor)
            {
                _above -= c;
            }

            if ((_slots[slot].Count -= c) == 0)
            {
                FreeSlot(slot);
            }

            int next = _entries[e].Next;
            _entries[e].Next = _freeEntry;
            _freeEntry = e;
            e = next;
        }

        _blockHead[pos] = -1;
        _blockIndex[pos] = long.MinValue;
    }

    /// <summary>The nearest-rank 99th percentile, <c>ceil(0.99·n)</c>-th smallest; false when the window is empty.</summary>
    public bool TryGetP99(out double value)
    {
        long n = _count;
        if (n == 0)
        {
            value = 0;
            return false;
        }

        long rank = (99 * n + 99) / 100; // ceil(0.99·n) in exact integer arithmetic
        long fromTop = n - rank + 1;
        while (true)
        {
            if (_above >= fromTop)
            {
                _cursor++;
                _above -= _binCount[_cursor];
            }
            else if (_above + _binCount[_cursor] < fromTop)
            {
                _above += _binCount[_cursor];
                _cursor--;
            }
            else
            {
                break;
            }
        }

        long r = fromTop - _above;
        int s = _binHead[_cursor];
        while (r > _slots[s].Count)
        {
            r -= _slots[s].Count;
            s = _slots[s].Next;
        }

        value = _slots[s].Value;
        return true;
    }

    private static int BinOf(long bits)
    {
        long bin = (bits >> (52 - MantissaBits)) - BinBase;
        return bin < 0 ? 0 : bin >= BinCount ? BinCount - 1 : (int)bin;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per trade, not inlined (see SymbolIndicators.OnTrades)
    private int FindOrCreateSlot(double qty, long bits)
    {
        int bin = BinOf(bits);
        int prev = -1;
        int s = _binHead[bin];
        while (s >= 0 && _slots[s].Value > qty)
        {
            prev = s;
            s = _slots[s].Next;
        }

        if (s < 0 || _slots[s].Value != qty)
        {
            int fresh = NewSlot();
            _slots[fresh].Value = qty;
            _slots[fresh].Count = 0;
            _slots[fresh].Bin = bin;
            _slots[fresh].LastBlock = long.MinValue;
            _slots[fresh].Prev = prev;
            _slots[fresh].Next = s;
            if (s >= 0)
            {
                _slots[s].Prev = fresh;
            }

            if (prev >= 0)
            {
                _slots[prev].Next = fresh;
            }
            else
            {
                _binHead[bin] = fresh;
            }

            s = fresh;
        }

        _lastBits = bits;
        _lastSlot = s;
        return s;
    }

    private void FreeSlot(int slot)
    {
        int prev = _slots[slot].Prev;
        int next = _slots[slot].Next;
        if (prev >= 0)
        {
            _slots[prev].Next = next;
        }
        else
        {
            _binHead[_slots[slot].Bin] = next;
        }

        if (next >= 0)
        {
            _slots[next].Prev = prev;
        }

        if (_lastSlot == slot)
        {
            _lastSlot = -1;
            _lastBits = -1;
        }

        _slots[slot].Next = _freeSlot;
        _freeSlot = slot;
    }

    private int NewSlot()
    {
        if (_freeSlot >= 0)
        {
            int s = _freeSlot;
            _freeSlot = _slots[s].Next;
            return s;
        }

        if (_slotsUsed == _slots.Length)
        {
            Array.Resize(ref _slots, _slotsUsed * 2);
        }

        return _slotsUsed++;
    }

    private void AddEntry(long block, int slot, int count)
    {
        int e;
        if (_freeEntry >= 0)
        {
            e = _freeEntry;
            _freeEntry = _entries[e].Next;
        }
        else
        {
            if (_entriesUsed == _entries.Length)
            {
                Array.Resize(ref _entries, _entriesUsed * 2);
            }

            e = _entriesUsed++;
        }

        int pos = (int)(block & Mask);
        if (_blockIndex[pos] != block)
        {
            // The slot's previous block (block − 8192·k) left the window long ago and was expired.
            _blockIndex[pos] = block;
            _blockHead[pos] = -1;
        }

        _entries[e].Slot = slot;
        _entries[e].Count = count;
        _entries[e].Next = _blockHead[pos];
        _blockHead[pos] = e;
        _slots[slot].LastBlock = block;
        _slots[slot].LastEntry = e;
    }

    /// <summary>Approximate bytes held, for diagnostics and the memory benchmark.</summary>
    internal long HeldBytes =>
        (long)BinCount * 8 + RingSize * 12L + _slots.Length * 40L + _entries.Length * 12L;

    internal void CaptureInto(SymbolIndicatorsStateBuilder s)
    {
        for (int pos = 0; pos < RingSize; pos++)
        {
            if (_blockIndex[pos] == long.MinValue || _blockHead[pos] < 0)
            {
                continue;
            }

            int entries = 0;
            for (int e = _blockHead[pos]; e >= 0; e = _entries[e].Next)
            {
                s.QuantileValues.Add(_slots[_entries[e].Slot].Value);
                s.QuantileCounts.Add(_entries[e].Count);
                entries++;
            }

            s.QuantileBlockIndex.Add(_blockIndex[pos]);
            s.QuantileBlockEntries.Add(entries);
        }
    }

    internal void RestoreFrom(SymbolIndicatorsState s)
    {
        int k = 0;
        for (int b = 0; b < s.QuantileBlockIndex.Length; b++)
        {
            long block = s.QuantileBlockIndex[b];
            for (int i = 0; i < s.QuantileBlockEntries[b]; i++, k++)
            {
                double qty = s.QuantileValues[k];
                int c = s.QuantileCounts[k];
                int slot = FindOrCreateSlot(qty, BitConverter.DoubleToInt64Bits(qty));
                _slots[slot].Count += c;
                int bin = _slots[slot].Bin;
                _binCount[bin] += c;
                _count += c;
                if (bin > _cursor)
                {
                    _above += c;
                }

                AddEntry(block, slot, c);
            }
        }
    }
}
