using System.Globalization;
using System.IO.Compression;
using System.Text;
using Arbitrage.Binance.Protocol;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Binance.Tapes;

/// <summary>
/// Reads every tape format we hold (see README.md here) as raw frames for replay, or as trades for
/// the indicators. Errors are <see cref="TapeFormatException"/>s naming the file and line.
/// </summary>
public static class TapeReader
{
    /// <summary>Sniffs the first line (through gzip if needed); falls back to the file name.</summary>
    public static TapeFormat Detect(string path)
    {
        string name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".zip", StringComparison.Ordinal))
        {
            return TapeFormat.AggTradesCsv;
        }

        string first;
        using (var reader = OpenText(path))
        {
            first = reader.ReadLine() ?? "";
        }

        first = first.TrimStart('\uFEFF');
        if (first.StartsWith('{'))
        {
            return TapeFormat.Jsonl;
        }

        if (first.StartsWith("wss://", StringComparison.Ordinal) || first.StartsWith("ws://", StringComparison.Ordinal)
            || first.StartsWith("http", StringComparison.Ordinal))
        {
            return TapeFormat.Cryptofeed;
        }

        if (first.StartsWith("agg_trade_id", StringComparison.Ordinal))
        {
            return TapeFormat.AggTradesCsv;
        }

        int i = 0;
        while (i < first.Length && (char.IsAsciiDigit(first[i]) || first[i] == '.'))
        {
            i++;
        }

        if (i > 0 && i < first.Length)
        {
            switch (first[i])
            {
                case ',': return TapeFormat.AggTradesCsv;
                case ':': return TapeFormat.Cryptofeed;
                case ' ': return TapeFormat.HftBacktest;
            }
        }

        return name switch
        {
            _ when name.EndsWith(".hftbt.gz", StringComparison.Ordinal) => TapeFormat.HftBacktest,
            _ when name.EndsWith(".cryptofeed.txt", StringComparison.Ordinal) => TapeFormat.Cryptofeed,
            _ when name.EndsWith(".jsonl", StringComparison.Ordinal) || name.EndsWith(".jsonl.gz", StringComparison.Ordinal) => TapeFormat.Jsonl,
            _ when name.EndsWith(".csv", StringComparison.Ordinal) => TapeFormat.AggTradesCsv,
            _ => TapeFormat.Unknown,
        };
    }

    /// <summary>All payloads of a tape in file order. CSV rows become futures-layout aggTrade frames.</summary>
    public static IEnumerable<TapeFrame> ReadFrames(string path) => Detect(path) switch
    {
        TapeFormat.AggTradesCsv => CsvFrames(path, null),
        TapeFormat.HftBacktest => LineFrames(path, TapeFormat.HftBacktest),
        TapeFormat.Cryptofeed => LineFrames(path, TapeFormat.Cryptofeed),
        TapeFormat.Jsonl => LineFrames(path, TapeFormat.Jsonl),
        _ => throw new TapeFormatException(path, 1, "unknown tape format (expected aggTrades CSV/zip, .hftbt.gz, .cryptofeed.txt or JSONL)"),
    };

    /// <summary>
    /// Trades in file order: aggTrade frames as they are, raw <c>trade</c> frames as one-fill
    /// aggTrades (<c>a := t</c>); CSV symbols come from the file name.
    /// </summary>
    public static IEnumerable<SymbolTrade> ReadTrades(string path) => ReadTrades(path, symbol: null);

    /// <summary>As <see cref="ReadTrades(string)"/>, with the symbol of a CSV tape given explicitly.</summary>
    public static IEnumerable<SymbolTrade> ReadTrades(string path, string? symbol)
    {
        if (Detect(path) == TapeFormat.AggTradesCsv)
        {
            return CsvTrades(path, symbol);
        }

        return FrameTrades(path);
    }

    /// <summary>Fast path: trades delivered in batches of one symbol (a symbol change flushes the batch).</summary>
    public static void ReadTrades(string path, ITradeBatchSink sink, int batchSize = 4096) => ReadTrades(path, null, sink, batchSize);

    public static void ReadTrades(string path, string? symbol, ITradeBatchSink sink, int batchSize = 4096)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ReadTrades(path, symbol, new ReusedBuffer(sink, batchSize), batchSize);
    }

    /// <summary>As <see cref="ReadTrades(string, string?, ITradeBatchSink, int)"/>, parsing into the sink's own buffers (no copy).</summary>
    public static void ReadTrades(string path, string? symbol, ITradeBufferSink sink, int batchSize = 4096)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (Detect(path) == TapeFormat.AggTradesCsv)
        {
            using var reader = AggTradeCsvReader.Open(path, symbol);
            while (true)
            {
                var buffer = sink.Rent(batchSize);
                var n = reader.ReadBatch(buffer.AsSpan(0, batchSize));
                if (n == 0)
                {
                    sink.Return(buffer);
                    return;
                }

                sink.OnBatch(reader.Symbol, buffer, n);
            }
        }

        string? current = null;
        var count = 0;
        var batch = sink.Rent(batchSize);
        foreach (var t in FrameTrades(path))
        {
            if ((object?)t.Symbol != current || count == batchSize)
            {
                if (count > 0)
                {
                    sink.OnBatch(current!, batch, count);
                    batch = sink.Rent(batchSize);
                }

                current = t.Symbol;
                count = 0;
            }

            batch[count++] = t.Trade;
        }

        if (count > 0)
        {
            sink.OnBatch(current!, batch, count);
        }
        else
        {
            sink.Return(batch);
        }
    }

    /// <summary>A span sink over one reused buffer: each batch is handed over as a span, valid during the call.</summary>
    private sealed class ReusedBuffer(ITradeBatchSink sink, int batchSize) : ITradeBufferSink
    {
        private readonly Trade[] _buffer = new Trade[batchSize];

        public Trade[] Rent(int minimumLength) => _buffer;

        public void OnBatch(string symbol, Trade[] buffer, int count) => sink.OnBatch(symbol, buffer.AsSpan(0, count));

        public void Return(Trade[] buffer)
        {
            // The one buffer is reused; nothing to give back.
        }
    }

    private static IEnumerable<SymbolTrade> CsvTrades(string path, string? symbol)
    {
        using var reader = AggTradeCsvReader.Open(path, symbol);
        var batch = new Trade[1024];
        int n;
        while ((n = reader.ReadBatch(batch)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                yield return new SymbolTrade(reader.Symbol, batch[i]);
            }
        }
    }

    private static IEnumerable<SymbolTrade> FrameTrades(string path)
    {
        var symbols = SymbolTable.Shared;
        byte[] buf = new byte[4096];
        long index = 0;
        foreach (var frame in ReadFrames(path))
        {
            index++;
            int max = Encoding.UTF8.GetMaxByteCount(frame.Json.Length);
            if (buf.Length < max)
            {
                buf = new byte[Math.Max(max, buf.Length * 2)];
            }

            var bytes = buf.AsSpan(0, Encoding.UTF8.GetBytes(frame.Json, buf));
            switch (MarketFrame.Classify(bytes))
            {
                case FrameKind.AggTrade:
                    if (!AggTradeFrame.TryParse(bytes, symbols, out var agg, out var e1))
                    {
                        throw new TapeFormatException(path, index, $"bad aggTrade frame: {e1}");
                    }

                    yield return new SymbolTrade(agg.Symbol, agg.ToTrade());
                    break;
                case FrameKind.Trade:
                    if (!TradeFrame.TryParse(bytes, symbols, out var raw, out var e2))
                    {
                        throw new TapeFormatException(path, index, $"bad trade frame: {e2}");
                    }

                    yield return new SymbolTrade(raw.Symbol, raw.ToTrade());
                    break;
            }
        }
    }

    private static IEnumerable<TapeFrame> CsvFrames(string path, string? symbol)
    {
        Stream stream;
        IDisposable? owner = null;
        string sym;
        if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            var zip = ZipFile.OpenRead(path);
            owner = zip;
            var entry = zip.Entries.FirstOrDefault(e => e.Name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                ?? throw new TapeFormatException(path, 0, "the zip holds no .csv entry");
            stream = entry.Open();
            sym = symbol ?? AggTradeCsvReader.SymbolFromFileName(entry.Name);
        }
        else
        {
            stream = File.OpenRead(path);
            sym = symbol ?? AggTradeCsvReader.SymbolFromFileName(Path.GetFileName(path));
        }

        string streamName = sym.ToLowerInvariant() + "@aggTrade";
        using (owner)
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            long lineNo = 0;
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                lineNo++;
                if (line.Length == 0 || (lineNo == 1 && !char.IsAsciiDigit(line[0])))
                {
                    continue;
                }

                var f = line.Split(',');
                if (f.Length < 7 || !long.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out long ts)
                    || !bool.TryParse(f[6], out bool maker))
                {
                    throw new TapeFormatException(path, lineNo, $"not an aggTrades row: '{line}'");
                }

                if (ts > 100_000_000_000_000)
                {
                    ts /= 1000;
                }

                string json = $"{{\"e\":\"aggTrade\",\"E\":{ts},\"s\":\"{sym}\",\"a\":{f[0]},\"p\":\"{f[1]}\",\"q\":\"{f[2]}\",\"f\":{f[3]},\"l\":{f[4]},\"T\":{ts},\"m\":{(maker ? "true" : "false")}}}";
                yield return new TapeFrame(ts, streamName, json);
            }
        }
    }

    private static IEnumerable<TapeFrame> LineFrames(string path, TapeFormat format)
    {
        using var reader = OpenText(path);
        long lineNo = 0;
        string? line;
        byte[] buf = new byte[4096];
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0)
            {
                continue;
            }

            TapeFrame? frame = format switch
            {
                TapeFormat.HftBacktest => ParseHftLine(path, lineNo, line, ref buf),
                TapeFormat.Cryptofeed => ParseCryptofeedLine(path, lineNo, line, ref buf),
                _ => ParseJsonlLine(path, lineNo, line, ref buf),
            };
            if (frame is not null)
            {
                yield return frame;
            }
        }
    }

    private static TapeFrame ParseHftLine(string path, long lineNo, string line, ref byte[] buf)
    {
        int sp = line.IndexOf(' ');
        if (sp <= 0 || !long.TryParse(line.AsSpan(0, sp), NumberStyles.None, CultureInfo.InvariantCulture, out long ts))
        {
            throw new TapeFormatException(path, lineNo, "expected '<local timestamp> <json>'");
        }

        // ns in the 2024 collector files, µs in 2023; ms accepted too.
        long ms = ts > 100_000_000_000_000_000 ? ts / 1_000_000 : ts > 100_000_000_000_000 ? ts / 1000 : ts;
        return Unwrap(path, lineNo, ms, null, line.AsSpan(sp + 1), ref buf);
    }

    private static TapeFrame? ParseCryptofeedLine(string path, long lineNo, string line, ref byte[] buf)
    {
        string? url = null;
        var rest = line.AsSpan();
        if (line.StartsWith("ws", StringComparison.Ordinal))
        {
            return null; // the stream URL (and reconnect markers)
        }

        if (line.StartsWith("http", StringComparison.Ordinal))
        {
            int arrow = line.IndexOf(" -> ", StringComparison.Ordinal);
            if (arrow < 0)
            {
                throw new TapeFormatException(path, lineNo, "expected '<url> -> <unix secs>: <json>'");
            }

            url = line[..arrow];
            rest = rest[(arrow + 4)..];
        }

        int colon = rest.IndexOf(": ");
        if (colon <= 0 || !double.TryParse(rest[..colon], NumberStyles.Float, CultureInfo.InvariantCulture, out double secs))
        {
            throw new TapeFormatException(path, lineNo, "expected '<unix secs>: <json>'");
        }

        var json = rest[(colon + 2)..];
        long ms = (long)Math.Round(secs * 1000);
        if (url is not null)
        {
            return new TapeFrame(ms, url, json.ToString());
        }

        return Unwrap(path, lineNo, ms, null, json, ref buf);
    }

    private static TapeFrame ParseJsonlLine(string path, long lineNo, string line, ref byte[] buf)
    {
        var bytes = Encode(line, ref buf);
        if (!JsonlTapeLine.TryParse(bytes, out long recv, out var stream, out bool streamNull, out var frame))
        {
            throw new TapeFormatException(path, lineNo, "expected {\"recv_ms\":<ms>,\"stream\":<name|null>,\"frame\":{...}}");
        }

        return new TapeFrame(recv, streamNull ? null : Encoding.UTF8.GetString(stream), Encoding.UTF8.GetString(frame));
    }

    private static TapeFrame Unwrap(string path, long lineNo, long ms, string? stream, ReadOnlySpan<char> json, ref byte[] buf)
    {
        var bytes = Encode(json, ref buf);
        if (!StreamEnvelope.TryUnwrap(bytes, out var name, out var data))
        {
            throw new TapeFormatException(path, lineNo, "malformed combined-stream wrapper");
        }

        if (name.IsEmpty)
        {
            return new TapeFrame(ms, stream, json.ToString());
        }

        return new TapeFrame(ms, Encoding.UTF8.GetString(name), Encoding.UTF8.GetString(data));
    }

    private static ReadOnlySpan<byte> Encode(ReadOnlySpan<char> text, ref byte[] buf)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (buf.Length < max)
        {
            buf = new byte[Math.Max(max, buf.Length * 2)];
        }

        return buf.AsSpan(0, Encoding.UTF8.GetBytes(text, buf));
    }

    private static StreamReader OpenText(string path)
    {
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Stream s = fs;
        if (fs.Length >= 2)
        {
            int b0 = fs.ReadByte(), b1 = fs.ReadByte();
            fs.Position = 0;
            if (b0 == 0x1f && b1 == 0x8b)
            {
                s = new GZipStream(fs, CompressionMode.Decompress);
            }
        }

        return new StreamReader(s, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }
}
