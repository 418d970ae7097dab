namespace Arbitrage.Core.Execution;

/// <summary>An order's side. The exchange's spelling (Binance <c>BUY</c>/<c>SELL</c>) is the gateway's business.</summary>
public enum Side
{
    Buy,
    Sell,
}
