using System.Buffers;
using System.Text.Json;
using Arbitrage.Core.Serialization;
using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Core.Backtest;

/// <summary>
/// A triangle backtest's results (<c>arbctl backtest --kind triangles</c>): the paper attempts of the executing triangle
/// configs over book tapes, in the attempts CSV's order (start time, then attempt id). <c>summary.json</c>:
/// <c>kind</c> = <c>"triangles"</c>, <c>first_ms</c>/<c>last_ms</c> (the first and last book event), <c>attempts</c>,
/// <c>completed</c>, <c>unwound</c>, <c>failed</c>, <c>wins</c> (attempts with <c>pnl_usd &gt; 0</c>), <c>win_rate</c>,
/// <c>pnl_usd</c> (net of fees), <c>fees_usd</c>, <c>avg_slippage_bps</c> (mean over the attempts), <c>avg_leg_latency_ms</c>
/// and <c>max_leg_latency_ms</c> (over every filled leg's send-to-answer time), <c>max_drawdown_usd</c> (of the cumulative
/// PnL in attempt order, peak starting at 0), then <c>by_cycle</c>: per cycle id the same keys. A mean without input is null.
/// </summary>
public sealed record TriangleBacktestReport(TriangleMetrics Total, IReadOnlyList<KeyValuePair<string, TriangleMetrics>> ByCycle, IReadOnlyList<TriangleAttemptResult> Attempts)
{
    public const string Kind = "triangles";

    /// <param name="attempts">Every attempt; sorted here as the attempts CSV sorts them.</param>
    public static TriangleBacktestReport Of(IEnumerable<TriangleAttemptResult> attempts, long firstMs, long lastMs)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var sorted = attempts.OrderBy(a => a.StartMs).ThenBy(a => a.AttemptId, StringComparer.Ordinal).ToArray();
        var byCycle = sorted.GroupBy(a => a.CycleId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => KeyValuePair.Create(g.Key, TriangleMetrics.Of(g.ToArray(), firstMs, lastMs))).ToArray();
        return new TriangleBacktestReport(TriangleMetrics.Of(sorted, firstMs, lastMs), byCycle, sorted);
    }

    /// <summary>The cumulative PnL (USD) after each attempt, at its end time, in attempt order.</summary>
    public IReadOnlyList<(long TimeMs, decimal Value, decimal Drawdown)> Curve =>
        PnlCurve.Of(0m, Total.FirstMs, Attempts.Select(a => (a.EndMs, a.PnlUsd)), Total.LastMs);

    public string ToJson() => ReportJson.Grouped(Kind, Total, "by_cycle", ByCycle, Write);

    private static void Write(Utf8JsonWriter w, TriangleMetrics m)
    {
        w.WriteNumber("first_ms", m.FirstMs);
        w.WriteNumber("last_ms", m.LastMs);
        w.WriteNumber("attempts", m.Attempts);
        w.WriteNumber("completed", m.Completed);
        w.WriteNumber("unwound", m.Unwound);
        w.WriteNumber("failed", m.Failed);
        w.WriteNumber("wins", m.Wins);
        ReportJson.Number(w, "win_rate", m.WinRate);
        w.WriteNumber("pnl_usd", m.PnlUsd);
        w.WriteNumber("fees_usd", m.FeesUsd);
        ReportJson.Number(w, "avg_slippage_bps", m.AvgSlippageBps);
        ReportJson.Number(w, "avg_leg_latency_ms", m.AvgLegLatencyMs);
        if (m.MaxLegLatencyMs is { } max) w.WriteNumber("max_leg_latency_ms", max);
        else w.WriteNull("max_leg_latency_ms");
        w.WriteNumber("max_drawdown_usd", m.MaxDrawdownUsd);
    }
}

/// <summary>The numbers of a triangle report, for all attempts or one cycle's (see <see cref="TriangleBacktestReport"/>).</summary>
public sealed record TriangleMetrics(
    long FirstMs, long LastMs, int Attempts, int Completed, int Unwound, int Failed, int Wins, double? WinRate, decimal PnlUsd, decimal FeesUsd,
    double? AvgSlippageBps, double? AvgLegLatencyMs, long? MaxLegLatencyMs, decimal MaxDrawdownUsd)
{
    /// <param name="attempts">In attempt order.</param>
    public static TriangleMetrics Of(IReadOnlyList<TriangleAttemptResult> attempts, long firstMs, long lastMs)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var latencies = attempts.SelectMany(a => a.LegLatenciesMs).ToArray();
        var n = attempts.Count;
        var wins = attempts.Count(a => a.PnlUsd > 0m);
        return new TriangleMetrics(
            firstMs,
            lastMs,
            n,
            attempts.Count(a => a.Outcome == TriangleAttemptOutcome.Completed),
            attempts.Count(a => a.Outcome == TriangleAttemptOutcome.Unwound),
            attempts.Count(a => a.Outcome == TriangleAttemptOutcome.Failed),
            wins,
            n == 0 ? null : (double)wins / n,
            attempts.Sum(a => a.PnlUsd),
            attempts.Sum(a => a.FeesUsd),
            n == 0 ? null : attempts.Average(a => a.SlippageBps),
            latencies.Length == 0 ? null : latencies.Average(),
            latencies.Length == 0 ? null : latencies.Max(),
            PnlCurve.MaxDrawdown(PnlCurve.Of(0m, firstMs, attempts.Select(a => (a.EndMs, a.PnlUsd)), lastMs)));
    }

    /// <summary>The outcome codes as the attempts CSV writes them, with their counts (the report's table).</summary>
    public IEnumerable<(string Code, int Count)> Outcomes =>
        [(EnumCodes.Of(TriangleAttemptOutcome.Completed), Completed), (EnumCodes.Of(TriangleAttemptOutcome.Unwound), Unwound), (EnumCodes.Of(TriangleAttemptOutcome.Failed), Failed)];
}

/// <summary>JSON helpers the reports share: a double that JSON cannot hold (NaN, ±Infinity) or none is <c>null</c>.</summary>
internal static class ReportJson
{
    /// <summary>
    /// A kind's <c>summary.json</c>: <c>kind</c>, the totals' keys, then <paramref name="groupName"/> with the same keys per
    /// group; indented, one trailing newline.
    /// </summary>
    public static string Grouped<TMetrics>(string kind, TMetrics total, string groupName, IEnumerable<KeyValuePair<string, TMetrics>> groups,
        Action<Utf8JsonWriter, TMetrics> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("kind", kind);
            write(w, total);
            w.WriteStartObject(groupName);
            foreach (var (name, m) in groups)
            {
                w.WriteStartObject(name);
                write(w, m);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    public static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
