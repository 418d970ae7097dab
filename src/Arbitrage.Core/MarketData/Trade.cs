namespace Arbitrage.Core.MarketData;

/// <summary>
/// One Binance aggTrade as the indicators see it. A raw <c>trade</c> frame is an aggTrade of one fill
/// (<see cref="AggId"/> := trade id). <c>double</c> is deliberate: indicators are statistics, not
/// amounts sent to the exchange (those are <c>decimal</c>, see Sizing).
/// </summary>
/// <param name="AggId">Aggregate trade id (<c>a</c>), strictly increasing per symbol.</param>
/// <param name="Price">Trade price.</param>
/// <param name="Quantity">Base-asset quantity (contracts for COIN-M).</param>
/// <param name="TimeMs">Exchange trade time in Unix milliseconds (<c>T</c>).</param>
/// <param name="IsBuyerMaker">True when the taker sold (<c>m</c>).</param>
public readonly record struct Trade(long AggId, double Price, double Quantity, long TimeMs, bool IsBuyerMaker)
{
    /// <summary>Signed taker volume: +qty for a taker buy, −qty for a taker sell.</summary>
    public double Delta => IsBuyerMaker ? -Quantity : Quantity;
}
