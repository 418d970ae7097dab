using System.Buffers;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using Arbitrage.Binance.Protocol;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Binance.Tapes;

/// <summary>
/// Reads Binance public-data aggTrades CSV (futures: 7 columns, spot: 8 with <c>is_best_match</c>),
/// with or without header, ms or µs timestamps, plain or inside a .zip. Parses spans of a pooled
/// byte buffer straight into <see cref="Trade"/>s: no string per row.
/// </summary>
internal sealed class AggTradeCsvReader : IDisposable
{
    private const long MicrosThreshold = 100_000_000_000_000; // > 1e14 is µs (year 5138 in ms)
    private static readonly double[] Pow10 =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];

    private readonly Stream _stream;
    private readonly IDisposable? _owner;
    private readonly string _path;
    private byte[] _buf;
    private int _pos;
    private int _len;
    private bool _eof;
    private bool _first = true;
    private long _line;

    private AggTradeCsvReader(Stream stream, IDisposable? owner, string path, string symbol)
    {
        _stream = stream;
        _owner = owner;
        _path = path;
        Symbol = symbol;
        _buf = ArrayPool<byte>.Shared.Rent(1 << 20);
    }

    public string Symbol { get; }

    public static AggTradeCsvReader Open(string path, string? symbol)
    {
        if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            var zip = ZipFile.OpenRead(path);
            var entry = zip.Entries.FirstOrDefault(e => e.Name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase));
            if (entry is null)
            {
                zip.Dispose();
                throw new TapeFormatException(path, 0, "the zip holds no .csv entry");
            }

            return new AggTradeCsvReader(entry.Open(), zip, path, symbol ?? SymbolFromFileName(entry.Name));
        }

        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return new AggTradeCsvReader(fs, null, path, symbol ?? SymbolFromFileName(Path.GetFileName(path)));
    }

    /// <summary><c>BTCUSD_PERP-aggTrades-2026-05-08.csv</c> → <c>BTCUSD_PERP</c>.</summary>
    public static string SymbolFromFileName(string fileName)
    {
        int i = fileName.IndexOf("-aggTrades", StringComparison.OrdinalIgnoreCase);
        if (i < 0)
        {
            i = fileName.IndexOf("-trades", StringComparison.OrdinalIgnoreCase);
        }

        if (i < 0)
        {
            i = fileName.IndexOf('.');
        }

        string symbol = i > 0 ? fileName[..i] : fileName;
        return SymbolTable.Shared.GetOrAdd(symbol.ToUpperInvariant());
    }

    /// <summary>Fills <paramref name="dest"/> with the next trades; returns how many (0 at the end).</summary>
    // Per-trade loop, entered a few times and run millions of times: optimized at first call, not after tier-0 + OSR
    // (a cold arbctl replay ran it as tier-0 code for most of its first seconds; see README, replay benchmark).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int ReadBatch(Span<Trade> dest)
    {
        int n = 0;
        while (n < dest.Length)
        {
            var span = _buf.AsSpan(_pos, _len - _pos);
            int nl = span.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line;
            if (nl >= 0)
            {
                line = span[..nl];
                _pos += nl + 1;
            }
            else if (!_eof)
            {
                Refill();
                continue;
            }
            else if (span.Length > 0)
            {
                line = span;
                _pos = _len;
            }
            else
            {
                break;
            }

            _line++;
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                continue;
            }

            if (_first)
            {
                _first = false;
                if ((uint)(line[0] - '0') > 9)
                {
                    continue; // header
                }
            }

            if (!TryParseRow(line, out dest[n]))
            {
                throw new TapeFormatException(_path, _line, $"not an aggTrades row: '{System.Text.Encoding.UTF8.GetString(line[..Math.Min(line.Length, 120)])}'");
            }

            n++;
        }

        return n;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _owner?.Dispose();
        if (_buf.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buf);
            _buf = [];
        }
    }

    private void Refill()
    {
        int rest = _len - _pos;
        if (_pos == 0 && rest == _buf.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buf.Length * 2); // a line longer than the buffer
            _buf.AsSpan(0, rest).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buf);
            _buf = bigger;
        }
        else if (rest > 0)
        {
            _buf.AsSpan(_pos, rest).CopyTo(_buf);
        }

        _pos = 0;
        _len = rest;
        while (_len < _buf.Length)
        {
            int read = _stream.Read(_buf, _len, _buf.Length - _len);
            if (read == 0)
            {
                _eof = true;
                break;
            }

            _len += read;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryParseRow(ReadOnlySpan<byte> l, out Trade trade)
    {
        trade = default;
        int i = 0;
        if (!ReadLong(l, ref i, out long id) || !Comma(l, ref i)
            || !ReadDouble(l, ref i, out double price) || !Comma(l, ref i)
            || !ReadDouble(l, ref i, out double qty) || !Comma(l, ref i)
            || !SkipField(l, ref i) || !SkipField(l, ref i)
            || !ReadLong(l, ref i, out long ts) || !Comma(l, ref i)
            || !ReadBool(l, ref i, out bool maker))
        {
            return false;
        }

        if (i < l.Length && l[i] != (byte)',')
        {
            return false; // spot's 8th column (is_best_match) follows a comma; anything else is garbage
        }

        trade = new Trade(id, price, qty, ts > MicrosThreshold ? ts / 1000 : ts, maker);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Comma(ReadOnlySpan<byte> l, ref int i)
    {
        if ((uint)i < (uint)l.Length && l[i] == (byte)',')
        {
            i++;
            return true;
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SkipField(ReadOnlySpan<byte> l, ref int i)
    {
        int c = l[i..].IndexOf((byte)',');
        if (c < 0)
        {
            return false;
        }

        i += c + 1;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadLong(ReadOnlySpan<byte> l, ref int i, out long value)
    {
        long v = 0;
        int start = i;
        while ((uint)i < (uint)l.Length)
        {
            uint d = (uint)(l[i] - '0');
            if (d > 9)
            {
                break;
            }

            v = (v * 10) + d;
            i++;
        }

        value = v;
        return i > start && i - start <= 18;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadDouble(ReadOnlySpan<byte> l, ref int i, out double value)
    {
        int start = i;
        ulong m = 0;
        int scale = 0;
        bool dot = false;
        while ((uint)i < (uint)l.Length)
        {
            byte b = l[i];
            uint d = (uint)(b - '0');
            if (d <= 9)
            {
                m = (m * 10) + d;
                scale += dot ? 1 : 0;
            }
            else if (b == (byte)'.' && !dot)
            {
                dot = true;
            }
            else
            {
                break;
            }

            i++;
        }

        int len = i - start;
        if (len > 0 && len <= 19 && m <= (1UL << 53) && scale <= 18 && !(len == 1 && dot))
        {
            value = m / Pow10[scale];
            return true;
        }

        // Long, signed or exponent forms: let the exact parser decide.
        int end = l[start..].IndexOf((byte)',');
        end = end < 0 ? l.Length : start + end;
        i = end;
        return Utf8Number.TryParseDouble(l[start..end], out value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadBool(ReadOnlySpan<byte> l, ref int i, out bool value)
    {
        var rest = l[i..];
        if (rest.StartsWith("true"u8) || rest.StartsWith("True"u8) || rest.StartsWith("TRUE"u8))
        {
            value = true;
            i += 4;
            return true;
        }

        value = false;
        if (rest.StartsWith("false"u8) || rest.StartsWith("False"u8) || rest.StartsWith("FALSE"u8))
        {
            i += 5;
            return true;
        }

        return false;
    }
}
