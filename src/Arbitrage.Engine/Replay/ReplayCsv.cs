using System.Globalization;
using System.Text;
using Arbitrage.Core.Indicators;
using Arbitrage.Core.Strategies;
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
            .Append(s.Direction == Core.Execution.Direction.Long ? "long" : "short").Append(',')
            .Append(Number(s.Score)).Append(',')
            .Append(Number(s.Entry)).Append(',')
            .Append(Number(s.StopLoss)).Append(',')
            .Append(Number(s.TakeProfit1)).Append(',')
            .Append(Number(s.TakeProfit2)).Append(',')
            .Append(Quote(s.BreakdownJson())).Append('\n');
    }

    /// <summary>
    /// One indicators row (with its '\n') straight to UTF-8 into <paramref name="row"/> (at least
    /// <see cref="MaxIndicatorRowBytes"/> long); returns the bytes written. Exactly the bytes of
    /// <see cref="AppendIndicatorRow"/>, without a string per field.
    /// </summary>
    internal static int FormatIndicatorRow(Span<byte> row, ReadOnlySpan<byte> symbol, in IndicatorValues v)
    {
        var n = 0;
        Long(row, ref n, v.TimeMs);
        row[n++] = (byte)',';
        symbol.CopyTo(row[n..]);
        n += symbol.Length;
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

    /// <summary>Room for any row: two longs (≤ 20 bytes each), the symbol, nine doubles (≤ 24 each), separators.</summary>
    internal static int MaxIndicatorRowBytes(int symbolBytes) => (2 * 20) + symbolBytes + (9 * ShortestDouble.MaxFiniteLength) + 16;

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
