using Akka.Actor;
using Arbitrage.Core.Execution;

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

/// <summary>
/// Pushed by the gateway to its listener whenever an order changes. Cumulative figures make it
/// idempotent: a repeated or late update never double-counts a fill.
/// </summary>
/// <param name="LastFillFeeUsd">Fee of the fill this update reports (null when not a fill or unknown).</param>
public sealed record OrderUpdate(GatewayOrder Order, decimal LastFillQuantity, decimal LastFillPrice, decimal? LastFillFeeUsd) : INoSerializationVerificationNeeded;
