using System.Text.Json.Nodes;
using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Core.Tests.Triangles.Execution;

/// <summary>The execution keys of a triangle config: all optional, validated like the rest of the file.</summary>
public sealed class TriangleExecutionConfigTests
{
    private const string File = "strategies/triangles/x.json";

    private const string Minimal = """{"id":"t","venue":"binance-spot","symbols":["BTC/USDT","ETH/USDT","ETH/BTC"],"start_assets":{"USDT":100,"BTC":0.002},"taker_fee":0.001,"min_net_return":0.0005}""";

    private static string With(string name, string json)
    {
        var root = JsonNode.Parse(Minimal)!.AsObject();
        root[name] = JsonNode.Parse(json);
        return root.ToJsonString();
    }

    [Fact]
    public void Without_execution_keys_every_default_applies_and_execution_is_off()
    {
        var c = TriangleConfigLoader.LoadText(File, Minimal).Config!;
        var x = c.Exec;
        Assert.Equal((0.001m, 10m, LegOrderType.LimitIoc, UnwindPolicy.Market, 1000L, 5000L, 0L, false),
            (c.ExecuteMinNetReturn, x.MaxSlippageBps, x.LegOrderType, x.Unwind, x.CooldownMs, x.LegTimeoutMs, x.PaperLatencyMs, x.Execute));
        Assert.Null(x.PaperBalances);
        Assert.Equal(new Dictionary<string, decimal> { ["USDT"] = 1000m, ["BTC"] = 0.02m }, c.PaperBalancesOrDefault());
    }

    [Fact]
    public void Every_execution_key_is_read()
    {
        var c = TriangleConfigLoader.LoadText(File, """
            {"id":"t","venue":"binance-spot","symbols":["BTC/USDT","ETH/USDT","ETH/BTC"],"start_assets":{"USDT":100},
             "taker_fee":0.001,"min_net_return":0.0005,"execute_min_net_return":0.002,"max_slippage_bps":2.5,
             "leg_order_type":"market","unwind":"none","cooldown_ms":0,"leg_timeout_ms":750,
             "paper_balances":{"USDT":5000,"BTC":0,"BNB":1.5},"paper_latency_ms":20,"execute":true}
            """).Config!;
        var x = c.Exec;
        Assert.Equal((0.002m, 2.5m, LegOrderType.Market, UnwindPolicy.None, 0L, 750L, 20L, true),
            (c.ExecuteMinNetReturn, x.MaxSlippageBps, x.LegOrderType, x.Unwind, x.CooldownMs, x.LegTimeoutMs, x.PaperLatencyMs, x.Execute));
        Assert.Equal(new Dictionary<string, decimal> { ["USDT"] = 5000m, ["BTC"] = 0m, ["BNB"] = 1.5m }, c.PaperBalancesOrDefault());
    }

    [Theory]
    [InlineData("execute_min_net_return", "-0.001", "$.execute_min_net_return", "range")]
    [InlineData("max_slippage_bps", "-1", "$.max_slippage_bps", "range")]
    [InlineData("max_slippage_bps", "1000.5", "$.max_slippage_bps", "range")]
    [InlineData("max_slippage_bps", "\"10\"", "$.max_slippage_bps", "type")]
    [InlineData("leg_order_type", "\"limit\"", "$.leg_order_type", "format")]
    [InlineData("leg_order_type", "1", "$.leg_order_type", "type")]
    [InlineData("unwind", "\"sell\"", "$.unwind", "format")]
    [InlineData("unwind", "false", "$.unwind", "type")]
    [InlineData("cooldown_ms", "-1", "$.cooldown_ms", "range")]
    [InlineData("cooldown_ms", "1.5", "$.cooldown_ms", "range")]
    [InlineData("leg_timeout_ms", "0", "$.leg_timeout_ms", "range")]
    [InlineData("leg_timeout_ms", "\"5s\"", "$.leg_timeout_ms", "type")]
    [InlineData("paper_latency_ms", "-5", "$.paper_latency_ms", "range")]
    [InlineData("paper_balances", "[1]", "$.paper_balances", "type")]
    [InlineData("paper_balances", """{"usdt":1}""", "$.paper_balances.usdt", "format")]
    [InlineData("paper_balances", """{"USDT":-1}""", "$.paper_balances.USDT", "range")]
    [InlineData("paper_balances", """{"USDT":"1"}""", "$.paper_balances.USDT", "type")]
    [InlineData("paper_balances", """{"USDT":1,"USDT":2}""", "$.paper_balances.USDT", "duplicate-key")]
    [InlineData("execute", "\"yes\"", "$.execute", "type")]
    public void A_bad_execution_value_is_named_with_the_file_the_json_path_and_the_rule(string name, string value, string path, string rule)
    {
        var result = TriangleConfigLoader.LoadText(File, With(name, value));
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal((File, path, rule), (error.File, error.JsonPath, error.Rule));
        Assert.StartsWith($"{File}: {path}: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_say_what_is_allowed()
    {
        string Message(string name, string json) => Assert.Single(TriangleConfigLoader.LoadText(File, With(name, json)).Errors).ToString();
        Assert.Equal($"{File}: $.leg_order_type: must be \"limit_ioc\" or \"market\" (got \"limit\")", Message("leg_order_type", "\"limit\""));
        Assert.Equal($"{File}: $.unwind: must be \"market\" or \"none\" (got \"sell\")", Message("unwind", "\"sell\""));
        Assert.Equal($"{File}: $.max_slippage_bps: must be a number ≥ 0 and ≤ 1000 (got -1)", Message("max_slippage_bps", "-1"));
    }
}
