using Arbitrage.Core.Strategies;
using Arbitrage.Core.Funding.Carry;
using Arbitrage.Engine.Funding.Carry;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Funding.Carry;

public sealed class CarryConfigLoaderTests
{
    private static string RepoFile => Path.Combine(RepoPaths.Root, "strategies", "carry", "carry_funding.json");

    [Fact]
    public void The_repository_carry_file_is_valid()
    {
        var result = CarryConfigLoader.Load(RepoFile);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var c = result.Config!;
        Assert.Equal("carry_funding", c.Id);
        Assert.Equal(["BTCUSDT", "ETHUSDT"], c.Symbols);
        Assert.Equal(10000m, c.NotionalUsd);
        Assert.Equal(0.12m, c.Parameters.EnterMinAnnualised);
        Assert.Equal(0.03m, c.Parameters.ExitBelowAnnualised);
        Assert.Equal(-0.0005m, c.Parameters.EnterMinBasis);
        Assert.Equal(720L * 3_600_000, c.Parameters.MaxHoldingMs);
        Assert.Null(c.Parameters.ExitBasisWidening);
    }

    [Fact]
    public void A_missing_file_is_named_by_the_full_path_looked_in()
    {
        var relative = Path.Combine("arb-no-such-" + Guid.NewGuid().ToString("N"), "carry", "carry_funding.json");
        var error = Assert.Single(CarryConfigLoader.Load(relative).Errors);
        Assert.Equal(Path.GetFullPath(relative), error.File);
        Assert.Equal("file not found", error.Message);
    }

    [Fact]
    public void The_signal_strategy_loader_reads_only_the_top_level_so_the_carry_subfolder_does_not_break_it()
    {
        var set = StrategyLoader.LoadDirectory(RepoPaths.Strategies);
        Assert.True(set.IsValid, string.Join("\n", set.Errors));
        Assert.DoesNotContain(set.Strategies, s => s.Id == "carry_funding");
    }

    [Theory]
    [InlineData("""{"id":"c","symbols":["BTCUSDT"],"notional_usd":0,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.03,"max_holding_hours":24}""", "$.notional_usd", "range")]
    [InlineData("""{"id":"c","symbols":["BTCUSDT"],"notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.2,"max_holding_hours":24}""", "$.exit_below_annualised", "threshold-order")]
    [InlineData("""{"id":"c","symbols":["btc"],"notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.03,"max_holding_hours":24}""", "$.symbols[0]", "format")]
    [InlineData("""{"id":"c","symbols":["BTCUSDT"],"notional_usd":10,"entry_min_annualised":"x","entry_min_basis":0,"exit_below_annualised":0.03,"max_holding_hours":24}""", "$.entry_min_annualised", "type")]
    [InlineData("""{"id":"c","symbols":["BTCUSDT"],"notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.03}""", "$.max_holding_hours", "required")]
    [InlineData("""{"id":"c","symbols":["BTCUSDT"],"notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.03,"max_holding_hours":24,"treshold":1}""", "$.treshold", "unknown-field")]
    [InlineData("""{"id":"c","symbols":["BTCUSDT"],"notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.03,"max_holding_hours":24,"funding_interval_hours":2.5}""", "$.funding_interval_hours", "range")]
    [InlineData("""{"id":"c", }""", "$", "json-syntax")]
    public void A_bad_file_is_rejected_with_the_file_the_json_path_and_the_rule(string json, string path, string rule)
    {
        var result = CarryConfigLoader.LoadText("strategies/carry/bad.json", json);
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors, e => e.JsonPath == path);
        Assert.Equal(rule, error.Rule);
        Assert.StartsWith($"strategies/carry/bad.json: {path}: ", error.ToString(), StringComparison.Ordinal);
    }
}
