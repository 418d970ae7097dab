using System.Globalization;
using System.Text;
using Arbitrage.Core.Backtest;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Text;
using static Arbitrage.Cli.Backtest.ReportHtml;

namespace Arbitrage.Cli.Backtest;

/// <summary>
/// <c>report.html</c>: one self-contained page (inline CSS, the plots as <c>data:</c> URIs, no script, no external URL)
/// that opens offline. Every cell that shows a summary.json number rounded carries the exact JSON number in its
/// <c>data-value</c> attribute; every text is HTML-escaped.
/// </summary>
public static class BacktestHtml
{
    public const string FileName = "report.html";

    public static string Render(BacktestReport report, IReadOnlyList<string> tapes, IReadOnlyDictionary<string, byte[]> pngs)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(tapes);
        ArgumentNullException.ThrowIfNull(pngs);
        var m = report.Total;
        var sb = ReportHtml.Start("Backtest report");
        sb.Append("<p>Tapes: ").Append(E(string.Join(", ", tapes.Select(Path.GetFileName)))).Append("<br>")
            .Append("Period: ").Append(E(IsoTime.Utc(m.FirstMs))).Append(" to ").Append(E(IsoTime.Utc(m.LastMs)))
            .Append(" (first and last tick, ").Append(BacktestMetrics.DayCount(m.FirstMs, m.LastMs).ToString(CultureInfo.InvariantCulture)).Append(" UTC days)<br>")
            .Append("Starting balance: ").Append(Usd(m.StartingBalanceUsd)).Append(" USD (paper account)</p>\n");

        ReportHtml.Plots(sb, pngs);

        sb.Append("<h2>Summary</h2>\n<table>\n");
        Row(sb, "Trades", Int(m.Trades));
        Row(sb, "Wins (pnl_usd &gt; 0)", Int(m.Wins));
        Row(sb, "Win rate", Percent(m.WinRate));
        Row(sb, "PnL (USD, net of fees)", Money(m.PnlUsd, signed: true));
        Row(sb, "PnL (R)", Money(m.PnlR, signed: true));
        Row(sb, "Fees (USD)", Money(m.FeesUsd));
        Row(sb, "Expectancy (R per trade)", Ratio(m.ExpectancyR));
        Row(sb, "Profit factor", Ratio(m.ProfitFactor));
        Row(sb, "Max drawdown (USD)", Money(m.MaxDrawdownUsd));
        Row(sb, "Max drawdown (R)", Money(m.MaxDrawdownR));
        Row(sb, "Max drawdown (% of starting balance)", report.MaxDrawdownPercent is { } pct ? Cell(pct.ToString("0.00", CultureInfo.InvariantCulture) + " %", J(pct)) : Null());
        Row(sb, "Sharpe (daily, ×√365)", Ratio(m.Sharpe));
        Row(sb, "Sortino (daily, ×√365)", Ratio(m.Sortino));
        Row(sb, "Calmar", Ratio(m.Calmar));
        Row(sb, "Exposure (time in market)", Percent(m.Exposure));
        Row(sb, "Average hold (minutes)", Ratio(m.AvgHoldMinutes));
        Row(sb, "Longest losing streak (trades)", Int(report.LongestLosingStreak));
        Row(sb, "Exit reasons", report.ExitReasonCounts.Count == 0
            ? Cell("none", null)
            : Cell(string.Join(", ", report.ExitReasonCounts.Select(r => $"{r.Code} {r.Trades.ToString(CultureInfo.InvariantCulture)}")), null));
        sb.Append("</table>\n");

        Group(sb, "Per strategy", "strategy", report.ByStrategy);
        Group(sb, "Per symbol", "symbol", report.BySymbol);

        sb.Append("<h2>Monthly breakdown (by exit time, UTC)</h2>\n<table>\n<tr><th class=\"t\">month</th><th>trades</th><th>wins</th><th>PnL USD</th><th>PnL R</th><th>fees USD</th></tr>\n");
        foreach (var month in report.Months)
        {
            sb.Append("<tr><td class=\"t\">").Append(E(month.Month)).Append("</td>").Append(Int(month.Trades)).Append(Int(month.Wins))
                .Append(Money(month.PnlUsd, signed: true)).Append(Money(month.PnlR, signed: true)).Append(Money(month.FeesUsd)).Append("</tr>\n");
        }

        sb.Append("</table>\n<h2>Trades</h2>\n<table>\n<tr><th class=\"t\">signal</th><th class=\"t\">symbol</th><th class=\"t\">strategy</th><th class=\"t\">direction</th>")
            .Append("<th class=\"t\">entry time</th><th>entry</th><th>qty</th><th class=\"t\">exit time</th><th>exit</th><th class=\"t\">exit reason</th><th class=\"t\">detail</th>")
            .Append("<th>PnL USD</th><th>PnL R</th><th>fees USD</th></tr>\n");
        foreach (var t in report.Trades)
        {
            sb.Append("<tr><td class=\"t\">").Append(E(t.SignalId)).Append("</td><td class=\"t\">").Append(E(t.Symbol)).Append("</td><td class=\"t\">").Append(E(t.StrategyId))
                .Append("</td><td class=\"t\">").Append(t.Direction == Direction.Long ? "long" : "short")
                .Append("</td><td class=\"t\">").Append(E(IsoTime.Utc(t.EntryTimeMs))).Append("</td><td>").Append(E(D(t.Entry))).Append("</td><td>").Append(E(D(t.Quantity)))
                .Append("</td><td class=\"t\">").Append(E(IsoTime.Utc(t.ExitTimeMs))).Append("</td><td>").Append(E(D(t.Exit)))
                .Append("</td><td class=\"t\">").Append(E(t.ExitReason.Code())).Append("</td><td class=\"t\">").Append(E(t.ExitDetail)).Append("</td>")
                .Append(Money(t.PnlUsd, signed: true)).Append(Money(t.PnlR, signed: true)).Append(Money(t.FeesUsd)).Append("</tr>\n");
        }

        sb.Append("</table>\n");
        return ReportHtml.End(sb, "Backtest reports");
    }

    private static void Group(StringBuilder sb, string title, string keyName, IReadOnlyList<KeyValuePair<string, BacktestMetrics>> group)
    {
        sb.Append("<h2>").Append(E(title)).Append("</h2>\n<table>\n<tr><th class=\"t\">").Append(E(keyName))
            .Append("</th><th>trades</th><th>wins</th><th>win rate</th><th>PnL USD</th><th>PnL R</th><th>fees USD</th><th>expectancy R</th><th>profit factor</th>")
            .Append("<th>max DD USD</th><th>max DD R</th><th>Sharpe</th><th>Sortino</th><th>Calmar</th><th>exposure</th><th>avg hold min</th></tr>\n");
        foreach (var (key, m) in group)
        {
            sb.Append("<tr><td class=\"t\">").Append(E(key)).Append("</td>").Append(Int(m.Trades)).Append(Int(m.Wins)).Append(Percent(m.WinRate))
                .Append(Money(m.PnlUsd, signed: true)).Append(Money(m.PnlR, signed: true)).Append(Money(m.FeesUsd)).Append(Ratio(m.ExpectancyR)).Append(Ratio(m.ProfitFactor))
                .Append(Money(m.MaxDrawdownUsd)).Append(Money(m.MaxDrawdownR)).Append(Ratio(m.Sharpe)).Append(Ratio(m.Sortino)).Append(Ratio(m.Calmar))
                .Append(Percent(m.Exposure)).Append(Ratio(m.AvgHoldMinutes)).Append("</tr>\n");
        }

        sb.Append("</table>\n");
    }
}
