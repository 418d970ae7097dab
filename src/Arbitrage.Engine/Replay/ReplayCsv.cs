using System.Globalization;
using System.Text;
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

    /// <summary>RFC 4180 quoting when a field holds a comma, quote or newline.</summary>
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
