using Arbitrage.Core.Execution;
using Arbitrage.Core.Sweeps;

namespace Arbitrage.Core.Tests.Sweeps;

/// <summary>
/// The overfit flag on constructed sweeps: a parameter that only picks a noise stream (train and test independent coin
/// flips) is flagged, its best train configuration degraded and the rankings uncorrelated; a parameter that carries a
/// real edge (the same in train and test) is not.
/// </summary>
public sealed class SweepOverfitTests
{
    private const long H = 3_600_000L;
    private static readonly long T0 = new DateTimeOffset(2026, 5, 8, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly IReadOnlyList<SweepWindow> Split = SweepWindows.Of(SweepValidation.Split(0.5), T0, T0 + (20 * H) - 1);

    [Fact]
    public void A_parameter_that_fits_noise_in_train_is_flagged_overfit()
    {
        // 20 configurations (noise_seed 1..20); 10 trades in train and 10 in test, each +1 R or −1 R from independent streams.
        var results = Enumerable.Range(1, 20).Select(k => Result(k, Split, (window, i) =>
        {
            var rng = new SplitMix64((ulong)((k * 1000) + (window * 100) + i));
            return rng.Next() % 2 == 0 ? 1m : -1m;
        })).ToArray();
        var ranking = SweepRanking.Of(results, SweepObjective.PnlR, new SweepOverfitRule(0.5, MinRankCorrelation: 0.5, MaxRankSpread: null));

        var best = ranking.Rows[0];
        Assert.True(best.Train.Objective > 0, "the best train configuration made money in train");
        Assert.True(best.Test.Objective < 0.5 * best.Train.Objective, $"noise: test {best.Test.Objective} vs train {best.Train.Objective}");
        Assert.Contains(SweepOverfit.DegradationReason, best.OverfitReasons);
        Assert.True(ranking.MeanRankCorrelation < 0.5, $"train ranks do not predict test ranks: rho {ranking.MeanRankCorrelation}");
        Assert.All(ranking.Rows, r => Assert.Contains(SweepOverfit.RankCorrelationReason, r.OverfitReasons));
        Assert.All(ranking.Rows, r => Assert.Equal(r.OverfitReasons.Count > 0, r.Overfit));
    }

    [Fact]
    public void A_parameter_with_a_real_edge_is_not_flagged()
    {
        // Edge 1 + 0.1 k R per trade in both halves, ±0.05 R noise: the ranking holds out of sample.
        var results = Enumerable.Range(1, 20).Select(k => Result(k, Split, (window, i) =>
        {
            var rng = new SplitMix64((ulong)((k * 1000) + (window * 100) + i));
            return 1m + (0.1m * k) + (rng.Next() % 2 == 0 ? 0.05m : -0.05m);
        })).ToArray();
        var ranking = SweepRanking.Of(results, SweepObjective.PnlR, new SweepOverfitRule(0.5, MinRankCorrelation: 0.5, MaxRankSpread: null));
        Assert.True(ranking.MeanRankCorrelation > 0.9, $"rho {ranking.MeanRankCorrelation}");
        Assert.All(ranking.Rows, r => Assert.False(r.Overfit, $"{r.Result.ConfigId}: {string.Join(';', r.OverfitReasons)}"));
        Assert.Equal("c020", ranking.Rows[0].Result.ConfigId);
    }

    [Theory]
    [InlineData(10.0, 6.0, 0.5, false, 0.4)] // kept 60 %: within a 50 % degradation
    [InlineData(10.0, 4.0, 0.5, true, 0.6)] // kept 40 %
    [InlineData(10.0, -1.0, 1.0, true, 1.1)] // test ≤ 0 < train: flagged at any allowance
    [InlineData(10.0, 0.0, 1.0, true, 1.0)]
    [InlineData(-2.0, -5.0, 0.0, false, null)] // nothing to degrade from
    [InlineData(0.0, -5.0, 0.0, false, null)]
    public void Degradation_follows_the_rule(double train, double test, double maxDegradation, bool flagged, double? degradation)
    {
        Assert.Equal(flagged, SweepOverfit.Degraded(train, test, maxDegradation));
        var d = SweepOverfit.DegradationOf(train, test);
        Assert.Equal(degradation is null, d is null);
        if (degradation is { } expected)
        {
            Assert.Equal(expected, d!.Value, 12);
        }
    }

    [Fact]
    public void Walk_forward_a_configuration_whose_test_rank_swings_between_windows_is_flagged()
    {
        var windows = SweepWindows.Of(SweepValidation.Rolling(4 * H, 2 * H), T0, T0 + (8 * H) - 1);
        Assert.Equal(2, windows.Count);

        // Test R per window: c001 best then worst; c002 and c003 steady in the middle and bottom.
        decimal[][] testR = [[5m, -5m], [1m, 1m], [0m, 0m]];
        var results = Enumerable.Range(1, 3).Select(k => Result(k, windows, (_, w) => testR[k - 1][w], perWindow: true)).ToArray();
        var spreads = SweepOverfit.TestRankSpreads(results, SweepObjective.PnlR);
        Assert.Equal(1.0, spreads["c001"], 12);
        Assert.Equal(0.5, spreads["c002"], 12); // best (share 0) then middle (0.5)
        Assert.Equal(0.5, spreads["c003"], 12);
        var ranking = SweepRanking.Of(results, SweepObjective.PnlR, new SweepOverfitRule(1.0, null, MaxRankSpread: 0.6));
        Assert.Equal(["c001"], ranking.Rows.Where(r => r.OverfitReasons.Contains(SweepOverfit.RankSpreadReason)).Select(r => r.Result.ConfigId));
    }

    [Fact]
    public void The_ranking_is_by_train_objective_then_config_id_with_undefined_last_whatever_the_input_order()
    {
        static SweepResult R(string id, decimal trainR, bool noTrades = false) => new(id, ["1"], T0, T0 + (20 * H) - 1, 1, Split.Select(w => new SweepWindowResult(
            w,
            new SweepMetrics(noTrades ? 0 : 1, trainR, trainR, noTrades ? null : 1.0, null, null, null, null),
            new SweepMetrics(1, 0m, 0m, null, null, null, null, null))).ToArray());
        SweepResult[] results = [R("c004", 1m), R("c002", 3m), R("c003", 1m), R("c001", 0m, noTrades: true)];
        var a = SweepRanking.Of(results, SweepObjective.ProfitFactor, SweepOverfitRule.Default);
        Assert.Equal(["c002", "c003", "c004", "c001"], a.Rows.Select(r => r.Result.ConfigId)); // profit factor 1,1,1 then undefined
        var b = SweepRanking.Of(results.Reverse().ToArray(), SweepObjective.PnlR, SweepOverfitRule.Default);
        Assert.Equal(["c002", "c003", "c004", "c001"], b.Rows.Select(r => r.Result.ConfigId));
        SweepParameter[] parameters = [new("p", ["1"])];
        Assert.Equal(b.ToCsv(parameters, SweepObjective.PnlR), SweepRanking.Of(results, SweepObjective.PnlR, SweepOverfitRule.Default).ToCsv(parameters, SweepObjective.PnlR));
        Assert.StartsWith(
            "rank,config_id,p,train_pnl_r,test_pnl_r,train_trades,test_trades,train_pnl_usd,test_pnl_usd,train_profit_factor,test_profit_factor,train_sortino,test_sortino,degradation,overfit,overfit_reason\n1,c002,1,3,0,1,1,3,0,1,,,,1,true,degradation\n",
            b.ToCsv(parameters, SweepObjective.PnlR),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Spearman_uses_mean_ranks_for_ties()
    {
        Assert.Equal([1.5, 1.5, 3.0], SweepOverfit.Ranks([2.0, 2.0, 5.0]));
        Assert.Equal(1.0, SweepOverfit.Spearman([1, 2, 3, 4], [10, 20, 30, 400])!.Value, 12);
        Assert.Equal(-1.0, SweepOverfit.Spearman([1, 2, 3, 4], [4, 3, 2, 1])!.Value, 12);
        Assert.Null(SweepOverfit.Spearman([1, 1, 1], [1, 2, 3]));
    }

    /// <summary>
    /// A configuration's result from constructed trades: 10 trades in each train and each test period (or, with
    /// <paramref name="perWindow"/>, one test trade per window whose R is <c>r(1, windowIndex)</c>), each 1 USD per R.
    /// </summary>
    private static SweepResult Result(int k, IReadOnlyList<SweepWindow> windows, Func<int, int, decimal> r, bool perWindow = false)
    {
        var trades = new List<TradeClosed>();
        if (perWindow)
        {
            // Walk-forward: per window, one trade in its test period (test periods do not overlap); trains see earlier tests.
            for (var w = 0; w < windows.Count; w++)
            {
                var pnl = r(1, w);
                trades.Add(SweepWindowsTests.Trade(windows[w].TestFromMs + 1, windows[w].TestFromMs + 2, pnl, pnl));
            }
        }
        else
        {
            for (var side = 0; side < 2; side++)
            {
                var from = side == 0 ? windows[0].TrainFromMs : windows[0].TestFromMs;
                for (var i = 0; i < 10; i++)
                {
                    var pnl = r(side, i);
                    trades.Add(SweepWindowsTests.Trade(from + (i * H / 2), from + (i * H / 2) + 1, pnl, pnl));
                }
            }
        }

        return new SweepResult($"c{k:000}", [k.ToString(System.Globalization.CultureInfo.InvariantCulture)], windows[0].TrainFromMs, windows[^1].TestToMs - 1, 1000,
            SweepWindows.Measure(windows, trades, 1000m));
    }
}
