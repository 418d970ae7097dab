using Arbitrage.Core.Execution;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Replay;

namespace Arbitrage.Engine.Tests.Replay;

public sealed class BacktestSummaryTests
{
    private static TradeClosed Trade(string id, long exitMs, decimal pnlUsd) =>
        new(id, "BTCUSDT", "s", Direction.Long, exitMs - 60_000, 100m, 1m, exitMs, 100m, ExitReason.StopLoss, "", pnlUsd, pnlUsd / 2m, 0.1m, exitMs);

    [Fact]
    public void Drawdown_runs_on_the_cumulative_pnl_in_exit_order_from_zero()
    {
        // Exits out of order on purpose: in exit order the PnL path is −1, +2 (peak 1), −4 (−3), +1 (−2), +5 (3).
        var trades = TradesCsv.InExitOrder([Trade("d", 4, 1m), Trade("a", 1, -1m), Trade("c", 3, -4m), Trade("b", 2, 2m), Trade("e", 5, 5m)]);
        Assert.Equal(["a", "b", "c", "d", "e"], trades.Select(t => t.SignalId));

        var s = BacktestSummary.Of(trades);
        Assert.Equal((5, 3, 3m, 1.5m, 0.5m), (s.Trades, s.Wins, s.NetPnlUsd, s.NetPnlR, s.FeesUsd));
        Assert.Equal(4m, s.MaxDrawdownUsd); // from the peak at +1 down to −3
        Assert.Equal(1m, BacktestSummary.Of([Trade("a", 1, -1m)]).MaxDrawdownUsd); // a first loss is a drawdown from 0
        Assert.Equal(0m, BacktestSummary.Of([Trade("a", 1, 1m), Trade("b", 2, 1m)]).MaxDrawdownUsd);
        Assert.Equal(
            "5 trades, 3 wins (60 %), net PnL 3.00 USD (1.50 R), fees 0.50 USD, max drawdown 4.00 USD",
            s.Describe());
    }

    [Fact]
    public void Signals_that_were_not_traded_are_counted_by_reason_and_open_positions_are_named()
    {
        var s = BacktestSummary.Of([]) with
        {
            NotTraded = new Dictionary<string, int> { ["symbol_busy"] = 2, ["daily_loss"] = 85 },
            OpenAtEnd = 1,
        };
        Assert.Equal(
            "0 trades, 0 wins, net PnL 0.00 USD (0.00 R), fees 0.00 USD, max drawdown 0.00 USD; 1 still open at the end of the tape (not listed); " +
            "87 signals not traded (daily_loss 85, symbol_busy 2)",
            s.Describe());
    }
}
