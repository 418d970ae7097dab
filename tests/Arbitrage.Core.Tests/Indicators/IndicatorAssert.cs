using Arbitrage.Core.Indicators;

namespace Arbitrage.Core.Tests.Indicators;

/// <summary>
/// Compares incremental ticks with the naive ones. Counts, ATR, ATR percentile, P99 and LastPrice must be
/// equal exactly; sums must agree to 1e-9 relative to the window's Σ|qty| (the scale of its rounding error,
/// which also covers a CVD that cancels to ~0); VWAP to 1e-9 relative to itself.
/// </summary>
internal static class IndicatorAssert
{
    public const double Tolerance = 1e-9;

    public static void Equal(NaiveIndicators naive, IReadOnlyList<IndicatorValues> actual, string context)
    {
        if (naive.Ticks.Count != actual.Count)
        {
            Assert.Fail($"{context}: {actual.Count} ticks, naive {naive.Ticks.Count}");
        }

        for (int i = 0; i < actual.Count; i++)
        {
            Equal(naive.Ticks[i], naive.Scales[i], actual[i], $"{context}, tick #{i}");
        }
    }

    public static void Equal(IndicatorValues e, NaiveScales s, IndicatorValues a, string context)
    {
        string where = $"{context} (t={e.TimeMs})";
        Check(e.TimeMs == a.TimeMs, where, "TimeMs", e.TimeMs, a.TimeMs);
        Check(e.Trades == a.Trades, where, "Trades", e.Trades, a.Trades);
        Close(e.Cvd30m, a.Cvd30m, s.Vol30m, where, "Cvd30m");
        Close(e.Cvd4h, a.Cvd4h, s.Vol4h, where, "Cvd4h");
        Close(e.Cvd24h, a.Cvd24h, s.Vol24h, where, "Cvd24h");
        CloseRatio(e.Vwap30m, a.Vwap30m, where, "Vwap30m");
        CloseRatio(e.Vwap4h, a.Vwap4h, where, "Vwap4h");
        CloseRatio(e.Vwap24h, a.Vwap24h, where, "Vwap24h");
        Check(Nullable.Equals(e.Atr, a.Atr), where, "Atr", e.Atr, a.Atr);
        Check(Nullable.Equals(e.AtrPercentile, a.AtrPercentile), where, "AtrPercentile", e.AtrPercentile, a.AtrPercentile);
        Check(Nullable.Equals(e.P99Qty, a.P99Qty), where, "P99Qty", e.P99Qty, a.P99Qty);
        Close(e.CvdAccel, a.CvdAccel, s.Vol10m, where, "CvdAccel");
        Close(e.LargeBuyQty, a.LargeBuyQty, s.Vol5m, where, "LargeBuyQty");
        Close(e.LargeSellQty, a.LargeSellQty, s.Vol5m, where, "LargeSellQty");
        Check(e.LastPrice.Equals(a.LastPrice), where, "LastPrice", e.LastPrice, a.LastPrice);
    }

    private static void Close(double expected, double actual, double scale, string where, string field) =>
        Check(Math.Abs(expected - actual) <= Tolerance * scale, where, field, expected, actual);

    private static void CloseRatio(double? expected, double? actual, string where, string field) =>
        Check(
            expected.HasValue == actual.HasValue
            && (!expected.HasValue || Math.Abs(expected.Value - actual!.Value) <= Tolerance * Math.Abs(expected.Value)),
            where, field, expected, actual);

    private static void Check(bool ok, string where, string field, object? expected, object? actual)
    {
        if (!ok)
        {
            Assert.Fail($"{where}: {field} expected {expected} but was {actual}");
        }
    }
}
