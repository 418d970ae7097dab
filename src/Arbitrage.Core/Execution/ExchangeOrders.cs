namespace Arbitrage.Core.Execution;

// How the executor's decisions see an exchange's orders, whichever exchange (paper, Binance): the gateway in the engine
// translates to and from these.

/// <summary>A new order. <paramref name="StopPrice"/> is the trigger of STOP_MARKET / TAKE_PROFIT_MARKET.</summary>
public sealed record OrderRequest(
    string ClientOrderId,
    string Symbol,
    Side Side,
    OrderType Type,
    decimal Quantity,
    decimal? StopPrice,
    bool ReduceOnly);

public enum GatewayOrderStatus
{
    New,
    PartiallyFilled,
    Filled,
    Canceled,
    Rejected,
    Expired,
}

/// <summary>An order as the exchange knows it. <paramref name="FeeUsd"/>: cumulative fees when known, else null.</summary>
public sealed record GatewayOrder(
    string ClientOrderId,
    string Symbol,
    Side Side,
    OrderType Type,
    decimal Quantity,
    decimal? StopPrice,
    bool ReduceOnly,
    GatewayOrderStatus Status,
    decimal FilledQuantity,
    decimal AveragePrice,
    decimal? FeeUsd,
    long UpdateTimeMs)
{
    public bool IsFinal => Status is GatewayOrderStatus.Filled or GatewayOrderStatus.Canceled
        or GatewayOrderStatus.Rejected or GatewayOrderStatus.Expired;
}

/// <summary>A position: signed quantity (+ long, − short) and its average entry.</summary>
public sealed record GatewayPosition(string Symbol, decimal Quantity, decimal EntryPrice);

public enum GatewayErrorKind
{
    /// <summary>The exchange refused the request; retrying the same request will not help.</summary>
    Rejected,
    /// <summary>503 / timeout on a placement: the order may exist. Query by client id before anything else.</summary>
    UnknownStatus,
    /// <summary>No such order.</summary>
    NotFound,
    /// <summary>Transport, 5xx, rate limit, timeout (not of a placement): try again later, not before <see cref="GatewayError.RetryAt"/>.</summary>
    Unavailable,
}

public sealed record GatewayError(GatewayErrorKind Kind, string Message)
{
    /// <summary>When the exchange allows calls again (rate limit: its Retry-After); null when it did not say.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    public override string ToString() => $"{Kind}: {Message}";
}

/// <summary>A value or a <see cref="GatewayError"/>.</summary>
public readonly record struct GatewayResult<T>(T? Value, GatewayError? Error)
{
    public bool Success => Error is null;

    public static GatewayResult<T> Ok(T value) => new(value, null);

    public static GatewayResult<T> Fail(GatewayErrorKind kind, string message) => new(default, new GatewayError(kind, message));

    public static implicit operator GatewayResult<T>(GatewayError error) => new(default, error);
}
