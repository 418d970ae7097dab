using System.Globalization;
using Arbitrage.Core.Backtest;
using Arbitrage.Core.Serialization;
using Arbitrage.Core.Text;
using static Arbitrage.Cli.Backtest.ReportHtml;

namespace Arbitrage.Cli.Backtest;

/// <summary>A triangle backtest's <c>report.html</c>, in the signal report's style (<see cref="ReportHtml"/>): plots, summary, per cycle, attempts.</summary>
public static class TriangleReportHtml
{
    public static string Render(TriangleBacktestReport report, IReadOnlyList<string> tapes, IReadOnlyDictionary<string, byte[]> pngs)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(tapes);
        ArgumentNullException.ThrowIfNull(pngs);
        var m = report.Total;
        var sb = Start("Triangle backtest report");
        sb.Append("<p>Book tapes: ").Append(E(string.Join(", ", tapes.Select(Path.GetFileName)))).Append("<br>")
            .Append("Period: ").Append(E(IsoTime.Utc(m.FirstMs))).Append(" to ").Append(E(IsoTime.Utc(m.LastMs))).Append(" (first and last book event)<br>")
            .Append("Paper attempts of the triangle configs with \"execute\": true; PnL in USD, net of fees.</p>\n");
        Plots(sb, pngs, "Cumulative PnL");

        sb.Append("<h2>Summary</h2>\n<table>\n");
        Row(sb, "Attempts", Int(m.Attempts));
        Row(sb, "Completed", Int(m.Completed));
        Row(sb, "Unwound", Int(m.Unwound));
        Row(sb, "Failed", Int(m.Failed));
        Row(sb, "Wins (pnl_usd &gt; 0)", Int(m.Wins));
        Row(sb, "Win rate", Percent(m.WinRate));
        Row(sb, "PnL (USD, net of fees)", Money(m.PnlUsd, signed: true));
        Row(sb, "Fees (USD)", Money(m.FeesUsd));
        Row(sb, "Average slippage (bps)", Ratio(m.AvgSlippageBps));
        Row(sb, "Average leg latency (ms)", Ratio(m.AvgLegLatencyMs));
        Row(sb, "Max leg latency (ms)", Long(m.MaxLegLatencyMs));
        Row(sb, "Max drawdown (USD)", Money(m.MaxDrawdownUsd));
        sb.Append("</table>\n");

        sb.Append("<h2>Per cycle</h2>\n<table>\n");
        Header(sb, "t:cycle", "attempts", "completed", "unwound", "failed", "win rate", "PnL USD", "fees USD", "avg slippage bps", "avg leg latency ms", "max DD USD");
        foreach (var (cycle, c) in report.ByCycle)
        {
            sb.Append("<tr>").Append(Text(cycle)).Append(Int(c.Attempts)).Append(Int(c.Completed)).Append(Int(c.Unwound)).Append(Int(c.Failed)).Append(Percent(c.WinRate))
                .Append(Money(c.PnlUsd, signed: true)).Append(Money(c.FeesUsd)).Append(Ratio(c.AvgSlippageBps)).Append(Ratio(c.AvgLegLatencyMs)).Append(Money(c.MaxDrawdownUsd))
                .Append("</tr>\n");
        }

        sb.Append("</table>\n<h2>Attempts</h2>\n<table>\n");
        Header(sb, "t:attempt", "t:start", "t:venue", "t:cycle", "t:outcome", "legs filled", "start amount", "end amount", "PnL USD", "fees USD", "slippage bps", "leg latencies ms");
        foreach (var a in report.Attempts)
        {
            sb.Append("<tr>").Append(Text(a.AttemptId)).Append(Text(IsoTime.Utc(a.StartMs))).Append(Text(a.Venue)).Append(Text(a.CycleId)).Append(Text(EnumCodes.Of(a.Outcome)))
                .Append(Int(a.LegsFilled)).Append(Cell(D(a.StartAmount) + " " + a.StartAsset, D(a.StartAmount))).Append(Cell(D(a.EndAmount) + " " + a.StartAsset, D(a.EndAmount)))
                .Append(Money(a.PnlUsd, signed: true)).Append(Money(a.FeesUsd)).Append(Ratio(a.SlippageBps))
                .Append(Cell(string.Join(" / ", a.LegLatenciesMs.Select(l => l.ToString(CultureInfo.InvariantCulture))), null)).Append("</tr>\n");
        }

        sb.Append("</table>\n");
        return End(sb, "Triangle and carry backtest reports");
    }
}
