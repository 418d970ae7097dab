using System.Globalization;
using System.Text;
using Arbitrage.Core.Serialization;

namespace Arbitrage.Core.Triangles.Execution;

/// <summary>
/// The attempts CSV of <c>arbctl replay --triangle-trades-out</c> (a contract): the header below, one row per attempt
/// sorted by <c>(start_ms, attempt_id)</c> (ordinal), numbers in the invariant culture (decimals as they are, doubles
/// shortest round-trip), RFC 4180 quoting, '\n' line ends. The same attempts always give the same bytes.
/// </summary>
public static class TriangleAttemptsCsv
{
    public const string Header = "attempt_id,start_ms,end_ms,venue,cycle,start_asset,start_amount,end_amount,pnl_start_asset,pnl_usd,fees_usd,outcome,legs_filled,slippage_bps";

    public static string Format(IEnumerable<TriangleAttemptResult> attempts)
    {
        var sb = new StringBuilder();
        using (var writer = new StringWriter(sb, CultureInfo.InvariantCulture))
        {
            Write(writer, attempts);
        }

        return sb.ToString();
    }

    public static void Write(TextWriter writer, IEnumerable<TriangleAttemptResult> attempts)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(attempts);
        var rows = attempts.ToList();
        rows.Sort(static (a, b) =>
        {
            int c = a.StartMs.CompareTo(b.StartMs);
            return c != 0 ? c : string.CompareOrdinal(a.AttemptId, b.AttemptId);
        });

        writer.Write(Header);
        writer.Write('\n');
        foreach (var row in rows)
        {
            writer.Write(Row(row));
            writer.Write('\n');
        }
    }

    /// <summary>One row without its line end.</summary>
    public static string Row(TriangleAttemptResult a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return string.Join(',',
            Field(a.AttemptId),
            a.StartMs.ToString(CultureInfo.InvariantCulture),
            a.EndMs.ToString(CultureInfo.InvariantCulture),
            Field(a.Venue),
            Field(a.CycleId),
            Field(a.StartAsset),
            Dec(a.StartAmount),
            Dec(a.EndAmount),
            Dec(a.PnlStartAsset),
            Dec(a.PnlUsd),
            Dec(a.FeesUsd),
            EnumCodes.Of(a.Outcome),
            a.LegsFilled.ToString(CultureInfo.InvariantCulture),
            TriangleEpisodesCsv.Number(a.SlippageBps));
    }

    /// <summary>A decimal without trailing zeros (<c>100.5000</c> → <c>100.5</c>), invariant.</summary>
    public static string Dec(decimal v) => (v / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    private static string Field(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
