namespace Arbitrage.Core.Execution;

/// <summary>
/// The order types the executor uses: MARKET entries and closes, STOP_MARKET stops, TAKE_PROFIT_MARKET targets (LIMIT only
/// as an exchange may report it). The exchange's spelling is the gateway's business.
/// </summary>
public enum OrderType
{
    Market,
    Limit,
    StopMarket,
    TakeProfitMarket,
}
