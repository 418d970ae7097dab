using Akka.Actor;
using Arbitrage.Binance.Rest.Models;

namespace Arbitrage.Engine.Execution;

/// <summary>
/// The executor's only view of an exchange: paper and live implement it, everything above it is shared.
/// Calls return result values (never throw for exchange failures). Order updates (fills, cancels,
/// triggers) are delivered as <see cref="OrderUpdate"/> messages to the subscribed actor. How
/// conditional orders travel (order endpoint or algo endpoint) is the implementation's business.
/// </summary>
public interface IExchangeGateway
{
    /// <summary>Where <see cref="OrderUpdate"/>s go; the executor subscribes itself on every start.</summary>
    void Subscribe(IActorRef listener);

    /// <summary>
    /// Places an order under <see cref="OrderRequest.ClientOrderId"/>. <see cref="GatewayErrorKind.UnknownStatus"/>: query before any
    /// retry (also the answer when the exchange already holds an order under this client id, Binance -4116).
    /// </summary>
    Task<GatewayResult<GatewayOrder>> PlaceAsync(OrderRequest order, CancellationToken ct = default);

    /// <summary>The order with this client id; <see cref="GatewayErrorKind.NotFound"/> when the exchange never saw it.</summary>
    Task<GatewayResult<GatewayOrder>> QueryAsync(string symbol, string clientOrderId, CancellationToken ct = default);

    Task<GatewayResult<GatewayOrder>> CancelAsync(string symbol, string clientOrderId, CancellationToken ct = default);

    Task<GatewayResult<IReadOnlyList<GatewayOrder>>> OpenOrdersAsync(CancellationToken ct = default);

    /// <summary>Non-zero positions (one-way mode: signed quantity, + long / − short).</summary>
    Task<GatewayResult<IReadOnlyList<GatewayPosition>>> PositionsAsync(CancellationToken ct = default);

    /// <summary>Available balance of the margin asset in USD.</summary>
    Task<GatewayResult<decimal>> BalanceAsync(CancellationToken ct = default);
}

/// <summary>A gateway that fills against prices it is fed (paper): the executor forwards every <see cref="MarketTick"/>.</summary>
public interface IPriceDrivenGateway : IExchangeGateway
{
    /// <summary>Completes once the price is applied: every fill it caused is journaled and told to the listener before.</summary>
    Task OnPriceAsync(string symbol, decimal price, long timeMs);
}

/// <summary>
/// A gateway whose exchange runs as an actor (the paper venue) with the executor's lifetime and location: the executor
/// hosts it as its child on every start, before it subscribes (one account = one executor = one venue).
/// </summary>
public interface IHostedGateway
{
    void Host(IActorContext executor);
}

/// <summary>
/// A gateway that can be given more time than its default for one call. The executor asks for more on each retry of an
/// order whose last call timed out, so an exchange slower than the default timeout is still reached.
/// </summary>
public interface IPatientGateway
{
    Task<GatewayResult<GatewayOrder>> PlaceAsync(OrderRequest order, TimeSpan patience, CancellationToken ct = default);

    Task<GatewayResult<GatewayOrder>> CancelAsync(string symbol, string clientOrderId, TimeSpan patience, CancellationToken ct = default);
}

/// <summary>A new order. <paramref name="StopPrice"/> is the trigger of STOP_MARKET / TAKE_PROFIT_MARKET.</summary>
public sealed record OrderRequest(
    string ClientOrderId,
    string Symbol,
    OrderSide Side,
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
    OrderSide Side,
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

/// <summary>
/// Pushed by the gateway to its listener whenever an order changes. Cumulative figures make it
/// idempotent: a repeated or late update never double-counts a fill.
/// </summary>
/// <param name="LastFillFeeUsd">Fee of the fill this update reports (null when not a fill or unknown).</param>
public sealed record OrderUpdate(GatewayOrder Order, decimal LastFillQuantity, decimal LastFillPrice, decimal? LastFillFeeUsd) : INoSerializationVerificationNeeded;

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
