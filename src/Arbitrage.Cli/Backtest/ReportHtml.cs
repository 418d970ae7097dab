using System.Globalization;
using System.Net;
using System.Text;

namespace Arbitrage.Cli.Backtest;

/// <summary>
/// The pieces every <c>report.html</c> is made of (signals, triangles, carry: one style): the self-contained page (inline
/// CSS, no script, no URL), the plots as <c>data:</c> URIs, and table cells that show a rounded number and carry the
/// exact summary.json number in <c>data-value</c>. Every text is HTML-escaped.
/// </summary>
internal static class ReportHtml
{
    /// <summary>The page's head and its <c>h1</c>.</summary>
    public static StringBuilder Start(string title)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title)).Append("</title>\n<style>\n")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:0.5em 0 1.5em}")
            .Append("th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f2f2f2}td.t,th.t{text-align:left}")
            .Append("img{max-width:100%;display:block;margin:0.5em 0}.neg{color:#b00}.pos{color:#070}\n</style>\n</head>\n<body>\n");
        sb.Append("<h1>").Append(E(title)).Append("</h1>\n");
        return sb;
    }

    /// <summary>The equity and drawdown plots (<see cref="BacktestPlots"/>'s files) that are in <paramref name="pngs"/>.</summary>
    public static void Plots(StringBuilder sb, IReadOnlyDictionary<string, byte[]> pngs, string equityTitle = "Equity curve")
    {
        foreach (var (file, title) in new[] { (BacktestPlots.EquityFile, equityTitle), (BacktestPlots.DrawdownFile, "Drawdown") })
        {
            if (pngs.TryGetValue(file, out var png))
            {
                sb.Append("<h2>").Append(E(title)).Append("</h2>\n<img alt=\"").Append(E(title)).Append("\" src=\"data:image/png;base64,")
                    .Append(Convert.ToBase64String(png)).Append("\">\n");
            }
        }
    }

    /// <summary>The closing note (where the definitions are) and the end of the page.</summary>
    public static string End(StringBuilder sb, string section)
    {
        sb.Append("<p>Definitions: README, section \"").Append(E(section)).Append("\"; the same numbers are in summary.json.</p>\n</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>A header row of a table; a header starting with <c>"t:"</c> is a text (left-aligned) column.</summary>
    public static void Header(StringBuilder sb, params string[] headers)
    {
        sb.Append("<tr>");
        foreach (var h in headers)
        {
            sb.Append(h.StartsWith("t:", StringComparison.Ordinal) ? "<th class=\"t\">" + E(h[2..]) : "<th>" + E(h)).Append("</th>");
        }

        sb.Append("</tr>\n");
    }

    public static void Row(StringBuilder sb, string label, string cell) =>
        sb.Append("<tr><th class=\"t\">").Append(label).Append("</th>").Append(cell).Append("</tr>\n");

    public static string Text(string text) => "<td class=\"t\">" + E(text) + "</td>";

    public static string Int(int value) => Cell(value.ToString(CultureInfo.InvariantCulture), value.ToString(CultureInfo.InvariantCulture));

    public static string Long(long? value) => value is { } v ? Cell(v.ToString(CultureInfo.InvariantCulture), v.ToString(CultureInfo.InvariantCulture)) : Null();

    /// <summary>An amount; a PnL (<paramref name="signed"/>) is coloured by its sign, fees and drawdowns are not.</summary>
    public static string Money(decimal value, bool signed = false) =>
        Cell(value.ToString("0.00", CultureInfo.InvariantCulture), D(value), !signed ? null : value < 0m ? "neg" : value > 0m ? "pos" : null);

    public static string Ratio(double? value) => value is { } v ? Cell(v.ToString("0.00", CultureInfo.InvariantCulture), J(v)) : Null();

    public static string Percent(double? value) => value is { } v ? Cell((v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %", J(v)) : Null();

    /// <summary>A value summary.json writes as null (not defined for the input).</summary>
    public static string Null() => "<td data-value=\"null\">n/a</td>";

    public static string Cell(string text, string? exact, string? cls = null) =>
        "<td" + (cls is null ? "" : $" class=\"{cls}\"") + (exact is null ? "" : $" data-value=\"{E(exact)}\"") + ">" + E(text) + "</td>";

    public static string Usd(decimal value) => E(value.ToString("0.00", CultureInfo.InvariantCulture));

    /// <summary>A decimal as summary.json and the CSVs write it (invariant, no exponent).</summary>
    public static string D(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A double as summary.json writes it (shortest round-trip).</summary>
    public static string J(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string E(string text) => WebUtility.HtmlEncode(text);
}
