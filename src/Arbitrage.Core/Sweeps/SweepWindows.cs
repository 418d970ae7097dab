using Arbitrage.Core.Backtest;
using Arbitrage.Core.Execution;

namespace Arbitrage.Core.Sweeps;

/// <summary>A validation window: train [<see cref="TrainFromMs"/>, <see cref="TrainToMs"/>), then test [<see cref="TestFromMs"/>, <see cref="TestToMs"/>).</summary>
public sealed record SweepWindow(long TrainFromMs, long TrainToMs, long TestFromMs, long TestToMs);

/// <summary>
/// The validation windows over a replay's tick span, and a configuration's metrics in them. One replay runs over the
/// whole tapes (indicators and cooldowns warm up once, as they would live); its closed trades are then assigned to a
/// window by their entry time, and each window's <see cref="BacktestMetrics"/> are computed over that window's span.
/// </summary>
public static class SweepWindows
{
    /// <summary>
    /// Split: train from the first tick to first + share × span, test from there to the last tick. Walk-forward: train
    /// <see cref="SweepValidation.TrainMs"/> then test <see cref="SweepValidation.TestMs"/>, starting at the first tick and
    /// rolled by the test length, whole windows only (a tail shorter than a test is not tested). Empty when the span is
    /// shorter than one train + test.
    /// </summary>
    public static IReadOnlyList<SweepWindow> Of(SweepValidation validation, long firstMs, long lastMs)
    {
        ArgumentNullException.ThrowIfNull(validation);
        var end = lastMs + 1; // half-open windows that include the last tick
        if (!validation.WalkForward)
        {
            var boundary = firstMs + (long)Math.Round(validation.TrainShare * (end - firstMs));
            return boundary > firstMs && boundary < end ? [new SweepWindow(firstMs, boundary, boundary, end)] : [];
        }

        var windows = new List<SweepWindow>();
        for (var from = firstMs; from + validation.TrainMs + validation.TestMs <= end; from += validation.TestMs)
        {
            var boundary = from + validation.TrainMs;
            windows.Add(new SweepWindow(from, boundary, boundary, boundary + validation.TestMs));
        }

        return windows;
    }

    /// <summary>Train and test metrics of <paramref name="trades"/> (in exit order) in each window.</summary>
    public static IReadOnlyList<SweepWindowResult> Measure(IReadOnlyList<SweepWindow> windows, IReadOnlyList<TradeClosed> trades, decimal startingBalanceUsd)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return windows.Select(w => new SweepWindowResult(
            w,
            SweepMetrics.Of(BacktestMetrics.Of(Entered(trades, w.TrainFromMs, w.TrainToMs), startingBalanceUsd, w.TrainFromMs, w.TrainToMs - 1)),
            SweepMetrics.Of(BacktestMetrics.Of(Entered(trades, w.TestFromMs, w.TestToMs), startingBalanceUsd, w.TestFromMs, w.TestToMs - 1)))).ToArray();
    }

    private static TradeClosed[] Entered(IReadOnlyList<TradeClosed> trades, long fromMs, long toMs) =>
        trades.Where(t => t.EntryTimeMs >= fromMs && t.EntryTimeMs < toMs).ToArray();
}

/// <summary>A window's train and test metrics.</summary>
public sealed record SweepWindowResult(SweepWindow Window, SweepMetrics Train, SweepMetrics Test);

/// <summary>The <see cref="BacktestMetrics"/> a sweep keeps per window (the objectives and the ranking's columns).</summary>
public sealed record SweepMetrics(
    int Trades,
    decimal PnlUsd,
    decimal PnlR,
    double? ProfitFactor,
    double? Sortino,
    double? Sharpe,
    double? ExpectancyR,
    double? Calmar)
{
    public static SweepMetrics Of(BacktestMetrics m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new SweepMetrics(m.Trades, m.PnlUsd, m.PnlR, m.ProfitFactor, m.Sortino, m.Sharpe, m.ExpectancyR, m.Calmar);
    }

    /// <summary>The objective's value; null when the metric is undefined here (see <see cref="BacktestMetrics"/>).</summary>
    public double? Objective(SweepObjective objective) => objective switch
    {
        SweepObjective.Sortino => Sortino,
        SweepObjective.Sharpe => Sharpe,
        SweepObjective.ProfitFactor => ProfitFactor,
        SweepObjective.PnlR => (double)PnlR,
        SweepObjective.PnlUsd => (double)PnlUsd,
        SweepObjective.ExpectancyR => ExpectancyR,
        SweepObjective.Calmar => Calmar,
        _ => throw new ArgumentOutOfRangeException(nameof(objective)),
    };
}
