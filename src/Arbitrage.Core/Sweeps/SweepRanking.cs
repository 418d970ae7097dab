using System.Globalization;
using System.Text;

namespace Arbitrage.Core.Sweeps;

/// <summary>
/// A configuration's train or test side over all windows: each number is the mean over the windows (one window for a
/// split), a ratio's mean over the windows where it is defined (null when it is defined in none).
/// </summary>
public sealed record SweepSide(double? Objective, double Trades, decimal PnlUsd, decimal PnlR, double? ProfitFactor, double? Sortino)
{
    public static SweepSide Of(IReadOnlyList<SweepMetrics> windows, SweepObjective objective)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var n = Math.Max(windows.Count, 1);
        return new SweepSide(
            Mean(windows.Select(w => w.Objective(objective))),
            windows.Sum(w => (double)w.Trades) / n,
            windows.Sum(w => w.PnlUsd) / n,
            windows.Sum(w => w.PnlR) / n,
            Mean(windows.Select(w => w.ProfitFactor)),
            Mean(windows.Select(w => w.Sortino)));
    }

    internal static double? Mean(IEnumerable<double?> values)
    {
        double sum = 0;
        var n = 0;
        foreach (var v in values)
        {
            if (v is { } x)
            {
                sum += x;
                n++;
            }
        }

        return n == 0 ? null : sum / n;
    }
}

/// <summary>A row of <c>ranking.csv</c>.</summary>
public sealed record SweepRow(
    int Rank,
    SweepResult Result,
    SweepSide Train,
    SweepSide Test,
    double? Degradation,
    IReadOnlyList<string> OverfitReasons)
{
    public bool Overfit => OverfitReasons.Count > 0;
}

/// <summary>The ranked table and the sweep-wide numbers behind the overfit flags.</summary>
public sealed record SweepRanking(IReadOnlyList<SweepRow> Rows, double? MeanRankCorrelation, IReadOnlyList<double?> WindowRankCorrelations)
{
    /// <summary>
    /// Ranks by the train objective (the choice a sweep makes in-sample; the test columns show what that choice earned
    /// out of sample), descending, undefined objectives last, ties by config id (ordinal): the same results give the
    /// same table in any order. Overfit flags: <see cref="SweepOverfit"/>.
    /// </summary>
    public static SweepRanking Of(IReadOnlyList<SweepResult> results, SweepObjective objective, SweepOverfitRule rule)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(rule);
        var sides = results.Select(r => (
            Result: r,
            Train: SweepSide.Of(r.Windows.Select(w => w.Train).ToArray(), objective),
            Test: SweepSide.Of(r.Windows.Select(w => w.Test).ToArray(), objective))).ToArray();
        var ordered = sides
            .OrderBy(s => s.Train.Objective is null)
            .ThenByDescending(s => s.Train.Objective ?? 0)
            .ThenBy(s => s.Result.ConfigId, StringComparer.Ordinal)
            .ToArray();
        var correlations = SweepOverfit.WindowRankCorrelations(results, objective);
        var meanCorrelation = SweepSide.Mean(correlations);
        var spreads = SweepOverfit.TestRankSpreads(results, objective);
        var rows = ordered.Select((s, i) =>
        {
            var reasons = new List<string>();
            if (SweepOverfit.Degraded(s.Train.Objective, s.Test.Objective, rule.MaxDegradation))
            {
                reasons.Add(SweepOverfit.DegradationReason);
            }

            if (rule.MaxRankSpread is { } maxSpread && spreads.TryGetValue(s.Result.ConfigId, out var spread) && spread > maxSpread)
            {
                reasons.Add(SweepOverfit.RankSpreadReason);
            }

            if (rule.MinRankCorrelation is { } minCorrelation && meanCorrelation is { } mean && mean < minCorrelation)
            {
                reasons.Add(SweepOverfit.RankCorrelationReason);
            }

            return new SweepRow(i + 1, s.Result, s.Train, s.Test, SweepOverfit.DegradationOf(s.Train.Objective, s.Test.Objective), reasons);
        }).ToArray();
        return new SweepRanking(rows, meanCorrelation, correlations);
    }

    /// <summary>
    /// <c>ranking.csv</c>: <c>rank,config_id,&lt;one column per parameter path&gt;,train_&lt;objective&gt;,test_&lt;objective&gt;,
    /// train_trades,test_trades,train_pnl_usd,test_pnl_usd,train_pnl_r,test_pnl_r,train_profit_factor,test_profit_factor,
    /// train_sortino,test_sortino,degradation,overfit,overfit_reason</c>, without the pair that repeats the objective's
    /// (objective <c>pnl_r</c>: its columns come once, after the parameters); numbers invariant, doubles shortest
    /// round-trip, an undefined value empty, <c>overfit</c> <c>true</c>/<c>false</c>, reasons joined by <c>;</c>.
    /// </summary>
    public string ToCsv(IReadOnlyList<SweepParameter> parameters, SweepObjective objective)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var name = SweepSpec.NameOf(objective);
        (string Name, Func<SweepSide, string> Value)[] metrics =
        [
            ("trades", m => Num(m.Trades)), ("pnl_usd", m => Dec(m.PnlUsd)), ("pnl_r", m => Dec(m.PnlR)),
            ("profit_factor", m => Num(m.ProfitFactor)), ("sortino", m => Num(m.Sortino)),
        ];
        var fixedMetrics = metrics.Where(m => m.Name != name).ToArray();
        var sb = new StringBuilder();
        sb.AppendJoin(',', new[] { "rank", "config_id" }.Concat(parameters.Select(p => Field(p.Path)))
            .Concat(["train_" + name, "test_" + name])
            .Concat(fixedMetrics.SelectMany(m => new[] { "train_" + m.Name, "test_" + m.Name }))
            .Concat(["degradation", "overfit", "overfit_reason"])).Append('\n');
        foreach (var row in Rows)
        {
            sb.AppendJoin(',', new[] { Int(row.Rank), Field(row.Result.ConfigId) }.Concat(row.Result.Values.Select(Field))
                .Concat([Num(row.Train.Objective), Num(row.Test.Objective)])
                .Concat(fixedMetrics.SelectMany(m => new[] { m.Value(row.Train), m.Value(row.Test) }))
                .Concat([Num(row.Degradation), row.Overfit ? "true" : "false", string.Join(';', row.OverfitReasons)])).Append('\n');
        }

        return sb.ToString();
    }

    public static string Num(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";

    public static string Dec(decimal d) => SweepSpec.Number(Math.Round(d, 12));

    private static string Int(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static string Field(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
