using System.Text;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// The indicators CSV built while the replay runs: each tick is formatted to UTF-8 as it arrives (the collector
/// does it between batches, overlapping the feed) and kept as bytes per symbol, instead of keeping 576 k snapshot
/// objects alive for a formatting pass at the end. <see cref="WriteTo"/> merges the symbols' rows by
/// (time, symbol) — each symbol's ticks arrive in time order — so the file is the same whatever the interleaving.
/// </summary>
internal sealed class IndicatorCsvRows
{
    private const int ChunkBytes = 1 << 20;

    private readonly Dictionary<string, SymbolRows> _symbols = new(StringComparer.Ordinal);
    private SymbolRows? _last;

    public int Count { get; private set; }

    public void Append(IndicatorSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var rows = _last is not null && ReferenceEquals(_last.Symbol, snapshot.Symbol) ? _last : Rows(snapshot.Symbol);
        rows.Append(snapshot);
        _last = rows;
        Count++;
    }

    /// <summary>Header and every row, ordered by (time, symbol ordinal), each symbol's rows in arrival order.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Encoding.UTF8.GetBytes(ReplayCsv.IndicatorsHeader + "\n"));
        var symbols = _symbols.Values.Where(s => s.Count > 0).OrderBy(s => s.Symbol, StringComparer.Ordinal).ToArray();
        if (symbols.Length == 1)
        {
            symbols[0].WriteAll(stream);
            return;
        }

        // k-way merge; k (symbols) is small, so a linear scan for the head with the smallest (time, symbol).
        var heads = new int[symbols.Length];
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var at = 0;
            while (true)
            {
                var best = -1;
                for (var k = 0; k < symbols.Length; k++)
                {
                    if (heads[k] < symbols[k].Count && (best < 0 || symbols[k].TimeAt(heads[k]) < symbols[best].TimeAt(heads[best])))
                    {
                        best = k; // ties keep the lower k: symbols are in ordinal order
                    }
                }

                if (best < 0)
                {
                    break;
                }

                var row = symbols[best].RowAt(heads[best]++);
                if (buffer.Length - at < row.Length)
                {
                    stream.Write(buffer, 0, at);
                    at = 0;
                }

                row.CopyTo(buffer.AsSpan(at));
                at += row.Length;
            }

            stream.Write(buffer, 0, at);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private SymbolRows Rows(string symbol)
    {
        if (!_symbols.TryGetValue(symbol, out var rows))
        {
            rows = new SymbolRows(symbol);
            _symbols.Add(symbol, rows);
        }

        return rows;
    }

    /// <summary>One symbol's rows: UTF-8 in 1 MB chunks (a row never spans two) and (time, chunk, offset, length) per row.</summary>
    private sealed class SymbolRows(string symbol)
    {
        private readonly List<byte[]> _chunks = [];
        private readonly byte[] _symbolBytes = Encoding.UTF8.GetBytes(symbol);
        private RowRef[] _rows = new RowRef[1024];
        private int _used = ChunkBytes;

        public string Symbol { get; } = symbol;

        public int Count { get; private set; }

        public void Append(IndicatorSnapshot snapshot)
        {
            var room = ReplayCsv.MaxIndicatorRowBytes(_symbolBytes.Length);
            if (ChunkBytes - _used < room)
            {
                _chunks.Add(GC.AllocateUninitializedArray<byte>(Math.Max(ChunkBytes, room)));
                _used = 0;
            }

            var chunk = _chunks[^1];
            var length = ReplayCsv.FormatIndicatorRow(chunk.AsSpan(_used), _symbolBytes, snapshot.Values);
            if (Count == _rows.Length)
            {
                Array.Resize(ref _rows, _rows.Length * 2);
            }

            _rows[Count++] = new RowRef(snapshot.Values.TimeMs, _chunks.Count - 1, _used, length);
            _used += length;
        }

        public long TimeAt(int row) => _rows[row].TimeMs;

        public ReadOnlySpan<byte> RowAt(int row)
        {
            var r = _rows[row];
            return _chunks[r.Chunk].AsSpan(r.Offset, r.Length);
        }

        /// <summary>Rows are appended in order, so each chunk up to its last row's end is contiguous CSV.</summary>
        public void WriteAll(Stream stream)
        {
            var row = 0;
            for (var c = 0; c < _chunks.Count; c++)
            {
                var start = row;
                while (row < Count && _rows[row].Chunk == c)
                {
                    row++;
                }

                if (row > start)
                {
                    var last = _rows[row - 1];
                    stream.Write(_chunks[c], 0, last.Offset + last.Length);
                }
            }
        }

        private readonly record struct RowRef(long TimeMs, int Chunk, int Offset, int Length);
    }
}
