using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Strategies;

namespace Arbitrage.Node.Tests.Alerts;

/// <summary>Engine events as the alerts actor receives them from the topics.</summary>
internal static class AlertEvents
{
    public const long T0 = 1_760_000_000_000;

    public static TradeClosed Closed(string signalId, decimal pnlUsd = -12.5m, decimal pnlR = -1m, string symbol = "BTCUSDT") => new(
        signalId, symbol, "momentum", Direction.Long, T0, 60_000m, 0.01m, T0 + 60_000, 58_750m, ExitReason.StopLoss, "", pnlUsd, pnlR, 0.48m, T0 + 60_000);

    public static CircuitBroken Breaker(long atMs = T0) => new(RiskRule.DailyLoss, "daily loss -3.20% ≤ -3.00%", atMs, null);

    public static KillSwitchEngaged Kill(long atMs = T0) => new("alice", "manual", atMs);

    public static SignalEmitted Signal(string signalId, string symbol = "ETHUSDT") => new(
        signalId, "momentum", "1", symbol, Direction.Short, T0, 72.5, 60, 3_000, 25, 3_040, 2_960, 2_920,
        [new SignalContributionRecord("rsi", 20, 1, "ok", 75), new SignalContributionRecord("funding", -5, 1, "ok", 0.01)]);
}
