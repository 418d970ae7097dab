using System.Text.Json.Serialization;

namespace Arbitrage.Binance.Rest.Models;

/// <summary>How much a spot placement answer carries: ACK (ids), RESULT (+ status and quantities), FULL (+ fills with commissions).</summary>
public enum SpotResponseType { Ack, Result, Full }

/// <summary>
/// A new spot order (<c>POST /api/v3/order</c>). MARKET takes <see cref="Quantity"/> (base) or
/// <see cref="QuoteOrderQty"/> (quote to spend or receive); LIMIT takes quantity, price and time in force.
/// <see cref="ClientOrderId"/> (regex <c>^[a-zA-Z0-9-_]{1,36}$</c>) lets a lost answer be reconciled.
/// </summary>
public sealed record NewSpotOrder(string Symbol, OrderSide Side, OrderType Type)
{
    public decimal? Quantity { get; init; }
    public decimal? QuoteOrderQty { get; init; }
    public decimal? Price { get; init; }
    public TimeInForce? TimeInForce { get; init; }
    public string? ClientOrderId { get; init; }
    public SpotResponseType ResponseType { get; init; } = SpotResponseType.Full;
}

/// <summary>A spot order as Binance reports it (placement, query, cancel and openOrders answers share these fields).</summary>
public sealed record SpotOrderInfo
{
    [JsonPropertyName("symbol")] public string Symbol { get; init; } = "";
    [JsonPropertyName("orderId")] public long OrderId { get; init; }
    [JsonPropertyName("clientOrderId")] public string ClientOrderId { get; init; } = "";
    /// <summary>Cancel answers: the cancelled order's client id (<see cref="ClientOrderId"/> is then the cancel request's).</summary>
    [JsonPropertyName("origClientOrderId")] public string? OrigClientOrderId { get; init; }
    [JsonPropertyName("transactTime")] public long TransactTime { get; init; }
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("side")] public string Side { get; init; } = "";
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("timeInForce")] public string? TimeInForce { get; init; }
    [JsonPropertyName("price")] public decimal Price { get; init; }
    [JsonPropertyName("origQty")] public decimal OrigQty { get; init; }
    [JsonPropertyName("executedQty")] public decimal ExecutedQty { get; init; }
    [JsonPropertyName("origQuoteOrderQty")] public decimal OrigQuoteOrderQty { get; init; }
    [JsonPropertyName("cummulativeQuoteQty")] public decimal CumulativeQuoteQty { get; init; }
    [JsonPropertyName("time")] public long Time { get; init; }
    [JsonPropertyName("updateTime")] public long UpdateTime { get; init; }
    /// <summary>FULL placement answers only (empty otherwise).</summary>
    [JsonPropertyName("fills")] public IReadOnlyList<SpotFill> Fills { get; init; } = [];

    public bool IsOpen => Status is "NEW" or "PARTIALLY_FILLED" or "PENDING_NEW";
    public decimal AvgPrice => ExecutedQty == 0 ? 0 : CumulativeQuoteQty / ExecutedQty;
}

/// <summary>One fill in a FULL placement answer.</summary>
public sealed record SpotFill
{
    [JsonPropertyName("price")] public decimal Price { get; init; }
    [JsonPropertyName("qty")] public decimal Quantity { get; init; }
    [JsonPropertyName("commission")] public decimal Commission { get; init; }
    [JsonPropertyName("commissionAsset")] public string CommissionAsset { get; init; } = "";
    [JsonPropertyName("tradeId")] public long TradeId { get; init; }
}

/// <summary>One of the account's trades (<c>GET /api/v3/myTrades</c>).</summary>
public sealed record SpotTradeInfo
{
    [JsonPropertyName("symbol")] public string Symbol { get; init; } = "";
    [JsonPropertyName("id")] public long Id { get; init; }
    [JsonPropertyName("orderId")] public long OrderId { get; init; }
    [JsonPropertyName("price")] public decimal Price { get; init; }
    [JsonPropertyName("qty")] public decimal Quantity { get; init; }
    [JsonPropertyName("quoteQty")] public decimal QuoteQty { get; init; }
    [JsonPropertyName("commission")] public decimal Commission { get; init; }
    [JsonPropertyName("commissionAsset")] public string CommissionAsset { get; init; } = "";
    [JsonPropertyName("time")] public long Time { get; init; }
    [JsonPropertyName("isBuyer")] public bool IsBuyer { get; init; }
    [JsonPropertyName("isMaker")] public bool IsMaker { get; init; }
}

/// <summary>The spot account (<c>GET /api/v3/account</c>): balances and commission rates.</summary>
public sealed record SpotAccountInfo
{
    [JsonPropertyName("commissionRates")] public SpotCommissionRates CommissionRates { get; init; } = new();
    [JsonPropertyName("canTrade")] public bool CanTrade { get; init; }
    [JsonPropertyName("canWithdraw")] public bool CanWithdraw { get; init; }
    [JsonPropertyName("accountType")] public string AccountType { get; init; } = "";
    [JsonPropertyName("updateTime")] public long UpdateTime { get; init; }
    [JsonPropertyName("balances")] public IReadOnlyList<SpotAssetBalance> Balances { get; init; } = [];

    /// <summary>The asset's balance, zero when the account does not list it.</summary>
    public SpotAssetBalance Balance(string asset) =>
        Balances.FirstOrDefault(b => b.Asset == asset) ?? new SpotAssetBalance { Asset = asset };
}

/// <summary>Fractions (0.001 = 0.1 %).</summary>
public sealed record SpotCommissionRates
{
    [JsonPropertyName("maker")] public decimal Maker { get; init; }
    [JsonPropertyName("taker")] public decimal Taker { get; init; }
}

public sealed record SpotAssetBalance
{
    [JsonPropertyName("asset")] public string Asset { get; init; } = "";
    [JsonPropertyName("free")] public decimal Free { get; init; }
    [JsonPropertyName("locked")] public decimal Locked { get; init; }
}

/// <summary>Why Binance spot refused an order, from its code and message (-2010 covers several causes).</summary>
public enum SpotRejectReason
{
    /// <summary>Not a rejection of the order itself (or none at all).</summary>
    None,
    /// <summary>-2010 "Account has insufficient balance for requested action."</summary>
    InsufficientBalance,
    /// <summary>-2010 "Duplicate order sent.": an open order already has that client id.</summary>
    DuplicateOrder,
    /// <summary>-1013 "Filter failure: ..." (lot size, price, notional).</summary>
    FilterFailure,
    /// <summary>-1121.</summary>
    InvalidSymbol,
    /// <summary>Any other refusal (-2010 market closed, -1100, -1102, -1106 ...).</summary>
    Other,
}
