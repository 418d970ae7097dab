namespace Arbitrage.Binance.UserData;

/// <summary>An event of a user-data stream (USD-M or spot).</summary>
public interface IUserDataEvent
{
    /// <summary>Event time <c>E</c> (Unix ms).</summary>
    long EventTime { get; }
}

/// <summary>
/// <c>ORDER_TRADE_UPDATE</c>: an order changed (<c>x</c> execution type, <c>X</c> status). On a fill
/// <see cref="LastFilledQty"/>/<see cref="LastFilledPrice"/> describe this fill and
/// <see cref="CumulativeFilledQty"/> the order so far.
/// </summary>
public sealed record OrderTradeUpdate(
    long EventTime,
    long TransactionTime,
    string Symbol,
    string ClientOrderId,
    string Side,
    string OrderType,
    string TimeInForce,
    decimal OriginalQty,
    decimal Price,
    decimal AveragePrice,
    decimal StopPrice,
    string ExecutionType,
    string Status,
    long OrderId,
    decimal LastFilledQty,
    decimal CumulativeFilledQty,
    decimal LastFilledPrice,
    string? CommissionAsset,
    decimal Commission,
    long TradeId,
    bool IsMaker,
    bool ReduceOnly,
    bool ClosePosition,
    string PositionSide,
    decimal RealizedProfit) : IUserDataEvent
{
    public bool IsFill => ExecutionType == "TRADE";
    public bool IsFinal => Status is "FILLED" or "CANCELED" or "EXPIRED" or "REJECTED" or "EXPIRED_IN_MATCH";
}

public sealed record BalanceChange(string Asset, decimal WalletBalance, decimal CrossWalletBalance, decimal BalanceChangeExceptPnlAndFee);

public sealed record PositionChange(string Symbol, decimal PositionAmount, decimal EntryPrice, decimal BreakEvenPrice,
    decimal AccumulatedRealized, decimal UnrealizedPnl, string MarginType, string PositionSide);

/// <summary><c>ACCOUNT_UPDATE</c>: balances and positions after a fill, funding fee, deposit... (<see cref="Reason"/> = <c>a.m</c>).</summary>
public sealed record AccountUpdate(long EventTime, long TransactionTime, string Reason,
    IReadOnlyList<BalanceChange> Balances, IReadOnlyList<PositionChange> Positions) : IUserDataEvent;

/// <summary>
/// Spot <c>executionReport</c>: an order changed (<c>x</c> execution type NEW, TRADE, CANCELED, EXPIRED, REJECTED...;
/// <c>X</c> status). On a TRADE <see cref="LastFilledQty"/>/<see cref="LastFilledPrice"/> and the commission describe this
/// fill; <see cref="CumulativeFilledQty"/>/<see cref="CumulativeQuoteQty"/> the order so far. An IOC that fills part of its
/// quantity reports TRADE with status PARTIALLY_FILLED, then EXPIRED. On a cancel <see cref="ClientOrderId"/> is the cancel
/// request's id and <see cref="OriginalClientOrderId"/> the order's.
/// </summary>
public sealed record SpotExecutionReport(
    long EventTime,
    long TransactionTime,
    string Symbol,
    string ClientOrderId,
    string OriginalClientOrderId,
    string Side,
    string OrderType,
    string TimeInForce,
    decimal OriginalQty,
    decimal Price,
    decimal QuoteOrderQty,
    string ExecutionType,
    string Status,
    string RejectReason,
    long OrderId,
    decimal LastFilledQty,
    decimal CumulativeFilledQty,
    decimal LastFilledPrice,
    decimal LastQuoteQty,
    decimal CumulativeQuoteQty,
    decimal Commission,
    string? CommissionAsset,
    long TradeId,
    bool IsMaker,
    long OrderCreationTime) : IUserDataEvent
{
    public bool IsFill => ExecutionType == "TRADE";
    public bool IsFinal => Status is "FILLED" or "CANCELED" or "EXPIRED" or "REJECTED" or "EXPIRED_IN_MATCH";

    /// <summary>The order's own client id, whether this report is of a placement, a fill or a cancel.</summary>
    public string OrderClientId => OriginalClientOrderId.Length > 0 ? OriginalClientOrderId : ClientOrderId;
}

/// <summary>One asset of an <see cref="OutboundAccountPosition"/>.</summary>
public sealed record SpotAssetPosition(string Asset, decimal Free, decimal Locked);

/// <summary>Spot <c>outboundAccountPosition</c>: the free/locked balances of the assets an account change touched.</summary>
public sealed record OutboundAccountPosition(long EventTime, long LastUpdateTime, IReadOnlyList<SpotAssetPosition> Balances) : IUserDataEvent;

/// <summary>Spot <c>balanceUpdate</c>: a deposit, withdrawal or transfer changed an asset by <see cref="Delta"/>.</summary>
public sealed record SpotBalanceUpdate(long EventTime, string Asset, decimal Delta, long ClearTime) : IUserDataEvent;

/// <summary><c>listenKeyExpired</c>: the stream is dead; create a new key and reconnect.</summary>
public sealed record ListenKeyExpired(long EventTime, string? ListenKey) : IUserDataEvent;

/// <summary>Any other event type (MARGIN_CALL, ACCOUNT_CONFIG_UPDATE, TRADE_LITE, ...), kept by name only.</summary>
public sealed record OtherUserDataEvent(long EventTime, string EventType) : IUserDataEvent;
