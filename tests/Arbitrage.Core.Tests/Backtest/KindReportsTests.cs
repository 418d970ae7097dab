using System.Text.Json;
using Arbitrage.Core.Backtest;
using Arbitrage.Core.Funding.Carry;
using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Core.Tests.Backtest;

/// <summary>
/// The triangle and carry reports' summary.json against hand-computed examples.
/// <code>
/// triangles  start  end   cycle  outcome    pnl_usd  fees  slippage  leg latencies
/// a1         100    160   X      completed   +3      0.3   2         20 20 20
/// a2         200    230   Y      unwound     -5      0.5   8         10 30
/// a3         300    390   X      failed      -1      0.1   0         (none)
/// a4         400    450   X      completed   +1      0.2   4         40 40 40
/// cumulative PnL: 3, -2, -3, -2 → peak 3, max drawdown 6
///
/// carries    opened  closed  funding  basis  fees  net   settlements
/// BTC        100     500     4        -1     1     2     2
/// ETH        200     (open)  0        -2     1     -3    0          (marked at last_ms 900)
/// BTC        600     800     1        0      1     0     1
/// curve in close order (BTC 500: +2, BTC 800: 0, ETH open at 900: -3): 2, 2, -1 → max drawdown 3
/// </code>
/// </summary>
public sealed class KindReportsTests
{
    private static readonly TriangleAttemptResult[] Attempts =
    [
        Attempt("a4", 400, 450, "X", TriangleAttemptOutcome.Completed, 1m, 0.2m, 4, [40, 40, 40]),
        Attempt("a2", 200, 230, "Y", TriangleAttemptOutcome.Unwound, -5m, 0.5m, 8, [10, 30]),
        Attempt("a1", 100, 160, "X", TriangleAttemptOutcome.Completed, 3m, 0.3m, 2, [20, 20, 20]),
        Attempt("a3", 300, 390, "X", TriangleAttemptOutcome.Failed, -1m, 0.1m, 0, []),
    ];

    [Fact]
    public void Triangle_summary_counts_outcomes_sums_pnl_and_fees_and_averages_slippage_and_leg_latency()
    {
        var report = TriangleBacktestReport.Of(Attempts, 50, 1000);
        Assert.Equal(["a1", "a2", "a3", "a4"], report.Attempts.Select(a => a.AttemptId)); // the attempts CSV's order
        var m = report.Total;
        Assert.Equal((4, 2, 1, 1, 2), (m.Attempts, m.Completed, m.Unwound, m.Failed, m.Wins));
        Assert.Equal(0.5, m.WinRate);
        Assert.Equal(-2m, m.PnlUsd);
        Assert.Equal(1.1m, m.FeesUsd);
        Assert.Equal(3.5, m.AvgSlippageBps);
        Assert.Equal(220.0 / 8, m.AvgLegLatencyMs);
        Assert.Equal(40L, m.MaxLegLatencyMs);
        Assert.Equal(6m, m.MaxDrawdownUsd);

        var x = Assert.Single(report.ByCycle, c => c.Key == "X").Value;
        Assert.Equal((3, 2, 0, 1), (x.Attempts, x.Completed, x.Unwound, x.Failed));
        Assert.Equal(3m, x.PnlUsd);
        Assert.Equal(1m, x.MaxDrawdownUsd); // 3, 2, 3
        Assert.Equal(["X", "Y"], report.ByCycle.Select(c => c.Key));

        // The curve the plots draw: 0 at first_ms, then after each attempt's end, held to last_ms.
        Assert.Equal(
            [(50L, 0m, 0m), (160L, 3m, 0m), (230L, -2m, 5m), (390L, -3m, 6m), (450L, -2m, 5m), (1000L, -2m, 5m)],
            report.Curve);
    }

    [Fact]
    public void Triangle_summary_json_has_the_documented_keys_and_nulls_without_attempts()
    {
        using var json = JsonDocument.Parse(TriangleBacktestReport.Of([], 10, 20).ToJson());
        var root = json.RootElement;
        Assert.Equal(
            ["kind", "first_ms", "last_ms", "attempts", "completed", "unwound", "failed", "wins", "win_rate", "pnl_usd", "fees_usd",
             "avg_slippage_bps", "avg_leg_latency_ms", "max_leg_latency_ms", "max_drawdown_usd", "by_cycle"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("triangles", root.GetProperty("kind").GetString());
        foreach (var key in new[] { "win_rate", "avg_slippage_bps", "avg_leg_latency_ms", "max_leg_latency_ms" })
        {
            Assert.Equal(JsonValueKind.Null, root.GetProperty(key).ValueKind);
        }

        using var full = JsonDocument.Parse(TriangleBacktestReport.Of(Attempts, 50, 1000).ToJson());
        Assert.Equal(-2m, full.RootElement.GetProperty("pnl_usd").GetDecimal());
        Assert.Equal(3, full.RootElement.GetProperty("by_cycle").GetProperty("X").GetProperty("attempts").GetInt32());
    }

    [Fact]
    public void Carry_summary_sums_funding_basis_fees_and_net_and_marks_open_carries_at_the_end()
    {
        CarryResult[] carries =
        [
            new("BTCUSDT", "c1", 100, 500, 1000m, 4m, -1m, 1m, 2m, 2, "funding_below_exit"),
            new("ETHUSDT", "c2", 200, null, 1000m, 0m, -2m, 1m, -3m, 0, "open"),
            new("BTCUSDT", "c3", 600, 800, 1000m, 1m, 0m, 1m, 0m, 1, "max_holding"),
        ];
        var report = CarryBacktestReport.Of(carries, 50, 900);
        var m = report.Total;
        Assert.Equal((3, 2, 1, 3, 1), (m.Carries, m.Closed, m.Open, m.Settlements, m.Wins));
        Assert.Equal(1.0 / 3, m.WinRate);
        Assert.Equal((5m, -3m, 3m, -1m), (m.FundingUsd, m.BasisPnlUsd, m.FeesUsd, m.PnlUsd));
        Assert.Equal(3m, m.MaxDrawdownUsd);
        Assert.Equal([(50L, 0m, 0m), (500L, 2m, 0m), (800L, 2m, 0m), (900L, -1m, 3m), (900L, -1m, 3m)], report.Curve);
        Assert.Equal(["BTCUSDT", "ETHUSDT"], report.BySymbol.Select(s => s.Key));
        Assert.Equal(2m, report.BySymbol[0].Value.PnlUsd);

        using var json = JsonDocument.Parse(report.ToJson());
        Assert.Equal(
            ["kind", "first_ms", "last_ms", "carries", "closed", "open", "settlements", "wins", "win_rate", "funding_usd", "basis_pnl_usd", "fees_usd",
             "pnl_usd", "max_drawdown_usd", "by_symbol"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("carry", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(-3m, json.RootElement.GetProperty("by_symbol").GetProperty("ETHUSDT").GetProperty("pnl_usd").GetDecimal());
    }

    private static TriangleAttemptResult Attempt(
        string id, long start, long end, string cycle, TriangleAttemptOutcome outcome, decimal pnl, decimal fees, double slippage, long[] latencies) =>
        new(id, "v", cycle, "USDT", outcome, start, end, 100m, 100m + pnl, pnl, pnl, fees, slippage, latencies.Length, latencies,
            new Dictionary<string, decimal>(), "");
}
