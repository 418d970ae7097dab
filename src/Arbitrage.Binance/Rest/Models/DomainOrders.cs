using Arbitrage.Core.Execution;
using DomainOrderType = Arbitrage.Core.Execution.OrderType;

namespace Arbitrage.Binance.Rest.Models;

/// <summary>
/// Binance's order enums and spellings against the domain's (<see cref="Side"/>, <see cref="DomainOrderType"/>,
/// <see cref="GatewayOrderStatus"/>): the one place where the two meet. The executor never sees a Binance enum.
/// </summary>
public static class DomainOrders
{
    public static OrderSide ToWire(this Side side) => side == Side.Buy ? OrderSide.Buy : OrderSide.Sell;

    public static Side ToDomain(this OrderSide side) => side == OrderSide.Buy ? Side.Buy : Side.Sell;

    public static OrderType ToWire(this DomainOrderType type) => type switch
    {
        DomainOrderType.Market => OrderType.Market,
        DomainOrderType.Limit => OrderType.Limit,
        DomainOrderType.StopMarket => OrderType.StopMarket,
        DomainOrderType.TakeProfitMarket => OrderType.TakeProfitMarket,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static DomainOrderType ToDomain(this OrderType type) => type switch
    {
        OrderType.Market => DomainOrderType.Market,
        OrderType.Limit => DomainOrderType.Limit,
        OrderType.StopMarket => DomainOrderType.StopMarket,
        OrderType.TakeProfitMarket => DomainOrderType.TakeProfitMarket,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Binance's <c>side</c> (<c>BUY</c>/<c>SELL</c>); anything but <c>SELL</c> reads as a buy.</summary>
    public static Side ParseSide(string side) => side == "SELL" ? Side.Sell : Side.Buy;

    /// <summary>Binance's <c>type</c>/<c>origType</c>; null for a type the executor never uses.</summary>
    public static DomainOrderType? ParseType(string? type) => type switch
    {
        "MARKET" => DomainOrderType.Market,
        "LIMIT" => DomainOrderType.Limit,
        "STOP_MARKET" => DomainOrderType.StopMarket,
        "TAKE_PROFIT_MARKET" => DomainOrderType.TakeProfitMarket,
        _ => null,
    };

    /// <summary>Binance's order <c>status</c>; an unknown one reads as still working.</summary>
    public static GatewayOrderStatus ParseStatus(string status) => status switch
    {
        "NEW" => GatewayOrderStatus.New,
        "PARTIALLY_FILLED" => GatewayOrderStatus.PartiallyFilled,
        "FILLED" => GatewayOrderStatus.Filled,
        "CANCELED" => GatewayOrderStatus.Canceled,
        "REJECTED" => GatewayOrderStatus.Rejected,
        "EXPIRED" or "EXPIRED_IN_MATCH" => GatewayOrderStatus.Expired,
        _ => GatewayOrderStatus.New,
    };
}
