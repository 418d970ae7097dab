using System.Text.Json.Nodes;
using Arbitrage.Core.Funding;
using Arbitrage.Core.Funding.Carry;
using Arbitrage.Core.Strategies;
using static Arbitrage.Core.Tests.Strategies.StrategyFixtures;

namespace Arbitrage.Core.Tests.Strategies;

/// <summary>The carry strategy file, parsed beside the signal strategies with the same JSON toolkit and error shape.</summary>
public sealed class CarryConfigLoaderTests
{
    private const string CarryFile = "strategies/carry/bad.json";

    private const string Minimal = """{"id":"c","symbols":["BTCUSDT"],"notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.03,"max_holding_hours":24}""";

    private static string RepoFile => Path.Combine(RepoStrategiesDirectory(), "carry", "carry_funding.json");

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
        var set = StrategyLoader.LoadDirectory(RepoStrategiesDirectory());
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

    [Theory]
    [InlineData("""{"id":"c","id":"d","symbols":["BTCUSDT"],"notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.03,"max_holding_hours":24}""", "$.id", "duplicate-key")]
    [InlineData("""{"id":"c","symbols":["BTCUSDT","BTCUSDT"],"notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.03,"max_holding_hours":24}""", "$.symbols[1]", "duplicate-symbol")]
    [InlineData("""{"id":"c","symbols":[],"notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.03,"max_holding_hours":24}""", "$.symbols", "range")]
    [InlineData("""{"id":"c","symbols":"BTCUSDT","notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.03,"max_holding_hours":24}""", "$.symbols", "type")]
    [InlineData("""{"id":"C!","symbols":["BTCUSDT"],"notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.03,"max_holding_hours":24}""", "$.id", "format")]
    [InlineData("""{"id":"c","symbols":["BTCUSDT"],"notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"entry_max_basis":-0.1,"exit_below_annualised":0.03,"max_holding_hours":24}""", "$", "range")]
    [InlineData("""{"id":"c","symbols":["BTCUSDT"],"notional_usd":10,"entry_min_annualised":0.1,"entry_min_basis":0,"exit_below_annualised":0.03,"max_holding_hours":24,"enabled":"yes"}""", "$.enabled", "type")]
    [InlineData("""[1]""", "$", "type")]
    public void The_other_rules_a_carry_file_can_break_name_the_path(string json, string path, string rule)
    {
        var error = Assert.Single(CarryConfigLoader.LoadText(CarryFile, json).Errors);
        Assert.Equal((CarryFile, path, rule), (error.File, error.JsonPath, error.Rule));
    }

    [Fact]
    public void Every_error_of_a_file_is_reported_at_once_in_file_order()
    {
        var result = CarryConfigLoader.LoadText(CarryFile, """{"id":"c","symbols":["btc"],"notional_usd":-1,"entry_min_annualised":0.1,"exit_below_annualised":"x","max_holding_hours":24,"fee_rate":0.5,"typo":1}""");
        Assert.Null(result.Config);
        Assert.Equal(
            [
                ("$.typo", StrategyRules.UnknownField),
                ("$.symbols[0]", StrategyRules.Format),
                ("$.notional_usd", StrategyRules.Range),
                ("$.entry_min_basis", StrategyRules.Required),
                ("$.exit_below_annualised", StrategyRules.Type),
                ("$.fee_rate", StrategyRules.Range),
            ],
            result.Errors.Select(e => (e.JsonPath, e.Rule)));
    }

    [Fact]
    public void Errors_read_like_the_strategy_files_errors()
    {
        string Message(string json) => Assert.Single(CarryConfigLoader.LoadText(CarryFile, json).Errors).ToString();

        Assert.Equal("strategies/carry/bad.json: $.notional_usd: must be a number > 0 (got 0)", Message(Minimal.Replace("\"notional_usd\":10", "\"notional_usd\":0", StringComparison.Ordinal)));
        Assert.Equal("strategies/carry/bad.json: $.funding_interval_hours: must be an integer ≥ 1 and ≤ 24 (got 2.5)", Message(Minimal[..^1] + ",\"funding_interval_hours\":2.5}"));
        Assert.Equal("strategies/carry/bad.json: $.entry_min_basis: must be a number ≥ -1 and ≤ 1 (got \"0\")", Message(Minimal.Replace("\"entry_min_basis\":0", "\"entry_min_basis\":\"0\"", StringComparison.Ordinal)));
        Assert.Equal("strategies/carry/bad.json: $.max_holding_hours: required field is missing", Message(Minimal.Replace(",\"max_holding_hours\":24", "", StringComparison.Ordinal)));
        Assert.Equal("strategies/carry/bad.json: $.exit_below_annualised: must not exceed entry_min_annualised (0.1), or a fresh entry exits at once (got 0.2)",
            Message(Minimal.Replace("\"exit_below_annualised\":0.03", "\"exit_below_annualised\":0.2", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("enabled", "\"yes\"")]
    [InlineData("id", "7")]
    [InlineData("wat", "1")]
    public void The_same_mistake_reads_the_same_in_a_signal_strategy_and_in_the_carry_file(string name, string value)
    {
        // One toolkit: a wrong type or an unknown field is worded the same whichever file it is in.
        var carryRoot = JsonNode.Parse(Minimal)!.AsObject();
        carryRoot[name] = JsonNode.Parse(value);
        var path = "$." + name;
        var strategy = Assert.Single(StrategyLoader.LoadText(TestFile, Mutate(r => r[name] = JsonNode.Parse(value))).Errors, e => e.JsonPath == path);
        var carry = Assert.Single(CarryConfigLoader.LoadText(CarryFile, carryRoot.ToJsonString()).Errors, e => e.JsonPath == path);
        Assert.Equal(strategy.Rule, carry.Rule);
        Assert.Equal(strategy.Message.Split("; known:")[0], carry.Message.Split("; known:")[0]);
    }

    [Fact]
    public void A_duplicate_key_reads_the_same_in_a_signal_strategy_and_in_the_carry_file()
    {
        var strategy = Assert.Single(StrategyLoader.LoadText(TestFile, ValidJson.TrimEnd()[..^1] + ",\"id\":\"x\"}").Errors);
        var carry = Assert.Single(CarryConfigLoader.LoadText(CarryFile, Minimal[..^1] + ",\"id\":\"x\"}").Errors);
        Assert.Equal((StrategyRules.DuplicateKey, "$.id", "key \"id\" appears more than once"), (strategy.Rule, strategy.JsonPath, strategy.Message));
        Assert.Equal((strategy.Rule, strategy.JsonPath, strategy.Message), (carry.Rule, carry.JsonPath, carry.Message));
    }

    [Fact]
    public void Optional_keys_take_their_defaults_and_null_limits_mean_none()
    {
        var c = CarryConfigLoader.LoadText(CarryFile, Minimal[..^1] + ",\"entry_max_basis\":null,\"exit_basis_widening\":null}").Config!;
        Assert.Equal(new CarryConfig("c", new CarryParameters(0.1m, 0m, 0.03m, 24L * 3_600_000), 10m, c.Symbols), c);
        Assert.Equal(["BTCUSDT"], c.Symbols);
        Assert.Equal((0.0004m, 8, 0.00001m, 0.001m, true, 100), (c.FeeRate, c.FundingIntervalHours, c.SpotStep, c.PerpStep, c.Enabled, c.SnapshotEvery));

        var all = CarryConfigLoader.LoadText(CarryFile, Minimal[..^1] + ",\"entry_max_basis\":0.002,\"exit_basis_widening\":0.01,\"fee_rate\":0.001,\"funding_interval_hours\":4,\"spot_step\":0.001,\"perp_step\":0.01,\"enabled\":false,\"snapshot_every\":7,\"description\":\"d\"}").Config!;
        Assert.Equal((0.002m, 0.01m), (all.Parameters.EnterMaxBasis, all.Parameters.ExitBasisWidening));
        Assert.Equal((0.001m, 4, 0.001m, 0.01m, false, 7), (all.FeeRate, all.FundingIntervalHours, all.SpotStep, all.PerpStep, all.Enabled, all.SnapshotEvery));
    }
}
