using Arbitrage.Core.Execution;

namespace Arbitrage.Core.Backtest;

/// <summary>
/// The numbers of <c>summary.json</c> (issue 19), for all closed trades or one strategy's / one symbol's. Money sums are
/// <c>decimal</c> (they add the trades CSV's decimals exactly); ratios are <c>double</c>. A null is a value that is not
/// defined for the input (JSON has no Infinity or NaN: it is written as <c>null</c>).
/// <list type="bullet">
/// <item><c>win_rate</c> = wins / trades, a fraction in [0, 1] (a win: <c>pnl_usd &gt; 0</c>); null without trades.</item>
/// <item><c>pnl_usd</c>, <c>pnl_r</c>, <c>fees_usd</c>: sums over the trades (PnL is net of fees).</item>
/// <item><c>expectancy_r</c> = pnl_r / trades, the mean R per trade; null without trades.</item>
/// <item><c>profit_factor</c> = gross wins / |gross losses| (sums of the positive and of the negative <c>pnl_usd</c>);
/// null when there is no losing trade (no losses: infinite or undefined).</item>
/// <item><c>max_drawdown_usd</c> / <c>max_drawdown_r</c>: the largest fall from a running peak (starting at 0) of the
/// cumulative realised PnL in USD / in R, in trade exit order; 0 without trades. Both are ≥ 0.</item>
/// <item><c>sharpe</c>, <c>sortino</c>: from the daily returns of the paper balance over the UTC days from the day of
/// <c>first_ms</c> to the day of <c>last_ms</c> (both included, days without trades included). A day's balance is the
/// starting balance plus the PnL of the trades that exited by the end of that day; a day's return = (its closing balance
/// − the previous day's closing balance) / the previous day's closing balance (the first day's base is the starting
/// balance). Sharpe = mean / sample standard deviation (n − 1) × √365; Sortino = mean / √(mean over all days of
/// min(r, 0)²) × √365. Null with fewer than 2 days, a zero deviation, or a day whose base balance is ≤ 0.</item>
/// <item><c>calmar</c> = annualised return / max drawdown, both relative to the starting balance: (pnl_usd × 365 / days)
/// / max_drawdown_usd, days = the number of UTC days above (simple, not compounded, annualisation); null when the
/// max drawdown is 0.</item>
/// <item><c>exposure</c> = the share of the time from <c>first_ms</c> to <c>last_ms</c> with at least one position
/// open (the union of the trades' [entry, exit] intervals, clipped to that span), in [0, 1]; null when the span is empty.</item>
/// <item><c>avg_hold_minutes</c> = mean of (exit − entry) in minutes; null without trades.</item>
/// </list>
/// A strategy's or a symbol's Sharpe, Sortino, Calmar and exposure are computed as if it traded the whole paper account
/// alone: its trades on the same starting balance, over the same days.
/// </summary>
public sealed record BacktestMetrics(
    decimal StartingBalanceUsd,
    long FirstMs,
    long LastMs,
    int Trades,
    int Wins,
    double? WinRate,
    decimal PnlUsd,
    decimal PnlR,
    decimal FeesUsd,
    double? ExpectancyR,
    double? ProfitFactor,
    decimal MaxDrawdownUsd,
    decimal MaxDrawdownR,
    double? Sharpe,
    double? Sortino,
    double? Calmar,
    double? Exposure,
    double? AvgHoldMinutes)
{
    public const long DayMs = 86_400_000L;

    private static readonly double SqrtDaysPerYear = Math.Sqrt(365.0);

    /// <summary>The metrics of <paramref name="trades"/>.</summary>
    /// <param name="trades">Closed trades in exit order (the trades CSV's row order).</param>
    /// <param name="startingBalanceUsd">The paper account's balance before the first trade.</param>
    /// <param name="firstMs">The first tick's time (ms since the epoch).</param>
    /// <param name="lastMs">The last tick's time.</param>
    public static BacktestMetrics Of(IReadOnlyList<TradeClosed> trades, decimal startingBalanceUsd, long firstMs, long lastMs)
    {
        ArgumentNullException.ThrowIfNull(trades);
        if (lastMs < firstMs)
        {
            throw new ArgumentException($"last_ms {lastMs} is before first_ms {firstMs}", nameof(lastMs));
        }

        int wins = 0;
        decimal pnl = 0m, r = 0m, fees = 0m, grossWin = 0m, grossLoss = 0m;
        decimal peak = 0m, drawdown = 0m, peakR = 0m, drawdownR = 0m;
        double holdMinutes = 0;
        foreach (var t in trades)
        {
            if (t.PnlUsd > 0m)
            {
                wins++;
                grossWin += t.PnlUsd;
            }
            else if (t.PnlUsd < 0m)
            {
                grossLoss += t.PnlUsd;
            }

            pnl += t.PnlUsd;
            r += t.PnlR;
            fees += t.FeesUsd;
            peak = Math.Max(peak, pnl);
            drawdown = Math.Max(drawdown, peak - pnl);
            peakR = Math.Max(peakR, r);
            drawdownR = Math.Max(drawdownR, peakR - r);
            holdMinutes += (t.ExitTimeMs - t.EntryTimeMs) / 60_000.0;
        }

        var n = trades.Count;
        var returns = DailyReturns(trades, startingBalanceUsd, firstMs, lastMs);
        var days = DayCount(firstMs, lastMs);
        return new BacktestMetrics(
            startingBalanceUsd,
            firstMs,
            lastMs,
            n,
            wins,
            n == 0 ? null : (double)wins / n,
            pnl,
            r,
            fees,
            n == 0 ? null : (double)r / n,
            grossLoss == 0m ? null : (double)(grossWin / -grossLoss),
            drawdown,
            drawdownR,
            returns is null ? null : SharpeOf(returns),
            returns is null ? null : SortinoOf(returns),
            drawdown == 0m ? null : (double)pnl * 365.0 / days / (double)drawdown,
            ExposureOf(trades, firstMs, lastMs),
            n == 0 ? null : holdMinutes / n);
    }

    /// <summary>The UTC days from the day of <paramref name="firstMs"/> to the day of <paramref name="lastMs"/>, both included.</summary>
    public static int DayCount(long firstMs, long lastMs) => (int)(FloorDiv(lastMs, DayMs) - FloorDiv(firstMs, DayMs) + 1);

    /// <summary>
    /// The paper balance's daily returns (see the type's summary); null when a day's base balance is ≤ 0. A trade that
    /// exited outside the days counts on the nearest one.
    /// </summary>
    public static double[]? DailyReturns(IReadOnlyList<TradeClosed> trades, decimal startingBalanceUsd, long firstMs, long lastMs)
    {
        ArgumentNullException.ThrowIfNull(trades);
        var firstDay = FloorDiv(firstMs, DayMs);
        var days = DayCount(firstMs, lastMs);
        var dayPnl = new decimal[days];
        foreach (var t in trades)
        {
            var d = (int)Math.Clamp(FloorDiv(t.ExitTimeMs, DayMs) - firstDay, 0, days - 1);
            dayPnl[d] += t.PnlUsd;
        }

        var returns = new double[days];
        var balance = startingBalanceUsd;
        for (var d = 0; d < days; d++)
        {
            if (balance <= 0m)
            {
                return null;
            }

            returns[d] = (double)(dayPnl[d] / balance);
            balance += dayPnl[d];
        }

        return returns;
    }

    /// <summary>mean / sample standard deviation × √365; null with fewer than 2 returns or a zero deviation.</summary>
    public static double? SharpeOf(IReadOnlyList<double> returns)
    {
        ArgumentNullException.ThrowIfNull(returns);
        if (returns.Count < 2)
        {
            return null;
        }

        var mean = returns.Average();
        var variance = returns.Sum(x => (x - mean) * (x - mean)) / (returns.Count - 1);
        return variance > 0 ? mean / Math.Sqrt(variance) * SqrtDaysPerYear : null;
    }

    /// <summary>mean / √(mean of min(r, 0)²) × √365; null with fewer than 2 returns or no losing day.</summary>
    public static double? SortinoOf(IReadOnlyList<double> returns)
    {
        ArgumentNullException.ThrowIfNull(returns);
        if (returns.Count < 2)
        {
            return null;
        }

        var downside = Math.Sqrt(returns.Average(x => Math.Min(x, 0) * Math.Min(x, 0)));
        return downside > 0 ? returns.Average() / downside * SqrtDaysPerYear : null;
    }

    /// <summary>The share of [first, last] covered by the union of the trades' [entry, exit] intervals.</summary>
    public static double? ExposureOf(IReadOnlyList<TradeClosed> trades, long firstMs, long lastMs)
    {
        ArgumentNullException.ThrowIfNull(trades);
        if (lastMs <= firstMs)
        {
            return null;
        }

        long covered = 0, end = firstMs;
        foreach (var t in trades.OrderBy(t => t.EntryTimeMs))
        {
            var from = Math.Max(Math.Max(t.EntryTimeMs, firstMs), end);
            var to = Math.Min(t.ExitTimeMs, lastMs);
            if (to > from)
            {
                covered += to - from;
                end = to;
            }
        }

        return (double)covered / (lastMs - firstMs);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
