using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// The indicators CSV built while the replay runs: each tick is formatted to UTF-8 as it arrives (the collector
/// does it between batches, overlapping the feed) and appended to a part file per symbol beside the output, so
/// memory stays bounded by a buffer per symbol whatever the tape length. <see cref="Complete"/> merges the parts
/// by (time, symbol) — each symbol's ticks arrive in time order — into the output (one symbol: its part is the
/// output, moved into place), so the file is the same whatever the interleaving of the symbols' actors.
/// </summary>
internal sealed class IndicatorCsvRows : IDisposable
{
    private const int BufferBytes = 1 << 20;
    private static readonly byte[] Header = Encoding.UTF8.GetBytes(ReplayCsv.IndicatorsHeader + "\n");

    private readonly string _parts;
    private readonly Dictionary<string, SymbolPart> _symbols = new(StringComparer.Ordinal);
    private SymbolPart? _last;

    /// <param name="output">The CSV to write; the parts live in a hidden directory beside it (same file system).</param>
    public IndicatorCsvRows(string output)
    {
        Output = Path.GetFullPath(output);
        var directory = Path.GetDirectoryName(Output)!;
        Directory.CreateDirectory(directory);
        _parts = Path.Combine(directory, $".{Path.GetFileName(Output)}.parts-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_parts);
    }

    public string Output { get; }

    public int Count { get; private set; }

    public void Append(IndicatorSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var part = _last is not null && ReferenceEquals(_last.Symbol, snapshot.Symbol) ? _last : Part(snapshot.Symbol);
        part.Append(snapshot);
        _last = part;
        Count++;
    }

    /// <summary>Writes <see cref="Output"/> (replacing it atomically): header and every row by (time, symbol ordinal).</summary>
    public void Complete()
    {
        var parts = _symbols.Values.OrderBy(p => p.Symbol, StringComparer.Ordinal).ToArray();
        foreach (var part in parts)
        {
            part.Close();
        }

        var tmp = Output + ".tmp";
        if (parts.Length == 1)
        {
            File.Move(parts[0].Path, tmp, overwrite: true);
        }
        else
        {
            Merge(parts, tmp);
        }

        File.Move(tmp, Output, overwrite: true);
    }

    public void Dispose()
    {
        foreach (var part in _symbols.Values)
        {
            part.Close();
        }

        try
        {
            Directory.Delete(_parts, recursive: true);
        }
        catch (IOException)
        {
            // Hidden temp parts beside the output; leaving them behind is harmless.
        }
    }

    /// <summary>k-way merge of the parts (k = symbols, small: a linear scan for the smallest head; ties keep symbol order).</summary>
    private static void Merge(SymbolPart[] parts, string target)
    {
        var readers = parts.Select(p => new PartReader(p.Path)).ToArray();
        try
        {
            using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, BufferBytes);
            output.Write(Header);
            while (true)
            {
                var best = -1;
                for (var k = 0; k < readers.Length; k++)
                {
                    if (readers[k].HasRow && (best < 0 || readers[k].TimeMs < readers[best].TimeMs))
                    {
                        best = k;
                    }
                }

                if (best < 0)
                {
                    return;
                }

                output.Write(readers[best].Row);
                readers[best].Next();
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    private SymbolPart Part(string symbol)
    {
        if (!_symbols.TryGetValue(symbol, out var part))
        {
            part = new SymbolPart(symbol, Path.Combine(_parts, $"{_symbols.Count}.csv"));
            _symbols.Add(symbol, part);
        }

        return part;
    }

    /// <summary>One symbol's rows: formatted into a pooled buffer, appended to its part file (which starts with the header) when full.</summary>
    private sealed class SymbolPart
    {
        private readonly byte[] _symbolBytes;
        private FileStream? _file;
        private byte[]? _buffer;
        private int _used;

        public SymbolPart(string symbol, string path)
        {
            Symbol = symbol;
            Path = path;
            _symbolBytes = Encoding.UTF8.GetBytes(symbol);
            _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
            Header.CopyTo(_buffer, 0);
            _used = Header.Length;
        }

        public string Symbol { get; }

        public string Path { get; }

        public void Append(IndicatorSnapshot snapshot)
        {
            var buffer = _buffer ?? throw new InvalidOperationException($"indicator rows of {Symbol} are already complete");
            if (buffer.Length - _used < ReplayCsv.MaxIndicatorRowBytes(_symbolBytes.Length))
            {
                _file!.Write(buffer, 0, _used);
                _used = 0;
            }

            _used += ReplayCsv.FormatIndicatorRow(buffer.AsSpan(_used), _symbolBytes, snapshot.Values);
        }

        public void Close()
        {
            if (_buffer is { } buffer)
            {
                _file!.Write(buffer, 0, _used);
                ArrayPool<byte>.Shared.Return(buffer);
                _buffer = null;
            }

            _file?.Dispose();
            _file = null;
        }
    }

    /// <summary>Reads a part's rows one line at a time (after its header) with the leading <c>time_ms</c> parsed.</summary>
    private sealed class PartReader : IDisposable
    {
        private readonly FileStream _file;
        private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        private int _start;
        private int _end;
        private int _length;
        private bool _eof;

        public PartReader(string path)
        {
            _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
            Next(); // the header
            Next();
        }

        public bool HasRow { get; private set; }

        public long TimeMs { get; private set; }

        public ReadOnlySpan<byte> Row => _buffer.AsSpan(_start, _end - _start);

        public void Next()
        {
            _start = _end;
            var newline = _buffer.AsSpan(_start, _length - _start).IndexOf((byte)'\n');
            if (newline < 0 && !_eof)
            {
                Refill();
                newline = _buffer.AsSpan(_start, _length - _start).IndexOf((byte)'\n');
            }

            if (newline < 0)
            {
                HasRow = false;
                return;
            }

            _end = _start + newline + 1;
            HasRow = true;
            TimeMs = Utf8Parser.TryParse(Row, out long time, out _) ? time : long.MaxValue;
        }

        public void Dispose()
        {
            _file.Dispose();
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        private void Refill()
        {
            var rest = _length - _start;
            _buffer.AsSpan(_start, rest).CopyTo(_buffer);
            _start = 0;
            _end = 0;
            _length = rest;
            while (_length < _buffer.Length)
            {
                var read = _file.Read(_buffer, _length, _buffer.Length - _length);
                if (read == 0)
                {
                    _eof = true;
                    break;
                }

                _length += read;
            }
        }
    }
}
