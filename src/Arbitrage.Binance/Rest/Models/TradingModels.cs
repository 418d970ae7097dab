using System.Text.Json.Serialization;

namespace Arbitrage.Binance.Rest.Models;

public enum OrderSide { Buy, Sell }

public enum OrderType { Market, Limit, StopMarket, TakeProfitMarket }

public enum TimeInForce { Gtc, Ioc, Fok, Gtx }

/// <summary>
/// A new USD-M order. <see cref="StopPrice"/> is the trigger of STOP_MARKET / TAKE_PROFIT_MARKET;
/// <see cref="ClosePosition"/> (conditional orders only) closes whatever position exists at trigger time
/// and takes no quantity. Set <see cref="ClientOrderId"/> (regex <c>^[\.A-Z\:/a-z0-9_-]{1,36}$</c>)
/// so a lost answer can be reconciled.
/// </summary>
public sealed record NewOrder(string Symbol, OrderSide Side, OrderType Type)
{
    public decimal? Quantity { get; init; }
    public decimal? Price { get; init; }
    public decimal? StopPrice { get; init; }
    public TimeInForce? TimeInForce { get; init; }
    public bool ReduceOnly { get; init; }
    public bool ClosePosition { get; init; }
    public string? ClientOrderId { get; init; }

    public bool IsConditional => Type is OrderType.StopMarket or OrderType.TakeProfitMarket;
}

/// <summary>An order as Binance reports it (<c>/fapi/v1/order</c> answers).</summary>
public sealed record OrderInfo
{
    [JsonPropertyName("orderId")] public long OrderId { get; init; }
    [JsonPropertyName("clientOrderId")] public string ClientOrderId { get; init; } = "";
    [JsonPropertyName("symbol")] public string Symbol { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("side")] public string Side { get; init; } = "";
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("origType")] public string? OrigType { get; init; }
    [JsonPropertyName("timeInForce")] public string? TimeInForce { get; init; }
    [JsonPropertyName("price")] public decimal Price { get; init; }
    [JsonPropertyName("avgPrice")] public decimal AvgPrice { get; init; }
    [JsonPropertyName("stopPrice")] public decimal StopPrice { get; init; }
    [JsonPropertyName("origQty")] public decimal OrigQty { get; init; }
    [JsonPropertyName("executedQty")] public decimal ExecutedQty { get; init; }
    [JsonPropertyName("cumQuote")] public decimal CumQuote { get; init; }
    [JsonPropertyName("reduceOnly")] public bool ReduceOnly { get; init; }
    [JsonPropertyName("closePosition")] public bool ClosePosition { get; init; }
    [JsonPropertyName("positionSide")] public string? PositionSide { get; init; }
    [JsonPropertyName("updateTime")] public long UpdateTime { get; init; }

    public bool IsOpen => Status is "NEW" or "PARTIALLY_FILLED";
}

/// <summary>Identifies an existing order: by exchange id or by our client id.</summary>
public readonly record struct OrderRef(string Symbol, long? OrderId, string? ClientOrderId)
{
    public static OrderRef ByClientId(string symbol, string clientOrderId) => new(symbol, null, clientOrderId);
    public static OrderRef ById(string symbol, long orderId) => new(symbol, orderId, null);
}

/// <summary>Wire names of the order enums.</summary>
public static class OrderWireNames
{
    public static string Of(OrderSide side) => side == OrderSide.Buy ? "BUY" : "SELL";

    public static string Of(OrderType type) => type switch
    {
        OrderType.Market => "MARKET",
        OrderType.Limit => "LIMIT",
        OrderType.StopMarket => "STOP_MARKET",
        OrderType.TakeProfitMarket => "TAKE_PROFIT_MARKET",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static string Of(TimeInForce tif) => tif switch
    {
        TimeInForce.Gtc => "GTC",
        TimeInForce.Ioc => "IOC",
        TimeInForce.Fok => "FOK",
        TimeInForce.Gtx => "GTX",
        _ => throw new ArgumentOutOfRangeException(nameof(tif), tif, null),
    };
}
