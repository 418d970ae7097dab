using Arbitrage.Core.Backtest;
using ScottPlot;

namespace Arbitrage.Cli.Backtest;

/// <summary>
/// The report's PNG plots (ScottPlot over SkiaSharp, headless): the equity curve (the paper balance after each trade's
/// exit) and its drawdown from the running peak, both in USD against UTC time.
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
        var points = report.Equity;
        var xs = points.Select(p => DateTimeOffset.FromUnixTimeMilliseconds(p.TimeMs).UtcDateTime.ToOADate()).ToArray();

        Save(
            Path.Combine(directory, EquityFile),
            "Equity: paper balance (USD)",
            xs,
            points.Select(p => (double)p.Balance).ToArray(),
            Colors.SteelBlue,
            fill: false);
        Save(
            Path.Combine(directory, DrawdownFile),
            "Drawdown from the running peak (USD)",
            xs,
            points.Select(p => -(double)p.Drawdown).ToArray(),
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
