namespace Arbitrage.Core.Risk;

/// <summary>The rows of the risk rule table (ARCHITECTURE.md §5).</summary>
public enum RiskRule
{
    DailyLoss,
    ConsecutiveLosses,
    ExchangeDisconnect,
    BalanceTooLow,
    StaleMarketData,
    HoldTimeout,
    KillSwitch,
}
