using System.Globalization;
using System.Net;
using System.Text;
using Arbitrage.Core.Sweeps;
using Arbitrage.Core.Text;

namespace Arbitrage.Cli.Sweeps;

/// <summary>
/// <c>ranking.html</c>: the ranking.csv table (overfit rows marked) and each configuration's train and test numbers per
/// validation window, on one self-contained page (inline CSS, no script, no external URL) that opens offline. Cells
/// carry the exact CSV value in <c>data-value</c>; every text is HTML-escaped.
/// </summary>
public static class SweepHtml
{
    public const string FileName = "ranking.html";

    public static string Render(SweepSpec spec, string specName, SweepRanking ranking)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(ranking);
        var objective = SweepSpec.NameOf(spec.Objective);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Sweep ranking</title>\n<style>\n")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:0.5em 0 1.5em}")
            .Append("th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f2f2f2}td.t,th.t{text-align:left}")
            .Append("tr.overfit td{background:#fdecea}\n</style>\n</head>\n<body>\n");
        sb.Append("<h1>Sweep ranking</h1>\n<p>Spec: ").Append(E(specName)).Append("<br>Strategy: ").Append(E(Path.GetFileName(spec.Strategy)))
            .Append("<br>Tapes: ").Append(E(string.Join(", ", spec.Tapes.Select(Path.GetFileName))))
            .Append("<br>Objective: ").Append(E(objective)).Append(" (ranked by the train value; ties by config id)")
            .Append("<br>Search: ").Append(E(spec.Search.Random ? $"random, {spec.Search.Samples} samples, seed {spec.Search.Seed}" : "grid"))
            .Append("<br>Validation: ").Append(E(Validation(spec.Validation)))
            .Append("<br>Overfit rule: ").Append(E(Rule(spec.Overfit)))
            .Append("<br>Rank correlation of train and test (Spearman, mean over windows): ").Append(E(ranking.MeanRankCorrelation is { } c ? c.ToString("0.000", CultureInfo.InvariantCulture) : "n/a"))
            .Append("<br>Configurations: ").Append(ranking.Rows.Count.ToString(CultureInfo.InvariantCulture))
            .Append(", flagged overfit: ").Append(ranking.Rows.Count(r => r.Overfit).ToString(CultureInfo.InvariantCulture)).Append("</p>\n");

        var csv = ranking.ToCsv(spec.Parameters, spec.Objective).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        sb.Append("<h2>Ranking</h2>\n<table>\n<tr>");
        foreach (var header in CsvFields(csv[0]))
        {
            sb.Append("<th>").Append(E(header)).Append("</th>");
        }

        sb.Append("</tr>\n");
        for (var i = 1; i < csv.Length; i++)
        {
            sb.Append(ranking.Rows[i - 1].Overfit ? "<tr class=\"overfit\">" : "<tr>");
            foreach (var field in CsvFields(csv[i]))
            {
                sb.Append("<td data-value=\"").Append(E(field)).Append("\">").Append(E(Short(field))).Append("</td>");
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</table>\n<h2>Per window</h2>\n<table>\n<tr><th class=\"t\">config</th><th>window</th><th class=\"t\">train from</th><th class=\"t\">test from</th>")
            .Append("<th class=\"t\">test to</th><th>train ").Append(E(objective)).Append("</th><th>test ").Append(E(objective))
            .Append("</th><th>train trades</th><th>test trades</th><th>train PnL R</th><th>test PnL R</th></tr>\n");
        foreach (var row in ranking.Rows)
        {
            for (var w = 0; w < row.Result.Windows.Count; w++)
            {
                var window = row.Result.Windows[w];
                sb.Append(row.Overfit ? "<tr class=\"overfit\">" : "<tr>").Append("<td class=\"t\">").Append(E(row.Result.ConfigId)).Append("</td><td>")
                    .Append((w + 1).ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"t\">").Append(E(IsoTime.Utc(window.Window.TrainFromMs)))
                    .Append("</td><td class=\"t\">").Append(E(IsoTime.Utc(window.Window.TestFromMs))).Append("</td><td class=\"t\">").Append(E(IsoTime.Utc(window.Window.TestToMs)))
                    .Append("</td>").Append(Cell(SweepRanking.Num(window.Train.Objective(spec.Objective)))).Append(Cell(SweepRanking.Num(window.Test.Objective(spec.Objective))))
                    .Append(Cell(window.Train.Trades.ToString(CultureInfo.InvariantCulture))).Append(Cell(window.Test.Trades.ToString(CultureInfo.InvariantCulture)))
                    .Append(Cell(SweepRanking.Dec(window.Train.PnlR))).Append(Cell(SweepRanking.Dec(window.Test.PnlR))).Append("</tr>\n");
            }
        }

        sb.Append("</table>\n<p>Definitions: README, section \"Parameter sweeps\". Each configuration is one replay over the whole tapes; ")
            .Append("its trades count in the window their entry falls in.</p>\n</body>\n</html>\n");
        return sb.ToString();
    }

    public static string Validation(SweepValidation v) => v.WalkForward
        ? string.Create(CultureInfo.InvariantCulture, $"walk-forward, train {v.TrainMs / 3_600_000.0:0.###} h, test {v.TestMs / 3_600_000.0:0.###} h, rolled by the test length")
        : string.Create(CultureInfo.InvariantCulture, $"split by time, train share {v.TrainShare:0.###}");

    private static string Rule(SweepOverfitRule r) => string.Create(
        CultureInfo.InvariantCulture,
        $"max_degradation {r.MaxDegradation:0.###}, min_rank_correlation {(r.MinRankCorrelation is { } c ? c.ToString("0.###", CultureInfo.InvariantCulture) : "off")}, max_rank_spread {(r.MaxRankSpread is { } s ? s.ToString("0.###", CultureInfo.InvariantCulture) : "off")}");

    private static string Cell(string exact) => "<td data-value=\"" + E(exact) + "\">" + E(Short(exact)) + "</td>";

    /// <summary>A number rounded for reading (4 decimals); other text as it is.</summary>
    private static string Short(string field) =>
        field.Contains('.', StringComparison.Ordinal) && double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v.ToString("0.####", CultureInfo.InvariantCulture) : field;

    /// <summary>The fields of a ranking.csv line (quoted fields as <see cref="SweepRanking.ToCsv"/> writes them).</summary>
    private static List<string> CsvFields(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        fields.Add(sb.ToString());
        return fields;
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
