using Arbitrage.Core.Serialization;

namespace Arbitrage.Core.Execution;

/// <summary>An event of the executor's journal (tag <c>order</c>); every one carries its event time.</summary>
public interface IExecutionEvent : IPersistedEvent
{
    long TimeMs { get; }
}

/// <summary>A signal that will not be traded: <paramref name="Code"/> says why (sizing, position limits, busy symbol, missing filters, the account), <paramref name="Reason"/> in words.</summary>
[Manifest("execution-signal-rejected.v1")]
public sealed record SignalRejected(string SignalId, string Symbol, RejectCode Code, string Reason, long TimeMs) : IExecutionEvent;

/// <summary>A signal accepted for trading, sized. Persisted with the entry's <see cref="OrderIntent"/>.</summary>
[Manifest("execution-trade-planned.v1")]
public sealed record TradePlanned(
    string SignalId,
    string StrategyId,
    string Symbol,
    Direction Side,
    decimal Entry,
    decimal StopLoss,
    decimal TakeProfit1,
    decimal TakeProfit2,
    decimal Quantity,
    decimal RiskUsd,
    decimal TickSize,
    decimal StepSize,
    decimal MinQty,
    long TimeMs) : IExecutionEvent;

/// <summary>An order about to be sent: persisted before the gateway hears of it.</summary>
[Manifest("execution-order-intent.v1")]
public sealed record OrderIntent(
    string ClientOrderId,
    string SignalId,
    string Symbol,
    OrderLeg Leg,
    Side Side,
    OrderType Type,
    decimal Quantity,
    decimal? StopPrice,
    bool ReduceOnly,
    long TimeMs) : IExecutionEvent
{
    public OrderRequest ToRequest() => new(ClientOrderId, Symbol, Side, Type, Quantity, StopPrice, ReduceOnly);
}

/// <summary>The exchange acknowledged the order (it is working or already done).</summary>
[Manifest("execution-order-accepted.v1")]
public sealed record OrderAccepted(string ClientOrderId, long TimeMs) : IExecutionEvent;

/// <summary>A fill of <paramref name="Quantity"/> (an increment, not cumulative) at <paramref name="Price"/>.</summary>
[Manifest("execution-order-filled.v1")]
public sealed record OrderFilled(string ClientOrderId, decimal Quantity, decimal Price, decimal FeeUsd, long TimeMs) : IExecutionEvent;

/// <summary>The order is done without (further) fills: canceled, rejected, expired, or never reached the exchange.</summary>
[Manifest("execution-order-ended.v1")]
public sealed record OrderEnded(string ClientOrderId, GatewayOrderStatus Status, string Reason, long TimeMs) : IExecutionEvent;

/// <summary>
/// The trade must be closed now (risk action, kill switch, operator, rejected protection): <paramref name="Reason"/>
/// becomes the trade's exit reason, <paramref name="Detail"/> says who or what in words.
/// </summary>
[Manifest("execution-flatten-requested.v2")]
public sealed record FlattenRequested(string SignalId, ExitReason Reason, string Detail, long TimeMs) : IExecutionEvent;

/// <summary>v1 stored the reason as free text only: read as v2 with the code recognised from the text (<see cref="ExitReasons.FromStored"/>).</summary>
[Manifest("execution-flatten-requested.v1")]
public sealed record FlattenRequestedV1(string SignalId, string Reason, long TimeMs) : IPersistedEvent, IUpcast
{
    public IPersistedMessage Upcast()
    {
        var (reason, detail) = ExitReasons.FromStored(Reason);
        return new FlattenRequested(SignalId, reason, detail, TimeMs);
    }
}

/// <summary>The entry never filled: the trade ended without a position.</summary>
[Manifest("execution-trade-aborted.v1")]
public sealed record TradeAborted(string SignalId, string Symbol, string Reason, long TimeMs) : IExecutionEvent;

/// <summary>
/// A finished trade (the trades CSV row). PnL is net of fees; <paramref name="PnlR"/> = PnL / planned risk.
/// <paramref name="Exit"/> is the quantity-weighted average exit price. <paramref name="ExitReason"/> is the code,
/// <paramref name="ExitDetail"/> the words behind a flatten (empty for a bracket leg).
/// </summary>
[Manifest("execution-trade-closed.v2")]
public sealed record TradeClosed(
    string SignalId,
    string Symbol,
    string StrategyId,
    Direction Direction,
    long EntryTimeMs,
    decimal Entry,
    decimal Quantity,
    long ExitTimeMs,
    decimal Exit,
    ExitReason ExitReason,
    string ExitDetail,
    decimal PnlUsd,
    decimal PnlR,
    decimal FeesUsd,
    long TimeMs) : IExecutionEvent;

/// <summary>
/// v1 stored <c>exit_reason</c> as a code for bracket legs and as the flatten's free text otherwise: read as v2 with
/// the code recognised from the text and the text as the detail (<see cref="ExitReasons.FromStored"/>).
/// </summary>
[Manifest("execution-trade-closed.v1")]
public sealed record TradeClosedV1(
    string SignalId,
    string Symbol,
    string StrategyId,
    Direction Direction,
    long EntryTimeMs,
    decimal Entry,
    decimal Quantity,
    long ExitTimeMs,
    decimal Exit,
    string ExitReason,
    decimal PnlUsd,
    decimal PnlR,
    decimal FeesUsd,
    long TimeMs) : IPersistedEvent, IUpcast
{
    public IPersistedMessage Upcast()
    {
        var (reason, detail) = ExitReasons.FromStored(ExitReason);
        return new TradeClosed(SignalId, Symbol, StrategyId, Direction, EntryTimeMs, Entry, Quantity, ExitTimeMs, Exit, reason, detail, PnlUsd, PnlR, FeesUsd, TimeMs);
    }
}

/// <summary>A difference between the journal and the exchange found (and resolved) at reconciliation: <paramref name="Kind"/> which.</summary>
[Manifest("execution-reconciled.v1")]
public sealed record ReconciliationDifference(DifferenceKind Kind, string Symbol, string? ClientOrderId, string Detail, long TimeMs) : IExecutionEvent;

/// <summary>
/// Something an operator must see (ARCHITECTURE §13): a position found or left unprotected, a position cleared, a close that
/// did not close. The risk guard records and publishes it as <see cref="Risk.ExecutionAlertRaised"/>; the executor logs it as an error.
/// </summary>
[Manifest("execution-alert.v1")]
public sealed record ExecutionAlert(ExecutionAlertKind Kind, string Symbol, string? SignalId, string Detail, long TimeMs) : IExecutionEvent;

/// <summary>
/// The trade's open <paramref name="Quantity"/> was cleared from the journal because the exchange holds none of it
/// (<paramref name="ExchangeQuantity"/>, signed, on the symbol): a position lost to a restart of a venue, closed by hand at
/// the exchange, or liquidated. Found by a close (<paramref name="Reason"/>, <paramref name="Detail"/>: whose and why). The
/// trade ends without an exit price or PnL (it is not a closed trade).
/// </summary>
[Manifest("execution-position-written-off.v1")]
public sealed record PositionWrittenOff(
    string SignalId,
    string Symbol,
    decimal Quantity,
    decimal ExchangeQuantity,
    ExitReason Reason,
    string Detail,
    long TimeMs) : IExecutionEvent;
