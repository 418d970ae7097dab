namespace Arbitrage.Core.Backtest;

/// <summary>
/// A report's equity curve as its plots draw it: (time, value, drawdown) where the value starts at <c>start</c> and adds
/// each result's PnL in order, and the drawdown is the running peak (starting at <c>start</c>) minus the value. The
/// signal backtest plots the paper balance (start = the starting balance); the triangle and carry reports the
/// cumulative PnL (start = 0). Shared so every report's equity.png and drawdown.png mean the same.
/// </summary>
public static class PnlCurve
{
    /// <param name="start">The value before the first result, at <paramref name="firstMs"/>.</param>
    /// <param name="results">(time, PnL) in the order they add up.</param>
    /// <param name="lastMs">The curve's last point (the value held to the end of the run); not before the last result.</param>
    public static IReadOnlyList<(long TimeMs, decimal Value, decimal Drawdown)> Of(decimal start, long firstMs, IEnumerable<(long TimeMs, decimal Pnl)> results, long lastMs)
    {
        ArgumentNullException.ThrowIfNull(results);
        var points = new List<(long, decimal, decimal)> { (firstMs, start, 0m) };
        var value = start;
        var peak = start;
        foreach (var (time, pnl) in results)
        {
            value += pnl;
            peak = Math.Max(peak, value);
            points.Add((time, value, peak - value));
        }

        points.Add((Math.Max(lastMs, points[^1].Item1), value, peak - value));
        return points;
    }

    /// <summary>The largest drawdown of <see cref="Of"/>'s curve (≥ 0).</summary>
    public static decimal MaxDrawdown(IReadOnlyList<(long TimeMs, decimal Value, decimal Drawdown)> curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        return curve.Count == 0 ? 0m : curve.Max(p => p.Drawdown);
    }
}
