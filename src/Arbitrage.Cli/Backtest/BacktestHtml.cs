using System.Globalization;
using System.Net;
using System.Text;
using Arbitrage.Core.Backtest;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Text;

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
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Backtest report</title>\n<style>\n")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:0.5em 0 1.5em}")
            .Append("th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f2f2f2}td.t,th.t{text-align:left}")
            .Append("img{max-width:100%;display:block;margin:0.5em 0}.neg{color:#b00}.pos{color:#070}\n</style>\n</head>\n<body>\n");
        sb.Append("<h1>Backtest report</h1>\n<p>Tapes: ").Append(E(string.Join(", ", tapes.Select(Path.GetFileName)))).Append("<br>")
            .Append("Period: ").Append(E(IsoTime.Utc(m.FirstMs))).Append(" to ").Append(E(IsoTime.Utc(m.LastMs)))
            .Append(" (first and last tick, ").Append(BacktestMetrics.DayCount(m.FirstMs, m.LastMs).ToString(CultureInfo.InvariantCulture)).Append(" UTC days)<br>")
            .Append("Starting balance: ").Append(Usd(m.StartingBalanceUsd)).Append(" USD (paper account)</p>\n");

        foreach (var (file, title) in new[] { (BacktestPlots.EquityFile, "Equity curve"), (BacktestPlots.DrawdownFile, "Drawdown") })
        {
            if (pngs.TryGetValue(file, out var png))
            {
                sb.Append("<h2>").Append(E(title)).Append("</h2>\n<img alt=\"").Append(E(title)).Append("\" src=\"data:image/png;base64,")
                    .Append(Convert.ToBase64String(png)).Append("\">\n");
            }
        }

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

        sb.Append("</table>\n<p>Definitions: README, section \"Backtest reports\"; the same numbers are in summary.json.</p>\n</body>\n</html>\n");
        return sb.ToString();
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

    private static void Row(StringBuilder sb, string label, string cell) =>
        sb.Append("<tr><th class=\"t\">").Append(label).Append("</th>").Append(cell).Append("</tr>\n");

    private static string Int(int value) => Cell(value.ToString(CultureInfo.InvariantCulture), value.ToString(CultureInfo.InvariantCulture));

    /// <summary>An amount; a PnL (<paramref name="signed"/>) is coloured by its sign, fees and drawdowns are not.</summary>
    private static string Money(decimal value, bool signed = false) =>
        Cell(value.ToString("0.00", CultureInfo.InvariantCulture), D(value), !signed ? null : value < 0m ? "neg" : value > 0m ? "pos" : null);

    private static string Ratio(double? value) => value is { } v ? Cell(v.ToString("0.00", CultureInfo.InvariantCulture), J(v)) : Null();

    private static string Percent(double? value) => value is { } v ? Cell((v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %", J(v)) : Null();

    /// <summary>A value summary.json writes as null (not defined for the input).</summary>
    private static string Null() => "<td data-value=\"null\">n/a</td>";

    private static string Cell(string text, string? exact, string? cls = null) =>
        "<td" + (cls is null ? "" : $" class=\"{cls}\"") + (exact is null ? "" : $" data-value=\"{E(exact)}\"") + ">" + E(text) + "</td>";

    private static string Usd(decimal value) => E(value.ToString("0.00", CultureInfo.InvariantCulture));

    /// <summary>A decimal as summary.json and the trades CSV write it (invariant, no exponent).</summary>
    private static string D(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A double as summary.json writes it (shortest round-trip).</summary>
    private static string J(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
