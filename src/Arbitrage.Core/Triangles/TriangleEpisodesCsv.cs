using System.Globalization;
using System.Text;

namespace Arbitrage.Core.Triangles;

/// <summary>
/// The episodes CSV of <c>arbctl replay --triangles-out</c> (a contract: other tools read it): the header below, one
/// row per episode sorted by <c>(start_ms, cycle)</c> with ordinal text comparison (ties: venue, then the whole row),
/// integers and shortest round-trip doubles in the invariant culture (as the replay's other CSVs), an empty
/// <c>end_ms</c> for an episode open at the end, RFC 4180 quoting, '\n' line ends. The same episodes always give the
/// same bytes.
/// </summary>
public static class TriangleEpisodesCsv
{
    public const string Header = "start_ms,end_ms,venue,cycle,start_asset,notional,evaluations,peak_net_return,peak_ms,action,reason";

    /// <summary>The whole file: header and sorted rows.</summary>
    public static string Format(IEnumerable<TriangleEpisodeRecord> episodes)
    {
        var sb = new StringBuilder();
        using (var writer = new StringWriter(sb, CultureInfo.InvariantCulture))
        {
            Write(writer, episodes);
        }

        return sb.ToString();
    }

    public static void Write(TextWriter writer, IEnumerable<TriangleEpisodeRecord> episodes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(episodes);
        var rows = episodes.Select(e => (e.StartMs, e.Cycle, e.Venue, Line: Row(e))).ToList();
        rows.Sort(static (a, b) =>
        {
            int c = a.StartMs.CompareTo(b.StartMs);
            if (c == 0) c = string.CompareOrdinal(a.Cycle, b.Cycle);
            if (c == 0) c = string.CompareOrdinal(a.Venue, b.Venue);
            return c != 0 ? c : string.CompareOrdinal(a.Line, b.Line);
        });

        writer.Write(Header);
        writer.Write('\n');
        foreach (var row in rows)
        {
            writer.Write(row.Line);
            writer.Write('\n');
        }
    }

    /// <summary>One row without its line end.</summary>
    public static string Row(TriangleEpisodeRecord e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return string.Join(',',
            e.StartMs.ToString(CultureInfo.InvariantCulture),
            e.EndMs?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            Field(e.Venue),
            Field(e.Cycle),
            Field(e.StartAsset),
            Number(e.Notional),
            e.Evaluations.ToString(CultureInfo.InvariantCulture),
            Number(e.PeakNetReturn),
            e.PeakMs.ToString(CultureInfo.InvariantCulture),
            Field(e.Action),
            Field(e.Reason));
    }

    /// <summary>Shortest text that parses back to the same double ("R", invariant), e.g. <c>0.0012</c>, <c>-5E-05</c>.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Field(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
