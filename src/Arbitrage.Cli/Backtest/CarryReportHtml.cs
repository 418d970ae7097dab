using Arbitrage.Core.Backtest;
using Arbitrage.Core.Text;
using static Arbitrage.Cli.Backtest.ReportHtml;

namespace Arbitrage.Cli.Backtest;

/// <summary>A carry backtest's <c>report.html</c>, in the signal report's style (<see cref="ReportHtml"/>): plots, summary, per symbol, carries.</summary>
public static class CarryReportHtml
{
    public static string Render(CarryBacktestReport report, IReadOnlyList<string> tapes, IReadOnlyDictionary<string, byte[]> pngs)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(tapes);
        ArgumentNullException.ThrowIfNull(pngs);
        var m = report.Total;
        var sb = Start("Carry backtest report");
        sb.Append("<p>Tapes: ").Append(E(string.Join(", ", tapes.Select(Path.GetFileName)))).Append("<br>")
            .Append("Period: ").Append(E(IsoTime.Utc(m.FirstMs))).Append(" to ").Append(E(IsoTime.Utc(m.LastMs))).Append(" (first and last markPrice update)<br>")
            .Append("Spot long + perp short carries of strategies/carry/carry_funding.json; a carry open at the end is marked at the last update.</p>\n");
        Plots(sb, pngs, "Cumulative PnL");

        sb.Append("<h2>Summary</h2>\n<table>\n");
        Row(sb, "Carries", Int(m.Carries));
        Row(sb, "Closed", Int(m.Closed));
        Row(sb, "Open at the end", Int(m.Open));
        Row(sb, "Funding settlements", Int(m.Settlements));
        Row(sb, "Wins (net_usd &gt; 0)", Int(m.Wins));
        Row(sb, "Win rate", Percent(m.WinRate));
        Row(sb, "Funding earned (USD)", Money(m.FundingUsd, signed: true));
        Row(sb, "Basis PnL (USD)", Money(m.BasisPnlUsd, signed: true));
        Row(sb, "Fees (USD)", Money(m.FeesUsd));
        Row(sb, "PnL (USD, net of fees)", Money(m.PnlUsd, signed: true));
        Row(sb, "Max drawdown (USD)", Money(m.MaxDrawdownUsd));
        sb.Append("</table>\n");

        sb.Append("<h2>Per symbol</h2>\n<table>\n");
        Header(sb, "t:symbol", "carries", "closed", "open", "settlements", "win rate", "funding USD", "basis USD", "fees USD", "PnL USD", "max DD USD");
        foreach (var (symbol, s) in report.BySymbol)
        {
            sb.Append("<tr>").Append(Text(symbol)).Append(Int(s.Carries)).Append(Int(s.Closed)).Append(Int(s.Open)).Append(Int(s.Settlements)).Append(Percent(s.WinRate))
                .Append(Money(s.FundingUsd, signed: true)).Append(Money(s.BasisPnlUsd, signed: true)).Append(Money(s.FeesUsd)).Append(Money(s.PnlUsd, signed: true))
                .Append(Money(s.MaxDrawdownUsd)).Append("</tr>\n");
        }

        sb.Append("</table>\n<h2>Carries</h2>\n<table>\n");
        Header(sb, "t:symbol", "t:opened", "t:closed", "notional USD", "funding USD", "basis USD", "fees USD", "net USD", "settlements", "t:exit reason");
        foreach (var c in report.Carries)
        {
            sb.Append("<tr>").Append(Text(c.Symbol)).Append(Text(IsoTime.Utc(c.OpenedMs))).Append(Text(c.ClosedMs is { } closed ? IsoTime.Utc(closed) : "open"))
                .Append(Money(c.NotionalUsd)).Append(Money(c.FundingUsd, signed: true)).Append(Money(c.BasisPnlUsd, signed: true)).Append(Money(c.FeesUsd))
                .Append(Money(c.NetUsd, signed: true)).Append(Int(c.Settlements)).Append(Text(c.ExitReason)).Append("</tr>\n");
        }

        sb.Append("</table>\n");
        return End(sb, "Triangle and carry backtest reports");
    }
}
