using System.Text.Json;
using Arbitrage.Core.Backtest;
using Arbitrage.Core.Execution;

namespace Arbitrage.Core.Tests.Backtest;

/// <summary>
/// Every summary.json metric against a hand-computed example: four trades over four UTC days (2026-01-01 .. 04), the
/// second day without trades, starting balance 1,000 USD, ticks from 2026-01-01T00:00Z to 2026-01-04T12:00Z (84 h).
/// <code>
/// #  strategy symbol  entry        exit         pnl_usd  pnl_r  fees  reason
/// 1  A        BTC     Jan 1 01:00  Jan 1 03:00   +10     +1.0   1    tp2
/// 2  A        ETH     Jan 1 02:00  Jan 1 04:00    -4     -0.5   1    stop_loss   (overlaps trade 1)
/// 3  B        BTC     Jan 3 10:00  Jan 3 12:00    -6     -1.5   1    stop_loss
/// 4  B        BTC     Jan 4 00:00  Jan 4 03:00    +2     +0.5   0.5  tp1
/// </code>
/// </summary>
public sealed class BacktestMetricsTests
{
    private const long H = 3_600_000L;
    private static readonly long Jan1 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly long First = Jan1;
    private static readonly long Last = Jan1 + (3 * 24 * H) + (12 * H);
    private static readonly double Sqrt365 = Math.Sqrt(365);

    private static readonly TradeClosed[] Trades =
    [
        Trade("A", "BTC", Jan1 + H, Jan1 + (3 * H), 10m, 1.0m, 1m, ExitReason.Tp2),
        Trade("A", "ETH", Jan1 + (2 * H), Jan1 + (4 * H), -4m, -0.5m, 1m, ExitReason.StopLoss),
        Trade("B", "BTC", Jan1 + (58 * H), Jan1 + (60 * H), -6m, -1.5m, 1m, ExitReason.StopLoss),
        Trade("B", "BTC", Jan1 + (72 * H), Jan1 + (75 * H), 2m, 0.5m, 0.5m, ExitReason.Tp1),
    ];

    [Fact]
    public void Counts_sums_and_trade_ratios_are_the_hand_computed_ones()
    {
        var m = BacktestMetrics.Of(Trades, 1000m, First, Last);
        Assert.Equal(1000m, m.StartingBalanceUsd);
        Assert.Equal(First, m.FirstMs);
        Assert.Equal(Last, m.LastMs);
        Assert.Equal(4, m.Trades);
        Assert.Equal(2, m.Wins); // +10 and +2
        Assert.Equal(0.5, m.WinRate);
        Assert.Equal(2m, m.PnlUsd); // 10 - 4 - 6 + 2
        Assert.Equal(-0.5m, m.PnlR); // 1 - 0.5 - 1.5 + 0.5
        Assert.Equal(3.5m, m.FeesUsd);
        Assert.Equal(-0.125, m.ExpectancyR); // -0.5 / 4
        Assert.Equal(1.2, m.ProfitFactor!.Value, 12); // (10 + 2) / |-4 - 6|
        Assert.Equal(135.0, m.AvgHoldMinutes); // (120 + 120 + 120 + 180) / 4
    }

    [Fact]
    public void Drawdowns_are_on_the_cumulative_realised_pnl_in_exit_order_from_zero()
    {
        var m = BacktestMetrics.Of(Trades, 1000m, First, Last);

        // USD: 10, 6, 0, 2 → peak 10, low 0 after it: 10. R: 1, 0.5, -1, -0.5 → peak 1, low -1: 2.
        Assert.Equal(10m, m.MaxDrawdownUsd);
        Assert.Equal(2.0m, m.MaxDrawdownR);

        // Strategy B alone: -6, -4: the peak is the 0 it starts from, so the drawdown is 6.
        var b = BacktestMetrics.Of(Trades[2..], 1000m, First, Last);
        Assert.Equal(6m, b.MaxDrawdownUsd);
        Assert.Equal(1.5m, b.MaxDrawdownR);
    }

    [Fact]
    public void Sharpe_and_sortino_use_the_daily_balance_returns_with_the_empty_day()
    {
        // Balances at the days' ends: Jan 1 1006 (+10 - 4), Jan 2 1006 (no trade), Jan 3 1000 (-6), Jan 4 1002 (+2).
        double[] r = [6.0 / 1000, 0.0, -6.0 / 1006, 2.0 / 1000];
        Assert.Equal(r, BacktestMetrics.DailyReturns(Trades, 1000m, First, Last)!.Select(x => Math.Round(x, 15)).ToArray(), (a, b) => Math.Abs(a - b) < 1e-15);

        var mean = (r[0] + r[1] + r[2] + r[3]) / 4;
        var sampleStd = Math.Sqrt((Sq(r[0] - mean) + Sq(r[1] - mean) + Sq(r[2] - mean) + Sq(r[3] - mean)) / 3);
        var downside = Math.Sqrt((0 + 0 + Sq(r[2]) + 0) / 4); // min(r, 0)² over ALL four days
        var m = BacktestMetrics.Of(Trades, 1000m, First, Last);
        Assert.Equal(mean / sampleStd * Sqrt365, m.Sharpe!.Value, 12);
        Assert.Equal(mean / downside * Sqrt365, m.Sortino!.Value, 12);
        Assert.Equal(1.95, m.Sharpe.Value, 2); // ≈ 0.00050895 / 0.0049845 × 19.105
        Assert.Equal(3.26, m.Sortino.Value, 2); // ≈ 0.00050895 / 0.0029821 × 19.105
    }

    [Fact]
    public void Calmar_is_the_simply_annualised_pnl_over_the_max_drawdown_and_exposure_the_time_in_market()
    {
        var m = BacktestMetrics.Of(Trades, 1000m, First, Last);

        // 2 USD over 4 days → 2 × 365 / 4 = 182.5 USD a year; / 10 USD max drawdown.
        Assert.Equal(18.25, m.Calmar!.Value, 12);

        // Union of the positions' intervals: Jan 1 01:00-04:00 (trades 1 and 2 overlap) 3 h + 2 h + 3 h = 8 h of 84 h.
        Assert.Equal(8.0 / 84, m.Exposure!.Value, 12);
    }

    [Fact]
    public void Groups_have_the_same_metrics_on_their_own_trades_over_the_same_days_and_balance()
    {
        var report = BacktestReport.Of(Trades, 1000m, First, Last);
        Assert.Equal(["A", "B"], report.ByStrategy.Select(kv => kv.Key));
        Assert.Equal(["BTC", "ETH"], report.BySymbol.Select(kv => kv.Key));

        var a = report.ByStrategy[0].Value;
        Assert.Equal(6m, a.PnlUsd);
        Assert.Equal(2.5, a.ProfitFactor!.Value, 12); // 10 / 4
        Assert.Equal(4m, a.MaxDrawdownUsd); // 10 → 6
        Assert.Equal(6.0 * 365 / 4 / 4, a.Calmar!.Value, 12);
        Assert.Equal(3.0 / 84, a.Exposure!.Value, 12);
        Assert.Null(a.Sortino); // its only non-zero day is a gain: no downside deviation

        // Daily returns 0.006, 0, 0, 0: mean 0.0015, sample std √((0.0045² + 3 × 0.0015²) / 3).
        Assert.Equal(0.0015 / Math.Sqrt((Sq(0.0045) + (3 * Sq(0.0015))) / 3) * Sqrt365, a.Sharpe!.Value, 12);

        var btc = report.BySymbol[0].Value;
        Assert.Equal(3, btc.Trades);
        Assert.Equal(2.0, btc.ProfitFactor!.Value, 12); // (10 + 2) / 6
        Assert.Equal(6m, btc.MaxDrawdownUsd); // 10, 4, 6

        var eth = report.BySymbol[1].Value;
        Assert.Equal(0, eth.Wins);
        Assert.Equal(0.0, eth.WinRate);
        Assert.Equal(0.0, eth.ProfitFactor); // no gross wins over 4 USD of losses
    }

    [Fact]
    public void The_report_extras_are_the_hand_computed_ones()
    {
        var report = BacktestReport.Of(Trades, 1000m, First, Last);
        Assert.Equal(2, report.LongestLosingStreak); // trades 2 and 3
        Assert.Equal(1.0, report.MaxDrawdownPercent); // 10 / 1000
        Assert.Equal([("stop_loss", 2), ("tp1", 1), ("tp2", 1)], report.ExitReasonCounts);
        var month = Assert.Single(report.Months);
        Assert.Equal(new MonthRow("2026-01", 4, 2, 2m, -0.5m, 3.5m), month);
        Assert.Equal([1000m, 1010m, 1006m, 1000m, 1002m, 1002m], report.Equity.Select(p => p.Balance));
        Assert.Equal([0m, 0m, 4m, 10m, 8m, 8m], report.Equity.Select(p => p.Drawdown));
    }

    [Fact]
    public void Undefined_values_are_null_never_infinity_or_nan()
    {
        // No trades at all.
        var none = BacktestMetrics.Of([], 1000m, First, Last);
        Assert.Equal((0, 0, 0m, 0m, 0m), (none.Trades, none.Wins, none.PnlUsd, none.MaxDrawdownUsd, none.MaxDrawdownR));
        Assert.Null(none.WinRate);
        Assert.Null(none.ExpectancyR);
        Assert.Null(none.ProfitFactor);
        Assert.Null(none.Sharpe); // every daily return 0: zero deviation
        Assert.Null(none.Sortino);
        Assert.Null(none.Calmar);
        Assert.Null(none.AvgHoldMinutes);
        Assert.Equal(0.0, none.Exposure);

        // Wins only: no losses → profit factor null, no drawdown → Calmar null; one UTC day → Sharpe and Sortino null.
        var wins = BacktestMetrics.Of(Trades[..1], 1000m, Jan1, Jan1 + (10 * H));
        Assert.Null(wins.ProfitFactor);
        Assert.Null(wins.Calmar);
        Assert.Null(wins.Sharpe);
        Assert.Null(wins.Sortino);

        // An empty span: exposure null.
        Assert.Null(BacktestMetrics.Of([], 1000m, First, First).Exposure);
    }

    [Fact]
    public void Summary_json_has_exactly_the_issue_keys_as_numbers_or_null()
    {
        string[] keys =
        [
            "starting_balance_usd", "first_ms", "last_ms", "trades", "wins", "win_rate", "pnl_usd", "pnl_r", "fees_usd", "expectancy_r",
            "profit_factor", "max_drawdown_usd", "max_drawdown_r", "sharpe", "sortino", "calmar", "exposure", "avg_hold_minutes",
        ];
        using var doc = JsonDocument.Parse(BacktestReport.Of(Trades, 1000m, First, Last).ToJson());
        var root = doc.RootElement;
        Assert.Equal([.. keys, "by_strategy", "by_symbol"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2m, root.GetProperty("pnl_usd").GetDecimal());
        Assert.Equal(1.2, root.GetProperty("profit_factor").GetDouble(), 12);
        Assert.Equal(10m, root.GetProperty("max_drawdown_usd").GetDecimal());
        foreach (var group in new[] { "by_strategy", "by_symbol" })
        {
            foreach (var entry in root.GetProperty(group).EnumerateObject())
            {
                Assert.Equal(keys, entry.Value.EnumerateObject().Select(p => p.Name));
                Assert.All(entry.Value.EnumerateObject(), p => Assert.Contains(p.Value.ValueKind, new[] { JsonValueKind.Number, JsonValueKind.Null }));
            }
        }

        Assert.Equal(JsonValueKind.Null, root.GetProperty("by_strategy").GetProperty("A").GetProperty("sortino").ValueKind);
        Assert.Equal(2, root.GetProperty("by_strategy").GetProperty("B").GetProperty("trades").GetInt32());
    }

    private static double Sq(double x) => x * x;

    private static TradeClosed Trade(string strategy, string symbol, long entryMs, long exitMs, decimal pnl, decimal r, decimal fees, ExitReason reason) =>
        new($"{strategy}-{symbol}-{entryMs}", symbol, strategy, Direction.Long, entryMs, 100m, 1m, exitMs, 100m, reason, "", pnl, r, fees, exitMs);
}
