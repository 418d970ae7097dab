using System.Text.Json.Nodes;
using Arbitrage.Core.Strategies;
using static Arbitrage.Core.Tests.Strategies.StrategyFixtures;

namespace Arbitrage.Core.Tests.Strategies;

public sealed class StrategyLoaderTests
{
    private static StrategyError SingleError(string json)
    {
        var result = StrategyLoader.LoadText(TestFile, json);
        Assert.False(result.IsValid);
        Assert.Null(result.Definition);
        return Assert.Single(result.Errors);
    }

    private static void AssertError(string json, string path, string rule, string message)
    {
        var error = SingleError(json);
        Assert.Equal(new StrategyError(TestFile, path, rule, message), error);
        Assert.Equal($"{TestFile}: {path}: {message}", error.ToString());
    }

    // ---- shipped files ------------------------------------------------------------------------------------

    [Fact]
    public void Shipped_v51_baseline_loads_with_the_V51_parameters()
    {
        var result = StrategyLoader.Load(Path.Combine(RepoStrategiesDirectory(), "v51_baseline.json"));
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        var s = result.Definition!;
        Assert.Equal("v51_baseline", s.Id);
        Assert.Equal(["cvd", "p99", "accel", "ls_ratio", "oi", "coinbase_premium"], s.Signals.Select(x => x.Name));
        Assert.Equal(100, s.Signals.Sum(x => x.Weight));
        Assert.Equal(new TpSlConfig(1.4, 1.05, 2.1), s.TpSl);
        Assert.Equal(75, s.Threshold);
        Assert.Equal(10, s.CooldownMinutes);
        Assert.True(s.AllSymbols);
        Assert.True(s.Enabled);
        Assert.Equal("v51", s.SignalPrefix);
    }

    [Fact]
    public void Shipped_v52_8signals_loads_with_the_V52_parameters()
    {
        var result = StrategyLoader.Load(Path.Combine(RepoStrategiesDirectory(), "v52_8signals.json"));
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        var s = result.Definition!;
        Assert.Equal("v52_8signals", s.Id);
        Assert.Equal(["cvd", "p99", "accel", "ls_ratio", "oi", "coinbase_premium", "funding_rate", "liquidation"],
            s.Signals.Select(x => x.Name));
        Assert.Equal(new TpSlConfig(2.1, 1.4, 3.15), s.TpSl);
        Assert.Equal(75, s.Threshold);
        Assert.Equal(10, s.CooldownMinutes);
        Assert.Equal("v52", s.SignalPrefix);
    }

    [Fact]
    public void The_shipped_directory_loads_without_errors()
    {
        var set = StrategyLoader.LoadDirectory(RepoStrategiesDirectory());
        Assert.True(set.IsValid, string.Join(Environment.NewLine, set.Errors));
        Assert.Equal(["example_trades_only", "v51_baseline", "v52_8signals"], set.Strategies.Select(s => s.Id));
    }

    [Fact]
    public void Shipped_example_is_labelled_as_one_and_uses_only_signals_computed_from_trades()
    {
        var result = StrategyLoader.Load(Path.Combine(RepoStrategiesDirectory(), "example_trades_only.json"));
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        var s = result.Definition!;
        Assert.Equal("example_trades_only", s.Id);
        Assert.StartsWith("EXAMPLE, not a recommendation", s.Description, StringComparison.Ordinal);
        Assert.Equal([SignalCatalog.Cvd, SignalCatalog.P99, SignalCatalog.Accel], s.Signals.Select(x => x.Name));

        // Nothing but the trades' indicators: with no other feed at all, no input is missing and the threshold is reachable.
        var tick = LongTick() with { CvdAccel = 30, LargeBuyQty = 5, LargeSellQty = 1 };
        var scored = SignalScorer.Score(s, tick, MarketInputs.Empty);
        Assert.DoesNotContain(scored.Breakdown, c => c.Status == SignalContribution.Missing);
        Assert.True(scored.Score >= s.Threshold, $"score {scored.Score}");
        Assert.True(SignalDecision.Evaluate(s, "BTCUSD_PERP", tick, MarketInputs.Empty, CooldownBook.Empty).Emitted);
    }

    // ---- model ----------------------------------------------------------------------------------------------

    [Fact]
    public void Valid_file_maps_every_field()
    {
        var s = Load(ValidJson);
        Assert.Equal("test_strategy", s.Id);
        Assert.Equal("1.0", s.Version);
        Assert.Equal("t1", s.Tag);
        Assert.Equal("test", s.Description);
        Assert.Equal(["BTCUSDT", "ETHUSDT"], s.Symbols);
        Assert.True(s.AppliesTo("BTCUSDT"));
        Assert.False(s.AppliesTo("SOLUSDT"));
        Assert.Equal(600_000, s.CooldownMs);
        Assert.Equal(0.5, s.Signals[0].Param("base_share"));
    }

    [Fact]
    public void Optional_fields_take_their_defaults()
    {
        var s = Load(Mutate(r =>
        {
            r.Remove("cooldown_minutes");
            r.Remove("enabled");
            r.Remove("tag");
            r.Remove("description");
        }));
        Assert.Equal(10, s.CooldownMinutes);
        Assert.True(s.Enabled);
        Assert.Null(s.Tag);
        Assert.Null(s.Description);
        Assert.Equal("test_strategy", s.SignalPrefix);
        // p99 has no params in the file: its default is filled in.
        Assert.Equal(0.5, s.Signals.Single(x => x.Name == "p99").Param("full_imbalance"));
    }

    [Fact]
    public void Signals_come_out_in_catalog_order_whatever_the_file_order()
    {
        var s = Load(Mutate(r => r["signals"] = JsonNode.Parse(
            """{ "oi": { "weight": 30 }, "p99": { "weight": 30 }, "cvd": { "weight": 40 } }""")));
        Assert.Equal(["cvd", "p99", "oi"], s.Signals.Select(x => x.Name));
    }

    [Fact]
    public void Star_means_all_configured_symbols()
    {
        var s = Load(Mutate(r => r["symbols"] = new JsonArray("*")));
        Assert.True(s.AllSymbols);
        Assert.True(s.AppliesTo("ANYUSDT"));
    }

    // ---- one test per rule -------------------------------------------------------------------------------

    [Fact]
    public void Json_syntax_error_names_line_and_position()
    {
        var error = SingleError("{\n  \"id\": \"x\",\n  \"version\": ,\n}");
        Assert.Equal(TestFile, error.File);
        Assert.Equal(StrategyRules.JsonSyntax, error.Rule);
        Assert.Equal("$.version", error.JsonPath);
        Assert.Equal("invalid JSON at line 3, position 14: ',' is an invalid start of a value.", error.Message);
    }

    [Theory]
    [InlineData("{ not json", "$", "line 1, position 3")]
    [InlineData("", "$", "line 1, position 1")]
    [InlineData("{\"symbols\": [\"BTCUSDT\", \"ETHUSDT\" \"SOLUSDT\"]}", "$.symbols[1]", "line 1, position 35")]
    [InlineData("{\"signals\": {\"cvd\": {\"weight\": 1,}}}", "$.signals.cvd.weight", "line 1, position 34")]
    public void Json_syntax_errors_point_at_the_nearest_path(string json, string path, string where)
    {
        var error = SingleError(json);
        Assert.Equal(StrategyRules.JsonSyntax, error.Rule);
        Assert.Equal(path, error.JsonPath);
        Assert.StartsWith($"invalid JSON at {where}: ", error.Message);
    }

    [Fact]
    public void Root_must_be_an_object() =>
        AssertError("[1]", "$", StrategyRules.Type, "must be a JSON object (got [1])");

    [Theory]
    [InlineData("id")]
    [InlineData("version")]
    [InlineData("symbols")]
    [InlineData("threshold")]
    [InlineData("signals")]
    [InlineData("tp_sl")]
    public void Required_fields_are_required(string field) =>
        AssertError(Mutate(r => r.Remove(field)), "$." + field, StrategyRules.Required, "required field is missing");

    [Fact]
    public void Weight_must_be_a_number() =>
        AssertError(Mutate(r => r["signals"]!["cvd"]!["weight"] = "abc"),
            "$.signals.cvd.weight", StrategyRules.Type, "must be a number ≥ 0 (got \"abc\")");

    [Fact]
    public void Weight_is_required() =>
        AssertError(Mutate(r => r["signals"]!["cvd"]!.AsObject().Remove("weight")),
            "$.signals.cvd.weight", StrategyRules.Required, "required field is missing");

    [Fact]
    public void Weight_must_not_be_negative()
    {
        var errors = StrategyLoader.LoadText(TestFile, Mutate(r =>
        {
            r["signals"]!["cvd"]!["weight"] = -10;
            r["signals"]!["p99"]!["weight"] = 80;
        })).Errors;
        Assert.Equal([new StrategyError(TestFile, "$.signals.cvd.weight", StrategyRules.Range, "must be a number ≥ 0 (got -10)")], errors);
    }

    [Fact]
    public void Weights_must_sum_to_100() =>
        AssertError(Mutate(r => r["signals"]!["cvd"]!["weight"] = 35),
            "$.signals", StrategyRules.WeightsSum, "weights must sum to 100 (got 95)");

    [Fact]
    public void A_zero_weight_is_allowed()
    {
        var s = Load(Mutate(r =>
        {
            r["signals"]!["cvd"]!["weight"] = 70;
            r["signals"]!["p99"]!["weight"] = 0;
        }));
        Assert.Equal(0, s.Signals.Single(x => x.Name == "p99").Weight);
    }

    [Theory]
    [InlineData(101, StrategyRules.Range, "101")]
    [InlineData(-1, StrategyRules.Range, "-1")]
    public void Threshold_must_be_within_0_and_100(int value, string rule, string shown) =>
        AssertError(Mutate(r => r["threshold"] = value),
            "$.threshold", rule, $"must be a number ≥ 0 and ≤ 100 (got {shown})");

    [Fact]
    public void Threshold_must_be_a_number() =>
        AssertError(Mutate(r => r["threshold"] = "75"),
            "$.threshold", StrategyRules.Type, "must be a number ≥ 0 and ≤ 100 (got \"75\")");

    [Fact]
    public void Threshold_edges_0_and_100_are_allowed()
    {
        Assert.Equal(0, Load(Mutate(r => r["threshold"] = 0)).Threshold);
        Assert.Equal(100, Load(Mutate(r => r["threshold"] = 100)).Threshold);
    }

    [Theory]
    [InlineData("sl_atr")]
    [InlineData("tp1_atr")]
    [InlineData("tp2_atr")]
    public void Atr_multiples_must_be_positive(string field)
    {
        var errors = StrategyLoader.LoadText(TestFile, Mutate(r => r["tp_sl"]![field] = 0)).Errors;
        Assert.Contains(new StrategyError(TestFile, "$.tp_sl." + field, StrategyRules.Range, "must be a number > 0 (got 0)"), errors);
    }

    [Fact]
    public void Tp1_must_be_below_tp2() =>
        AssertError(Mutate(r => r["tp_sl"]!["tp1_atr"] = 2.1),
            "$.tp_sl.tp2_atr", StrategyRules.TpOrder, "must be greater than tp1_atr (got tp1_atr 2.1, tp2_atr 2.1)");

    [Fact]
    public void Unknown_tp_sl_field_is_rejected() =>
        AssertError(Mutate(r => r["tp_sl"]!["tp3_atr"] = 4),
            "$.tp_sl.tp3_atr", StrategyRules.UnknownField, "unknown field \"tp3_atr\"; known: sl_atr, tp1_atr, tp2_atr");

    [Fact]
    public void Unknown_signal_is_rejected_listing_the_known_ones()
    {
        var json = Mutate(r =>
        {
            r["signals"]!["cvd"]!["weight"] = 20;
            r["signals"]!["rsi"] = JsonNode.Parse("""{ "weight": 20 }""");
        });
        AssertError(json, "$.signals.rsi", StrategyRules.UnknownSignal,
            "unknown signal \"rsi\"; known signals: cvd, p99, accel, ls_ratio, oi, coinbase_premium, funding_rate, liquidation");
    }

    [Fact]
    public void Signal_names_that_are_not_identifiers_get_a_bracketed_path()
    {
        var json = Mutate(r => r["signals"]!["my signal"] = JsonNode.Parse("""{ "weight": 0 }"""));
        var error = SingleError(json);
        Assert.Equal("$.signals['my signal']", error.JsonPath);
        Assert.Equal(StrategyRules.UnknownSignal, error.Rule);
    }

    [Fact]
    public void Unknown_param_is_rejected_listing_the_known_ones() =>
        AssertError(Mutate(r => r["signals"]!["oi"]!["params"]!["window"] = 5),
            "$.signals.oi.params.window", StrategyRules.UnknownParam,
            "unknown parameter \"window\" of signal \"oi\"; known: full_change_pct");

    [Fact]
    public void Param_out_of_range_is_rejected() =>
        AssertError(Mutate(r => r["signals"]!["cvd"]!["params"]!["base_share"] = 1.5),
            "$.signals.cvd.params.base_share", StrategyRules.Range, "must be a number ≥ 0 and ≤ 1 (got 1.5)");

    [Fact]
    public void Param_of_wrong_type_is_rejected() =>
        AssertError(Mutate(r => r["signals"]!["oi"]!["params"]!["full_change_pct"] = true),
            "$.signals.oi.params.full_change_pct", StrategyRules.Type, "must be a number > 0 (got true)");

    [Fact]
    public void Unknown_field_in_a_signal_is_rejected() =>
        AssertError(Mutate(r => r["signals"]!["oi"]!["wieght"] = 5),
            "$.signals.oi.wieght", StrategyRules.UnknownField, "unknown field \"wieght\"; known: weight, params");

    [Fact]
    public void Empty_signals_are_rejected() =>
        AssertError(Mutate(r => r["signals"] = new JsonObject()),
            "$.signals", StrategyRules.Range,
            "must name at least one signal; known signals: cvd, p99, accel, ls_ratio, oi, coinbase_premium, funding_rate, liquidation");

    [Fact]
    public void Symbol_format_is_checked() =>
        AssertError(Mutate(r => r["symbols"] = new JsonArray("BTCUSDT", "btcusdt")),
            "$.symbols[1]", StrategyRules.Format, "must match ^[A-Z0-9_]{2,30}$ (got \"btcusdt\")");

    [Theory]
    [InlineData("B")]
    [InlineData("BTC-USDT")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")]
    public void Bad_symbols_are_rejected(string symbol) =>
        Assert.Equal(StrategyRules.Format, SingleError(Mutate(r => r["symbols"] = new JsonArray(symbol))).Rule);

    [Fact]
    public void Star_must_be_alone() =>
        AssertError(Mutate(r => r["symbols"] = new JsonArray("BTCUSDT", "*")),
            "$.symbols[1]", StrategyRules.Format, "\"*\" (all configured symbols) must be the only entry");

    [Fact]
    public void Duplicate_symbols_are_rejected() =>
        AssertError(Mutate(r => r["symbols"] = new JsonArray("BTCUSDT", "BTCUSDT")),
            "$.symbols[1]", StrategyRules.DuplicateSymbol, "duplicate symbol \"BTCUSDT\"");

    [Fact]
    public void Symbols_must_be_a_non_empty_array() =>
        AssertError(Mutate(r => r["symbols"] = new JsonArray()),
            "$.symbols", StrategyRules.Type, "must be a non-empty array of symbols, or [\"*\"] for all configured symbols (got [])");

    [Fact]
    public void Id_format_is_checked() =>
        AssertError(Mutate(r => r["id"] = "V51 baseline"),
            "$.id", StrategyRules.Format, "must match ^[a-z0-9][a-z0-9_]{0,63}$ (got \"V51 baseline\")");

    [Fact]
    public void Tag_format_is_checked() =>
        AssertError(Mutate(r => r["tag"] = "much_too_long_tag"),
            "$.tag", StrategyRules.Format, "must match ^[a-z0-9_]{1,10}$ (got \"much_too_long_tag\")");

    [Fact]
    public void Version_must_be_a_string() =>
        AssertError(Mutate(r => r["version"] = 5.1),
            "$.version", StrategyRules.Type, "must be a string (got 5.1)");

    [Fact]
    public void Cooldown_must_be_a_whole_number_of_minutes()
    {
        AssertError(Mutate(r => r["cooldown_minutes"] = 2.5),
            "$.cooldown_minutes", StrategyRules.Range, "must be an integer ≥ 0 and ≤ 1440 (got 2.5)");
        AssertError(Mutate(r => r["cooldown_minutes"] = "10"),
            "$.cooldown_minutes", StrategyRules.Type, "must be an integer ≥ 0 and ≤ 1440 (got \"10\")");
    }

    [Fact]
    public void Enabled_must_be_a_boolean() =>
        AssertError(Mutate(r => r["enabled"] = "yes"),
            "$.enabled", StrategyRules.Type, "must be true or false (got \"yes\")");

    [Fact]
    public void Unknown_top_level_field_is_rejected() =>
        AssertError(Mutate(r => r["treshold"] = 70),
            "$.treshold", StrategyRules.UnknownField,
            "unknown field \"treshold\"; known: id, version, description, tag, symbols, threshold, cooldown_minutes, signals, tp_sl, enabled");

    [Fact]
    public void Duplicate_keys_are_rejected()
    {
        var json = ValidJson.Replace("\"threshold\": 75,", "\"threshold\": 75, \"threshold\": 60,", StringComparison.Ordinal);
        AssertError(json, "$.threshold", StrategyRules.DuplicateKey, "key \"threshold\" appears more than once");
    }

    [Fact]
    public void All_errors_of_a_file_are_reported_at_once()
    {
        var result = StrategyLoader.LoadText(TestFile, Mutate(r =>
        {
            r["threshold"] = 500;
            r["signals"]!["cvd"]!["weight"] = "abc";
            r["tp_sl"]!["sl_atr"] = -1;
            r.Remove("version");
        }));
        Assert.Equal(
            ["$.version", "$.threshold", "$.signals.cvd.weight", "$.tp_sl.sl_atr"],
            result.Errors.Select(e => e.JsonPath));
    }

    [Fact]
    public void Missing_file_is_an_io_error()
    {
        var path = Path.Combine(Path.GetTempPath(), "arb-no-such-" + Guid.NewGuid().ToString("N"), "x.json");
        var result = StrategyLoader.Load(path);
        Assert.Equal([new StrategyError(path, "$", StrategyRules.Io, "file not found")], result.Errors);
    }

    // ---- directories -------------------------------------------------------------------------------------

    [Fact]
    public void Duplicate_ids_across_a_directory_are_rejected_and_the_first_file_wins()
    {
        using var dir = new TempDirectory();
        dir.Write("a.json", ValidJson);
        dir.Write("b.json", Mutate(r => r["tag"] = "t2"));
        dir.Write("c.json", Mutate(r => r["id"] = "other"));

        var set = StrategyLoader.LoadDirectory(dir.Path);

        Assert.Equal(["test_strategy"], set.Strategies.Select(s => s.Id));
        var a = System.IO.Path.Combine(dir.Path, "a.json");
        var b = System.IO.Path.Combine(dir.Path, "b.json");
        var c = System.IO.Path.Combine(dir.Path, "c.json");
        Assert.Equal(
        [
            new StrategyError(b, "$.id", StrategyRules.DuplicateId, $"duplicate id \"test_strategy\" (already defined in {a})"),
            new StrategyError(c, "$.tag", StrategyRules.DuplicateSignalPrefix,
                $"signal-id prefix \"t1\" is already used by strategy \"test_strategy\" ({a}); set a distinct \"tag\""),
        ], set.Errors);
    }

    [Fact]
    public void An_invalid_file_in_a_directory_does_not_stop_the_others()
    {
        using var dir = new TempDirectory();
        dir.Write("a.json", "{ not json");
        dir.Write("b.json", ValidJson);
        dir.Write("notes.txt", "ignored");

        var set = StrategyLoader.LoadDirectory(dir.Path);

        Assert.Equal(["test_strategy"], set.Strategies.Select(s => s.Id));
        var error = Assert.Single(set.Errors);
        Assert.Equal(System.IO.Path.Combine(dir.Path, "a.json"), error.File);
        Assert.Equal(StrategyRules.JsonSyntax, error.Rule);
    }

    [Fact]
    public void Missing_directory_is_an_io_error()
    {
        var path = Path.Combine(Path.GetTempPath(), "arb-no-such-" + Guid.NewGuid().ToString("N"));
        var set = StrategyLoader.LoadDirectory(path);
        Assert.Equal([new StrategyError(path, "$", StrategyRules.Io, "strategies directory not found")], set.Errors);
    }

    [Fact]
    public void A_missing_relative_directory_or_file_is_named_by_the_full_path_looked_in()
    {
        var relative = "arb-no-such-" + Guid.NewGuid().ToString("N");
        var full = Path.Combine(Directory.GetCurrentDirectory(), relative);

        var set = StrategyLoader.LoadDirectory(relative);
        Assert.Equal(full, Assert.Single(set.Errors).File);
        Assert.StartsWith(full + ": ", Assert.Single(set.Errors).ToString(), StringComparison.Ordinal);

        var file = StrategyLoader.Load(Path.Combine(relative, "x.json"));
        Assert.Equal(Path.Combine(full, "x.json"), Assert.Single(file.Errors).File);
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("arb-strategies-").FullName;

        public void Write(string name, string text) => System.IO.File.WriteAllText(System.IO.Path.Combine(Path, name), text);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
