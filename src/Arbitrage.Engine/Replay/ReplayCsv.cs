using System.Buffers;
using System.Globalization;
using System.Text;
using Arbitrage.Core.Text;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// The replay's CSV outputs. Contracts (other tools read them): the headers below, one row per symbol per
/// tick / per signal, invariant culture, shortest round-trip doubles, empty field for null, '\n' line ends.
/// </summary>
public static class ReplayCsv
{
    public const string IndicatorsHeader = "time_ms,symbol,trades,cvd_30m,cvd_4h,cvd_24h,vwap_30m,vwap_4h,vwap_24h,atr,atr_pct,p99_qty";
    public const string SignalsHeader = "time_ms,symbol,strategy,direction,score,entry,sl,tp1,tp2,breakdown_json";

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Number(double? value) => value is { } v ? Number(v) : string.Empty;

    public static void AppendIndicatorRow(StringBuilder sb, IndicatorSnapshot s)
    {
        var v = s.Values;
        sb.Append(v.TimeMs.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(s.Symbol).Append(',')
            .Append(v.Trades.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(Number(v.Cvd30m)).Append(',')
            .Append(Number(v.Cvd4h)).Append(',')
            .Append(Number(v.Cvd24h)).Append(',')
            .Append(Number(v.Vwap30m)).Append(',')
            .Append(Number(v.Vwap4h)).Append(',')
            .Append(Number(v.Vwap24h)).Append(',')
            .Append(Number(v.Atr)).Append(',')
            .Append(Number(v.AtrPercentile)).Append(',')
            .Append(Number(v.P99Qty)).Append('\n');
    }

    public static void AppendSignalRow(StringBuilder sb, SignalEmitted s)
    {
        sb.Append(s.TimeMs.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(s.Symbol).Append(',')
            .Append(Quote(s.StrategyId)).Append(',')
            .Append(s.Direction.ToLowerInvariant()).Append(',')
            .Append(Number(s.Score)).Append(',')
            .Append(Number(s.Entry)).Append(',')
            .Append(Number(s.StopLoss)).Append(',')
            .Append(Number(s.TakeProfit1)).Append(',')
            .Append(Number(s.TakeProfit2)).Append(',')
            .Append(Quote(s.BreakdownJson())).Append('\n');
    }

    /// <summary>
    /// The indicators CSV (header + rows) straight to UTF-8: numbers are formatted into pooled byte buffers
    /// with the same invariant "R" formatting as <see cref="AppendIndicatorRow"/>, so the bytes are identical,
    /// without a string per field or a StringBuilder holding the whole file. Formatting is most of the cost and
    /// rows are independent, so blocks of rows are formatted on every core and written in order.
    /// </summary>
    public static void WriteIndicators(Stream stream, IReadOnlyList<IndicatorSnapshot> snapshots)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(snapshots);
        stream.Write(Encoding.UTF8.GetBytes(IndicatorsHeader + "\n"));
        const int rowsPerBlock = 16_384;
        var blocks = (snapshots.Count + rowsPerBlock - 1) / rowsPerBlock;
        var wave = Math.Max(1, Environment.ProcessorCount) * 2;
        var buffers = new byte[wave][];
        var lengths = new int[wave];
        try
        {
            for (var first = 0; first < blocks; first += wave)
            {
                var count = Math.Min(wave, blocks - first);
                Parallel.For(0, count, k =>
                {
                    var from = (first + k) * rowsPerBlock;
                    var to = Math.Min(from + rowsPerBlock, snapshots.Count);
                    lengths[k] = FormatBlock(snapshots, from, to, ref buffers[k]);
                });
                for (var k = 0; k < count; k++)
                {
                    stream.Write(buffers[k], 0, lengths[k]);
                }
            }
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }

    /// <summary>Rows [from, to) into <paramref name="buffer"/> (rented or grown from the pool); returns the bytes written.</summary>
    private static int FormatBlock(IReadOnlyList<IndicatorSnapshot> snapshots, int from, int to, ref byte[] buffer)
    {
        buffer ??= ArrayPool<byte>.Shared.Rent(1 << 20);
        var at = 0;
        for (var i = from; i < to; i++)
        {
            var s = snapshots[i];
            var room = MaxRowBytes + Encoding.UTF8.GetMaxByteCount(s.Symbol.Length);
            if (buffer.Length - at < room)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, at + room));
                buffer.AsSpan(0, at).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }

            at += FormatIndicatorRow(buffer.AsSpan(at), s);
        }

        return at;
    }

    /// <summary>A row without its symbol: two longs (≤ 20 bytes each), nine doubles (≤ 24 each), separators.</summary>
    private const int MaxRowBytes = 2 * 20 + (9 * 24) + 16;

    /// <summary>One indicators row (with its '\n') into <paramref name="row"/>; returns the bytes written.</summary>
    private static int FormatIndicatorRow(Span<byte> row, IndicatorSnapshot s)
    {
        var v = s.Values;
        var n = 0;
        Long(row, ref n, v.TimeMs);
        row[n++] = (byte)',';
        n += Encoding.UTF8.GetBytes(s.Symbol, row[n..]);
        row[n++] = (byte)',';
        Long(row, ref n, v.Trades);
        foreach (var value in (ReadOnlySpan<double?>)[v.Cvd30m, v.Cvd4h, v.Cvd24h, v.Vwap30m, v.Vwap4h, v.Vwap24h, v.Atr, v.AtrPercentile, v.P99Qty])
        {
            row[n++] = (byte)',';
            Double(row, ref n, value);
        }

        row[n++] = (byte)'\n';
        return n;
    }

    private static void Long(Span<byte> row, ref int n, long value)
    {
        if (!value.TryFormat(row[n..], out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("indicators row buffer too small");
        }

        n += written;
    }

    private static void Double(Span<byte> row, ref int n, double? value)
    {
        if (value is not { } v)
        {
            return;
        }

        // Byte-identical to v.TryFormat(…, "R", InvariantCulture) (property-tested), at a fraction of its cost:
        // nine doubles per row were most of a replay's output time.
        if (!ShortestDouble.TryFormat(v, row[n..], out var written))
        {
            throw new InvalidOperationException("indicators row buffer too small");
        }

        n += written;
    }

    /// <summary>RFC 4180 quoting when a field holds a comma, quote or newline.</summary>
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
