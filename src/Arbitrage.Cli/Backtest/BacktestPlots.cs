using Arbitrage.Core.Backtest;
using ScottPlot;

namespace Arbitrage.Cli.Backtest;

/// <summary>
/// The reports' PNG plots (ScottPlot over SkiaSharp, headless): the equity curve (a signal backtest: the paper balance
/// after each trade's exit; triangles and carry: the cumulative PnL) and its drawdown from the running peak, both in USD
/// against UTC time.
/// </summary>
public static class BacktestPlots
{
    public const string EquityFile = "equity.png";
    public const string DrawdownFile = "drawdown.png";

    private const int Width = 1000;
    private const int Height = 360;

    /// <summary>Writes <see cref="EquityFile"/> and <see cref="DrawdownFile"/> into <paramref name="directory"/>.</summary>
    public static void Write(BacktestReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        Write(report.Equity, directory, "Equity: paper balance (USD)");
    }

    /// <summary>
    /// Any report's plots: <paramref name="curve"/>'s value (the paper balance, or a cumulative PnL) as <see cref="EquityFile"/>
    /// titled <paramref name="equityTitle"/>, and its drawdown from the running peak as <see cref="DrawdownFile"/>.
    /// </summary>
    public static void Write(IReadOnlyList<(long TimeMs, decimal Value, decimal Drawdown)> curve, string directory, string equityTitle)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var xs = curve.Select(p => DateTimeOffset.FromUnixTimeMilliseconds(p.TimeMs).UtcDateTime.ToOADate()).ToArray();
        Save(Path.Combine(directory, EquityFile), equityTitle, xs, curve.Select(p => (double)p.Value).ToArray(), Colors.SteelBlue, fill: false);
        Save(
            Path.Combine(directory, DrawdownFile),
            "Drawdown from the running peak (USD)",
            xs,
            curve.Select(p => -(double)p.Drawdown).ToArray(),
            Colors.FireBrick,
            fill: true);
    }

    private static void Save(string path, string title, double[] xs, double[] ys, Color color, bool fill)
    {
        var plot = new Plot();
        var line = plot.Add.Scatter(xs, ys);
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.Color = color;
        line.LineWidth = 2;
        line.MarkerSize = 0;
        if (fill)
        {
            line.FillY = true;
            line.FillYValue = 0;
            line.FillYColor = color.WithAlpha(0.3);
        }

        plot.Axes.DateTimeTicksBottom();
        plot.Title(title);
        plot.XLabel("time (UTC)");
        plot.YLabel("USD");
        if (xs.Length > 0 && xs[0] == xs[^1])
        {
            // One instant: give the axis a width so the plot is not degenerate.
            plot.Axes.SetLimitsX(xs[0] - 0.01, xs[0] + 0.01);
        }

        plot.SavePng(path, Width, Height);
    }
}
