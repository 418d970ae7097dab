using System.Text.Json.Nodes;
using Arbitrage.Core.Strategies;
using Arbitrage.Core.Tests.Strategies;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Core.Tests.Triangles;

/// <summary><c>strategies/triangles/*.json</c>: parsed with the strategy files' JSON toolkit and error shape.</summary>
public sealed class TriangleConfigLoaderTests
{
    private const string File = "strategies/triangles/bad.json";

    private const string Minimal = """{"id":"t","venue":"binance-spot","symbols":["BTC/USDT","ETH/USDT","ETH/BTC"],"start_assets":{"USDT":100},"taker_fee":0.001,"min_net_return":0.0005}""";

    private static string With(string name, string json)
    {
        var root = JsonNode.Parse(Minimal)!.AsObject();
        root[name] = JsonNode.Parse(json);
        return root.ToJsonString();
    }

    private static string Without(string name)
    {
        var root = JsonNode.Parse(Minimal)!.AsObject();
        root.Remove(name);
        return root.ToJsonString();
    }

    [Fact]
    public void The_repository_triangle_file_is_the_issues_example()
    {
        var dir = Path.Combine(StrategyFixtures.RepoStrategiesDirectory(), "triangles");
        var files = Directory.GetFiles(dir, "*.json").Select(f => (f, System.IO.File.ReadAllText(f)));
        var set = TriangleConfigLoader.LoadSet(files);
        Assert.True(set.IsValid, string.Join("\n", set.Errors));
        var c = Assert.Single(set.Configs, c => c.Id == "tri_binance");
        Assert.Equal("binance-spot", c.Venue);
        Assert.Equal(["BTC/USDT", "ETH/USDT", "ETH/BTC"], c.Symbols!);
        Assert.Equal([new StartAsset("USDT", 100m), new StartAsset("BTC", 0.002m)], c.StartAssets);
        Assert.Equal((0.001m, 0.0005m, 5000L, true, 0.001m), (c.TakerFee, c.MinNetReturn, c.StalenessMs, c.Enabled, c.ExecuteMinNetReturn));
    }

    [Fact]
    public void Optional_keys_take_their_defaults()
    {
        var c = TriangleConfigLoader.LoadText(File, Minimal).Config!;
        Assert.Equal((5000L, true, 0.001m), (c.StalenessMs, c.Enabled, c.ExecuteMinNetReturn));
        Assert.False(c.AllSymbols);
        Assert.False(c.TakerFeeFromAccount);

        var all = TriangleConfigLoader.LoadText(File, """
            {"id":"t","venue":"gemini","symbols":"*","start_assets":{"USD":1000,"BTC":1e-2},"taker_fee":"account",
             "min_net_return":-0.01,"staleness_ms":250,"enabled":false,"execute_min_net_return":0.002}
            """).Config!;
        Assert.True(all.AllSymbols);
        Assert.True(all.TakerFeeFromAccount);
        Assert.Equal([new StartAsset("USD", 1000m), new StartAsset("BTC", 0.01m)], all.StartAssets);
        Assert.Equal((-0.01m, 250L, false, 0.002m), (all.MinNetReturn, all.StalenessMs, all.Enabled, all.ExecuteMinNetReturn));
        Assert.True(all.Includes("ANY/THING"));

        Assert.True(TriangleConfigLoader.LoadText(File, With("symbols", """["*"]""")).Config!.AllSymbols);
    }

    [Theory]
    [InlineData("id", "\"T!\"", "format")]
    [InlineData("venue", "\"Binance Spot\"", "format")]
    [InlineData("symbols", "\"BTC/USDT\"", "type")]
    [InlineData("symbols", "[]", "range")]
    [InlineData("start_assets", "{}", "range")]
    [InlineData("start_assets", "[\"USDT\"]", "type")]
    [InlineData("taker_fee", "0.1", "range")]
    [InlineData("taker_fee", "-0.001", "range")]
    [InlineData("taker_fee", "\"maker\"", "type")]
    [InlineData("min_net_return", "-1", "range")]
    [InlineData("min_net_return", "\"0\"", "type")]
    [InlineData("staleness_ms", "0", "range")]
    [InlineData("staleness_ms", "1.5", "range")]
    [InlineData("enabled", "\"yes\"", "type")]
    [InlineData("execute_min_net_return", "0", "range")]
    [InlineData("treshold", "1", "unknown-field")]
    public void A_bad_value_is_rejected_with_the_file_the_json_path_and_the_rule(string name, string value, string rule)
    {
        var result = TriangleConfigLoader.LoadText(File, With(name, value));
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal((File, "$." + name, rule), (error.File, error.JsonPath, error.Rule));
        Assert.StartsWith($"{File}: $.{name}: ", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["BTC/USDT","btc/eth"]""", "$.symbols[1]", "format")]
    [InlineData("""["BTC/USDT","BTCUSDT"]""", "$.symbols[1]", "format")]
    [InlineData("""["BTC/USDT","BTC/BTC"]""", "$.symbols[1]", "format")]
    [InlineData("""["BTC/USDT","BTC/USDT"]""", "$.symbols[1]", "duplicate-symbol")]
    [InlineData("""["BTC/USDT","USDT/BTC"]""", "$.symbols[1]", "duplicate-pair")]
    [InlineData("""["BTC/USDT","*"]""", "$.symbols[1]", "format")]
    [InlineData("""["BTC/USDT",7]""", "$.symbols[1]", "type")]
    public void Each_symbol_is_a_distinct_BASE_slash_QUOTE(string symbols, string path, string rule)
    {
        var error = Assert.Single(TriangleConfigLoader.LoadText(File, With("symbols", symbols)).Errors);
        Assert.Equal((path, rule), (error.JsonPath, error.Rule));
    }

    [Theory]
    [InlineData("""{"USDT":0}""", "$.start_assets.USDT", "range")]
    [InlineData("""{"USDT":"100"}""", "$.start_assets.USDT", "type")]
    [InlineData("""{"usdt":100}""", "$.start_assets.usdt", "format")]
    [InlineData("""{"USDT":100,"USDT":5}""", "$.start_assets.USDT", "duplicate-key")]
    [InlineData("""{"USDT":100,"EUR":5}""", "$.start_assets.EUR", "unknown-asset")]
    public void Each_start_asset_has_a_positive_notional_and_is_traded_by_a_symbol(string startAssets, string path, string rule)
    {
        var error = Assert.Single(TriangleConfigLoader.LoadText(File, With("start_assets", startAssets)).Errors);
        Assert.Equal((path, rule), (error.JsonPath, error.Rule));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("venue")]
    [InlineData("symbols")]
    [InlineData("start_assets")]
    [InlineData("taker_fee")]
    [InlineData("min_net_return")]
    public void Required_keys_are_named_when_missing(string name)
    {
        var error = Assert.Single(TriangleConfigLoader.LoadText(File, Without(name)).Errors);
        Assert.Equal(($"$.{name}", StrategyRules.Required, $"{File}: $.{name}: required field is missing"), (error.JsonPath, error.Rule, error.ToString()));
    }

    [Fact]
    public void Errors_read_like_the_other_strategy_files_and_all_come_at_once()
    {
        string Message(string json) => Assert.Single(TriangleConfigLoader.LoadText(File, json).Errors).ToString();

        Assert.Equal($"{File}: $.taker_fee: must be a number ≥ 0 and < 0.1, or \"account\" (got 0.5)", Message(With("taker_fee", "0.5")));
        Assert.Equal($"{File}: $.min_net_return: must be a number > -1 (got -2)", Message(With("min_net_return", "-2")));
        Assert.Equal($"{File}: $.staleness_ms: must be an integer ≥ 1 and ≤ 2147483647 (got 0)", Message(With("staleness_ms", "0")));
        Assert.Equal($"{File}: $.start_assets.EUR: start asset EUR is in none of the symbols (assets: BTC, ETH, USDT)",
            Message(With("start_assets", """{"EUR":1}""")));
        Assert.Equal($"{File}: $.symbols[1]: \"USDT/BTC\" trades the same two assets as \"BTC/USDT\"; keep one",
            Message(With("symbols", """["BTC/USDT","USDT/BTC"]""")));
        Assert.StartsWith($"{File}: $.wat: unknown field \"wat\"; known: id, venue, symbols, start_assets, taker_fee, min_net_return, staleness_ms, enabled, execute_min_net_return",
            Message(With("wat", "1")));
        Assert.Equal($"{File}: $.venue: must match ^[a-z0-9][a-z0-9_-]{{0,39}}$ (got \"Binance\")", Message(With("venue", "\"Binance\"")));

        var many = TriangleConfigLoader.LoadText(File, """{"id":"t","venue":"x","symbols":[],"start_assets":{"A":0},"taker_fee":1,"typo":2}""");
        Assert.Equal(
            [
                ("$.typo", StrategyRules.UnknownField),
                ("$.symbols", StrategyRules.Range),
                ("$.start_assets.A", StrategyRules.Range),
                ("$.taker_fee", StrategyRules.Range),
                ("$.min_net_return", StrategyRules.Required),
            ],
            many.Errors.Select(e => (e.JsonPath, e.Rule)));
    }

    [Fact]
    public void A_syntax_error_names_the_line_and_the_nearest_path()
    {
        var error = Assert.Single(TriangleConfigLoader.LoadText(File, "{\"id\":\"t\",\n \"venue\": ,}").Errors);
        Assert.Equal(("$.venue", StrategyRules.JsonSyntax), (error.JsonPath, error.Rule));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(StrategyRules.Type, Assert.Single(TriangleConfigLoader.LoadText(File, "[1]").Errors).Rule);
    }

    [Fact]
    public void A_folder_loads_in_file_name_order_and_a_repeated_id_is_refused_in_the_later_file()
    {
        var set = TriangleConfigLoader.LoadSet(
        [
            ("triangles/b.json", Minimal),
            ("triangles/a.json", Minimal.Replace("\"binance-spot\"", "\"gemini\"", StringComparison.Ordinal)),
            ("triangles/c.json", With("taker_fee", "7")),
            ("triangles/d.json", With("id", "\"u\"")),
        ]);
        Assert.False(set.IsValid);
        Assert.Equal([("t", "gemini"), ("u", "binance-spot")], set.Configs.Select(c => (c.Id, c.Venue)));
        Assert.Equal(
            [
                ("triangles/b.json", "$.id", StrategyRules.DuplicateId, "duplicate id \"t\" (already defined in triangles/a.json)"),
                ("triangles/c.json", "$.taker_fee", StrategyRules.Range, "must be a number ≥ 0 and < 0.1, or \"account\" (got 7)"),
            ],
            set.Errors.Select(e => (e.File, e.JsonPath, e.Rule, e.Message)));
    }

    [Fact]
    public void The_detector_settings_take_the_files_numbers_as_a_json_reader_would()
    {
        var c = TriangleConfigLoader.LoadText(File, With("min_net_return", "-0.0003")).Config!;
        var s = TriangleDetectorSettings.For(c);
        Assert.Equal((0.001, -0.0003, 5000L), (s.TakerFee, s.MinNetReturn, s.StalenessMs));

        var account = TriangleConfigLoader.LoadText(File, With("taker_fee", "\"account\"")).Config!;
        Assert.Throws<ArgumentException>(() => TriangleDetectorSettings.For(account));
        Assert.Equal(0.00075, TriangleDetectorSettings.For(account, accountTakerFee: 0.00075).TakerFee);

        // Universe: the config's own pairs whatever the venue lists; "*" takes the venue's.
        var universe = c.UniverseOn([]);
        Assert.Equal(["USDT>BTC>ETH", "USDT>ETH>BTC"], universe.Cycles.Select(x => x.Id));
        var star = TriangleConfigLoader.LoadText(File, With("symbols", "\"*\"")).Config!;
        Assert.Equal(3, star.UniverseOn(new[] { "BTC/USDT", "ETH/USDT", "ETH/BTC" }.Select(x => TradingPair.TryParse(x, out var p) ? p : null!)).Pairs.Count);
    }
}
