namespace Arbitrage.Core.Sweeps;

/// <summary>
/// The overfit flag of a configuration (README "Parameter sweeps"), each reason a pure rule:
/// <list type="bullet">
/// <item><c>degradation</c>: train objective &gt; 0 and test objective ≤ 0, or test &lt; (1 − max_degradation) × train
/// (train/test: means over the windows). Not evaluated when either is undefined or train ≤ 0 (nothing to degrade from).</item>
/// <item><c>rank_spread</c> (walk-forward, with <c>max_rank_spread</c>): in each window the configurations are ranked by
/// their test objective, a rank as a share of the table (0 best, 1 worst, ties share the mean rank); flagged when the
/// configuration's share moves by more than <c>max_rank_spread</c> between its best and worst window.</item>
/// <item><c>rank_correlation</c> (with <c>min_rank_correlation</c>): in each window, the Spearman correlation between
/// the configurations' train and test objectives (≥ 3 configurations with both defined); when its mean over the windows
/// is below the minimum, the train ranking does not predict the test ranking and every row is flagged.</item>
/// </list>
/// </summary>
public static class SweepOverfit
{
    public const string DegradationReason = "degradation";
    public const string RankSpreadReason = "rank_spread";
    public const string RankCorrelationReason = "rank_correlation";

    /// <summary>1 − test / train when train &gt; 0 and test is defined (0: as good out of sample, 1: nothing left); else null.</summary>
    public static double? DegradationOf(double? train, double? test) =>
        train is > 0 and var t && test is { } s ? 1.0 - (s / t) : null;

    public static bool Degraded(double? train, double? test, double maxDegradation) =>
        train is > 0 and var t && test is { } s && (s <= 0 || s < (1.0 - maxDegradation) * t);

    /// <summary>Per window, the Spearman correlation of train and test objectives across the configurations (null: fewer than 3, or no variation).</summary>
    public static IReadOnlyList<double?> WindowRankCorrelations(IReadOnlyList<SweepResult> results, SweepObjective objective)
    {
        ArgumentNullException.ThrowIfNull(results);
        var windows = results.Count == 0 ? 0 : results.Min(r => r.Windows.Count);
        var correlations = new double?[windows];
        for (var w = 0; w < windows; w++)
        {
            var pairs = results
                .Select(r => (Train: r.Windows[w].Train.Objective(objective), Test: r.Windows[w].Test.Objective(objective)))
                .Where(p => p.Train is not null && p.Test is not null)
                .Select(p => (Train: p.Train!.Value, Test: p.Test!.Value))
                .ToArray();
            correlations[w] = pairs.Length < 3 ? null : Spearman(pairs.Select(p => p.Train).ToArray(), pairs.Select(p => p.Test).ToArray());
        }

        return correlations;
    }

    /// <summary>Per configuration with a test objective in ≥ 2 windows: the spread of its test rank share across the windows.</summary>
    public static IReadOnlyDictionary<string, double> TestRankSpreads(IReadOnlyList<SweepResult> results, SweepObjective objective)
    {
        ArgumentNullException.ThrowIfNull(results);
        var shares = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var windows = results.Count == 0 ? 0 : results.Min(r => r.Windows.Count);
        for (var w = 0; w < windows; w++)
        {
            var defined = results.Where(r => r.Windows[w].Test.Objective(objective) is not null).ToArray();
            if (defined.Length < 2)
            {
                continue;
            }

            // Rank 1 = best: ranks of the negated objective.
            var ranks = Ranks(defined.Select(r => -r.Windows[w].Test.Objective(objective)!.Value).ToArray());
            for (var i = 0; i < defined.Length; i++)
            {
                var list = shares.TryGetValue(defined[i].ConfigId, out var l) ? l : shares[defined[i].ConfigId] = [];
                list.Add((ranks[i] - 1) / (defined.Length - 1));
            }
        }

        return shares.Where(s => s.Value.Count >= 2).ToDictionary(s => s.Key, s => s.Value.Max() - s.Value.Min(), StringComparer.Ordinal);
    }

    /// <summary>Spearman's rho: the Pearson correlation of the ranks (ties share their mean rank); null without variation.</summary>
    public static double? Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count || x.Count < 2)
        {
            return null;
        }

        var rx = Ranks(x);
        var ry = Ranks(y);
        var mx = rx.Average();
        var my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }

        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : null;
    }

    /// <summary>1-based ranks in ascending order; tied values share the mean of their ranks.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ThenBy(i => i).ToArray();
        var ranks = new double[values.Count];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]])
            {
                j++;
            }

            var mean = ((i + 1) + (j + 1)) / 2.0;
            for (var k = i; k <= j; k++)
            {
                ranks[order[k]] = mean;
            }

            i = j + 1;
        }

        return ranks;
    }
}
