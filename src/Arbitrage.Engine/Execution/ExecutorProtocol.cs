using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Sizing;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Execution;

/// <summary>How the executor trades.</summary>
/// <param name="Filters">Exchange filters per symbol; a signal on a symbol without filters is rejected.</param>
/// <param name="MaxConcurrentPositions">Open trades at most (one per symbol in any case).</param>
/// <param name="TakerFeeRate">Fee rate assumed when the exchange does not report a fill's fee.</param>
/// <param name="RetryDelay">
/// First wait before calling the exchange again after it failed to answer (outage, timeout); doubles per failure of the same
/// order up to <see cref="MaxRetry"/>. After a rate limit the wait is the exchange's own Retry-After.
/// </param>
/// <param name="MaxPlaceAttempts">
/// Placements of one client id before giving up, each after the exchange said it has no such order. Placements the exchange
/// refused without looking at them (429, 418, 403, -1021) are not attempts: they are sent again, with backoff, as long as the order is wanted.
/// </param>
public sealed record ExecutorSettings(
    IReadOnlyDictionary<string, SymbolFilters> Filters,
    int MaxConcurrentPositions = 3,
    decimal TakerFeeRate = 0.0004m,
    TimeSpan? RetryDelay = null,
    int MaxPlaceAttempts = 3,
    string PersistenceId = "executor")
{
    public TimeSpan Retry => RetryDelay ?? TimeSpan.FromSeconds(1);

    /// <summary>What the pure decisions need of these settings.</summary>
    public ExecutionRules Rules => new(Filters, MaxConcurrentPositions, TakerFeeRate);

    /// <summary>Longest wait between two calls for the same order.</summary>
    public TimeSpan MaxRetry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A held position without a protective stop working at the exchange this long after its first stop was sent is closed at
    /// market and alerted (<see cref="ExecutorLogic.CheckProtection"/>).
    /// </summary>
    public TimeSpan ProtectionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time an order call may take on its first try (the gateway's own timeout applies); a call that timed out is given
    /// twice as long on its next try, up to <see cref="MaxPatience"/> (<see cref="IPatientGateway"/>).
    /// </summary>
    public TimeSpan FirstPatience { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxPatience { get; init; } = TimeSpan.FromSeconds(30);
}

// ---- from the risk guard (the only sender) ----

/// <summary>Trade this signal, risking <paramref name="RiskUsd"/>. Sent only by the risk guard after its checks.</summary>
public sealed record ExecuteSignal(SignalEmitted Signal, decimal RiskUsd) : INoSerializationVerificationNeeded;

/// <summary>Close every position and cancel every working order; <paramref name="Reason"/> becomes each trade's exit reason.</summary>
public sealed record FlattenAll(ExitReason Reason, string Detail, long TimeMs) : INoSerializationVerificationNeeded;

/// <summary>Close the position on one symbol; <paramref name="Reason"/> becomes the trade's exit reason.</summary>
public sealed record ClosePosition(string Symbol, ExitReason Reason, string Detail, long TimeMs) : INoSerializationVerificationNeeded;

/// <summary>The last trade price of a symbol at event time (drives the paper gateway; used for timing).</summary>
[Manifest("market-tick.v1")]
public sealed record MarketTick(string Symbol, decimal Price, long TimeMs) : IWireMessage;

/// <summary>Ask for <see cref="ExecutorStatus"/>.</summary>
public sealed record GetExecutorStatus : INoSerializationVerificationNeeded;

public sealed record ExecutorStatus(bool Ready, ExecutorState State) : INoSerializationVerificationNeeded;

// ---- to the risk guard (the parent) ----

/// <summary>
/// An order of a trade filled (all or part): what the operator's phone hears (<c>order_filled</c> alerts). Sent after the
/// fill is journaled; published by the guard (risk topic). <paramref name="StrategyId"/> is null for an order whose trade is
/// no longer known (adopted at reconciliation).
/// </summary>
[Manifest("order-fill-reported.v1")]
public sealed record OrderFillReported(
    string ClientOrderId,
    string SignalId,
    string Symbol,
    string? StrategyId,
    OrderLeg Leg,
    Side Side,
    decimal Quantity,
    decimal Price,
    decimal FeeUsd,
    decimal FilledQuantity,
    decimal OrderQuantity,
    long TimeMs) : IWireMessage;

/// <summary>Recovery and reconciliation are done: signals are accepted from now on. Published by the guard (risk topic).</summary>
[Manifest("executor-ready.v1")]
public sealed record ExecutorReady(int OpenTrades, int Differences) : IWireMessage;

/// <summary>
/// The account is not as configured (position mode, leverage, margin type; see <see cref="Live.LiveAccountSetup"/>):
/// signals on the symbols named are refused (<see cref="SignalRejected"/> with the problem's code) until the executor
/// restarts and the check passes. An alert for the operator, published by the guard (risk topic).
/// </summary>
[Manifest("account-not-ready.v1")]
public sealed record AccountNotReady(IReadOnlyList<Live.AccountProblem> Problems) : IWireMessage;

/// <summary>The positions held now (after every change), for the hold-timeout rule.</summary>
public sealed record OpenPositionsChanged(IReadOnlyList<HeldPosition> Positions) : INoSerializationVerificationNeeded;

/// <summary>The account balance as the gateway reports it.</summary>
public sealed record BalanceReport(decimal BalanceUsd, long TimeMs) : INoSerializationVerificationNeeded;

// ---- internal (gateway answers piped back) ----

internal sealed record PlaceCompleted(OrderIntent Intent, GatewayResult<GatewayOrder> Result) : INoSerializationVerificationNeeded;

internal sealed record QueryCompleted(string Symbol, string ClientOrderId, GatewayResult<GatewayOrder> Result) : INoSerializationVerificationNeeded;

internal sealed record CancelCompleted(string Symbol, string ClientOrderId, GatewayResult<GatewayOrder> Result) : INoSerializationVerificationNeeded;

internal sealed record ReconcileCompleted(ReconcileSnapshot? Snapshot, string? Error, Live.AccountCheck? Account = null) : INoSerializationVerificationNeeded;

internal sealed record BalanceCompleted(GatewayResult<decimal> Result) : INoSerializationVerificationNeeded;

internal sealed record PositionCompleted(ExecutionEffect.ReadPosition Request, GatewayResult<IReadOnlyList<GatewayPosition>> Result) : INoSerializationVerificationNeeded;

internal sealed record PriceApplied : INoSerializationVerificationNeeded;

/// <summary>Call the exchange again for an order (after a backoff).</summary>
internal sealed record RetryOrderCall(string ClientOrderId, OrderCall Call) : INoSerializationVerificationNeeded;

internal sealed record RetryPositionRead(ExecutionEffect.ReadPosition Request) : INoSerializationVerificationNeeded;

/// <summary>The protection deadline of a trade (<see cref="ExecutorSettings.ProtectionTimeout"/>).</summary>
internal sealed record ProtectionDeadline(string SignalId) : INoSerializationVerificationNeeded;

internal enum OrderCall
{
    Place,
    Query,
    Cancel,
}

internal sealed record RetryReconcile : INoSerializationVerificationNeeded;
