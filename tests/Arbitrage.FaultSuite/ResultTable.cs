using System.Globalization;
using System.Text;

namespace Arbitrage.FaultSuite;

/// <summary>The suite's result as a markdown table (the README quotes the last full run).</summary>
public static class ResultTable
{
    public static string Markdown(IReadOnlyList<ScenarioResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| scenario | round | faults injected | orders left open | duplicates | rows lost | time to recover | result | notes |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Round} | {r.FaultsInjected} | {(r.OrdersLeftOpen is { } o ? o.ToString(CultureInfo.InvariantCulture) : "—")} | ");
            sb.Append(CultureInfo.InvariantCulture, $"{r.Duplicates} | {r.RowsLost} | {(r.TimeToRecover is { } t ? $"{t.TotalSeconds:0.0} s" : "—")} | ");
            sb.AppendLine(CultureInfo.InvariantCulture, $"{(r.Passed ? "ok" : "**broken**")} | {r.Notes.Replace("|", "/", StringComparison.Ordinal)} |");
        }

        return sb.ToString();
    }
}
