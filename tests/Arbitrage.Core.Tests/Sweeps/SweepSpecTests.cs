using Arbitrage.Core.Sweeps;

namespace Arbitrage.Core.Tests.Sweeps;

/// <summary>The spec's contract: every field read as the README says, and a refusal that names the field for each bad input.</summary>
public sealed class SweepSpecTests
{
    private const string Dir = "/specs";

    private const string Valid = """
        {
          "strategy": "../strategies/s.json",
          "tapes": ["a.zip", "/abs/b.csv"],
          "parameters": {
            "threshold": { "values": [40, 50.0, 60] },
            "tp_sl.sl_atr": { "min": 1.0, "max": 2.0, "step": 0.25 },
            "enabled": { "values": [true, false] }
          },
          "search": { "type": "random", "samples": 5, "seed": 42 },
          "objective": "profit_factor",
          "validation": { "type": "walk_forward", "train_days": 2.5, "test_hours": 6 },
          "overfit": { "max_degradation": 0.3, "min_rank_correlation": 0.2, "max_rank_spread": 0.6 },
          "starting_balance_usd": 500,
          "parallelism": 3
        }
        """;

    [Fact]
    public void A_full_spec_is_read_with_paths_resolved_against_the_spec_folder()
    {
        var spec = SweepSpec.Parse(Valid, Dir, processorCount: 2, out var error);
        Assert.Null(error);
        Assert.NotNull(spec);
        Assert.Equal(Path.GetFullPath("/strategies/s.json"), spec.Strategy);
        Assert.Equal([Path.GetFullPath("/specs/a.zip"), Path.GetFullPath("/abs/b.csv")], spec.Tapes);
        Assert.Equal(["threshold", "tp_sl.sl_atr", "enabled"], spec.Parameters.Select(p => p.Path));
        Assert.Equal(["40", "50", "60"], spec.Parameters[0].Values); // 50.0 is written as 50: the CSV and the strategy file agree
        Assert.Equal(["1", "1.25", "1.5", "1.75", "2"], spec.Parameters[1].Values); // decimal steps reach max exactly
        Assert.Equal(["true", "false"], spec.Parameters[2].Values);
        Assert.Equal(new SweepSearch(true, 5, 42), spec.Search);
        Assert.Equal(SweepObjective.ProfitFactor, spec.Objective);
        Assert.Equal(SweepValidation.Rolling(60 * 3_600_000L, 6 * 3_600_000L), spec.Validation);
        Assert.Equal(new SweepOverfitRule(0.3, 0.2, 0.6), spec.Overfit);
        Assert.Equal(500m, spec.StartingBalanceUsd);
        Assert.Equal(3, spec.Parallelism);
    }

    [Fact]
    public void Defaults_are_grid_the_default_overfit_rule_1000_usd_and_every_processor()
    {
        var spec = SweepSpec.Parse(
            """{"strategy":"s.json","tapes":["t.zip"],"parameters":{"threshold":{"values":[1]}},"objective":"pnl_r","validation":{"type":"split","train_share":0.7}}""",
            Dir, processorCount: 7, out var error);
        Assert.Null(error);
        Assert.Equal(SweepSearch.Grid, spec!.Search);
        Assert.Equal(SweepValidation.Split(0.7), spec.Validation);
        Assert.Equal(SweepOverfitRule.Default, spec.Overfit);
        Assert.Equal(1000m, spec.StartingBalanceUsd);
        Assert.Equal(7, spec.Parallelism);
    }

    [Theory]
    [InlineData("\"objective\": \"profit_factor\",", "", "objective: required")]
    [InlineData("\"objective\": \"profit_factor\"", "\"objective\": \"winrate\"", "objective: \"winrate\" is not one of sortino, sharpe, profit_factor, pnl_r, pnl_usd, expectancy_r, calmar")]
    [InlineData("\"starting_balance_usd\": 500", "\"starting_balance_usd\": -1", "starting_balance_usd: must be a positive number")]
    [InlineData("\"parallelism\": 3", "\"parallelism\": 0", "parallelism: must be a whole number ≥ 1")]
    [InlineData("\"parallelism\": 3", "\"paralelism\": 3", "paralelism: unknown field")]
    [InlineData("\"tapes\": [\"a.zip\", \"/abs/b.csv\"]", "\"tapes\": []", "tapes: must be a non-empty array")]
    [InlineData("\"tapes\": [\"a.zip\", \"/abs/b.csv\"]", "\"tapes\": [\"a.zip\", 3]", "tapes[1]: a non-empty string is needed")]
    [InlineData("\"step\": 0.25", "\"step\": 0", "parameters.tp_sl.sl_atr.step: must be > 0")]
    [InlineData("\"min\": 1.0", "\"min\": 3.0", "parameters.tp_sl.sl_atr.max: 2 is below min 3")]
    [InlineData("[40, 50.0, 60]", "[40, 40]", "parameters.threshold.values: a value is listed twice")]
    [InlineData("[40, 50.0, 60]", "[]", "parameters.threshold.values: must be a non-empty array")]
    [InlineData("[40, 50.0, 60]", "[{\"a\":1}]", "parameters.threshold.values: {\"a\":1}: only numbers, strings and booleans")]
    [InlineData("\"seed\": 42", "\"seed\": -1", "search.seed: must be a whole number ≥ 0")]
    [InlineData(", \"seed\": 42", "", "search.seed: required")]
    [InlineData("\"type\": \"random\"", "\"type\": \"bayes\"", "search.type: \"bayes\" is not grid or random")]
    [InlineData("\"type\": \"walk_forward\", \"train_days\": 2.5", "\"type\": \"walk_forward\", \"train_days\": 2.5, \"train_hours\": 1", "validation.train_days: give either train_days or train_hours")]
    [InlineData("\"test_hours\": 6", "\"test_hours\": 0", "validation.test_hours: must be > 0")]
    [InlineData("{ \"type\": \"walk_forward\", \"train_days\": 2.5, \"test_hours\": 6 }", "{ \"type\": \"split\", \"train_share\": 1 }", "validation.train_share: must be in (0, 1)")]
    [InlineData("{ \"type\": \"walk_forward\", \"train_days\": 2.5, \"test_hours\": 6 }", "{ \"type\": \"split\" }", "validation.train_share: required")]
    [InlineData("\"max_degradation\": 0.3", "\"max_degradation\": 1.5", "overfit.max_degradation: must be in [0, 1]")]
    [InlineData("\"min_rank_correlation\": 0.2", "\"min_rank_correlation\": 2", "overfit.min_rank_correlation: must be in [-1, 1]")]
    public void A_bad_field_is_refused_with_its_name(string replace, string with, string expected)
    {
        Assert.Contains(replace, Valid, StringComparison.Ordinal);
        var text = Valid.Replace(replace, with, StringComparison.Ordinal);
        var spec = SweepSpec.Parse(text, Dir, 2, out var error);
        Assert.Null(spec);
        Assert.NotNull(error);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grid_beyond_the_limit_is_refused_but_the_same_space_sampled_is_not()
    {
        var huge = """{"strategy":"s.json","tapes":["t.zip"],"parameters":{"a":{"min":0,"max":999,"step":1},"b":{"min":0,"max":999,"step":1}},"objective":"pnl_r","validation":{"type":"split","train_share":0.5}}""";
        Assert.Null(SweepSpec.Parse(huge, Dir, 1, out var error));
        Assert.StartsWith("parameters: the grid has 1,000,000 configurations", error, StringComparison.Ordinal);
        var sampled = huge.Replace("\"objective\"", "\"search\":{\"type\":\"random\",\"samples\":10,\"seed\":1},\"objective\"", StringComparison.Ordinal);
        Assert.NotNull(SweepSpec.Parse(sampled, Dir, 1, out _));
    }
}
