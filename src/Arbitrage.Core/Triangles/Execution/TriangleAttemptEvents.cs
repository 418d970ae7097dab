using System.Text.Json.Serialization;
using Arbitrage.Core.Serialization;

namespace Arbitrage.Core.Triangles.Execution;

/// <summary>An event of a cycle attempt's journal (the saga); every one carries its attempt and event time.</summary>
public interface ITriangleAttemptEvent : IPersistedEvent
{
    string AttemptId { get; }

    long TimeMs { get; }
}

/// <summary>How an attempt trades: the leg order type, the slippage of IOC limits, the unwind policy.</summary>
public sealed record TriangleAttemptPolicy(LegOrderType LegOrderType, decimal MaxSlippageBps, UnwindPolicy Unwind)
{
    public static TriangleAttemptPolicy From(TriangleExecutionSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.LegOrderType, s.MaxSlippageBps, s.Unwind);
    }
}

/// <summary>How the venue ended a leg's order.</summary>
public enum LegStatus
{
    /// <summary>Completely filled.</summary>
    [JsonStringEnumMemberName("filled")]
    Filled,

    /// <summary>IOC expiry, with or without a partial fill (the executed quantity says).</summary>
    [JsonStringEnumMemberName("expired")]
    Expired,

    /// <summary>Refused by the venue (or by the paper venue: balance); nothing filled.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,
}

/// <summary>How an attempt ended.</summary>
public enum TriangleAttemptOutcome
{
    /// <summary>All three legs filled.</summary>
    [JsonStringEnumMemberName("completed")]
    Completed,

    /// <summary>A leg failed and what was held went back to the start asset.</summary>
    [JsonStringEnumMemberName("unwound")]
    Unwound,

    /// <summary>A leg failed and nothing was unwound (nothing held, <c>unwind: none</c>, or the unwind itself failed).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>
/// The attempt, as decided: everything the saga needs to go on after a restart (the cycle with its filters, the plan,
/// the fee and the policy). Journaled with the first leg's intent, before anything is sent.
/// </summary>
/// <param name="StartUsdPrice">USD per one unit of the start asset at the start (for PnL and fees in USD).</param>
[Manifest(TriangleAttemptStarted.Manifest)]
public sealed record TriangleAttemptStarted(
    string AttemptId,
    string Venue,
    CycleSpec Cycle,
    CyclePlan Plan,
    double TakerFee,
    TriangleAttemptPolicy Policy,
    decimal StartUsdPrice,
    long TimeMs) : ITriangleAttemptEvent
{
    public const string Manifest = "triangle-attempt-started.v1";
}

/// <summary>An order about to be sent (a cycle leg or an unwind order): journaled before the venue hears of it.</summary>
/// <param name="Number">1–3 for a cycle leg; 1, 2, … for an unwind order.</param>
/// <param name="Reason">Why the attempt unwinds (on the first unwind order); empty otherwise.</param>
[Manifest(TriangleLegIntended.Manifest)]
public sealed record TriangleLegIntended(
    string AttemptId,
    string ClientOrderId,
    int Number,
    bool Unwind,
    CycleLegSpec Leg,
    PlannedLeg Order,
    long TimeMs,
    string Reason = "") : ITriangleAttemptEvent
{
    public const string Manifest = "triangle-leg-intended.v1";

    public TriangleOrderRequest ToRequest() =>
        new(ClientOrderId, Leg.Symbol, Leg.Base, Leg.Quote, Order.Side, Order.Type, Order.Quantity, Order.QuoteQuantity, Order.LimitPrice);
}

/// <summary>
/// The venue's final answer for an order: status, executed base quantity, quote spent or received, and the commission
/// in the asset the venue charged it in.
/// </summary>
[Manifest(TriangleLegAnswered.Manifest)]
public sealed record TriangleLegAnswered(
    string AttemptId,
    string ClientOrderId,
    LegStatus Status,
    decimal ExecutedQty,
    decimal QuoteQty,
    decimal Commission,
    string CommissionAsset,
    string Detail,
    long TimeMs) : ITriangleAttemptEvent
{
    public const string Manifest = "triangle-leg-answered.v1";
}

/// <summary>No answer (timeout, 503 after sending): the order is queried by its client id, never resent blind.</summary>
[Manifest(TriangleLegUnknown.Manifest)]
public sealed record TriangleLegUnknown(string AttemptId, string ClientOrderId, string Reason, long TimeMs) : ITriangleAttemptEvent
{
    public const string Manifest = "triangle-leg-unknown.v1";
}

/// <summary>The query says the venue has no such order: it may be sent again (same client id), once.</summary>
[Manifest(TriangleLegNotFound.Manifest)]
public sealed record TriangleLegNotFound(string AttemptId, string ClientOrderId, long TimeMs) : ITriangleAttemptEvent
{
    public const string Manifest = "triangle-leg-not-found.v1";
}

/// <summary>The kill switch reached the attempt: no new leg; what is held is unwound.</summary>
[Manifest(TriangleAttemptKilled.Manifest)]
public sealed record TriangleAttemptKilled(string AttemptId, long TimeMs) : ITriangleAttemptEvent
{
    public const string Manifest = "triangle-attempt-killed.v1";
}

/// <summary>The attempt is over.</summary>
[Manifest(TriangleAttemptEnded.Manifest)]
public sealed record TriangleAttemptEnded(string AttemptId, TriangleAttemptResult Result, long TimeMs) : ITriangleAttemptEvent
{
    public const string Manifest = "triangle-attempt-ended.v1";
}

/// <summary>
/// An attempt's result. <see cref="PnlStartAsset"/> = start asset received back − start asset spent (what is still
/// held in other assets, <see cref="Held"/>, is not valued); fees are valued at the plan's rates in the start asset,
/// then in USD (a commission in an asset outside the cycle, e.g. BNB, is not priced); slippage is the mean adverse
/// difference of each filled cycle leg's average price from its plan, in bps.
/// </summary>
public sealed record TriangleAttemptResult(
    string AttemptId,
    string Venue,
    string CycleId,
    string StartAsset,
    TriangleAttemptOutcome Outcome,
    long StartMs,
    long EndMs,
    decimal StartAmount,
    decimal EndAmount,
    decimal PnlStartAsset,
    decimal PnlUsd,
    decimal FeesUsd,
    double SlippageBps,
    int LegsFilled,
    IReadOnlyList<long> LegLatenciesMs,
    IReadOnlyDictionary<string, decimal> Held,
    string Detail);

/// <summary>An order as the venue gateway sends it.</summary>
/// <param name="QuoteQuantity">A MARKET buy's <c>quoteOrderQty</c>; 0 otherwise (then <paramref name="Quantity"/> is the base quantity).</param>
public sealed record TriangleOrderRequest(
    string ClientOrderId,
    string Symbol,
    string Base,
    string Quote,
    TradeSide Side,
    LegOrderType Type,
    decimal Quantity,
    decimal QuoteQuantity,
    decimal? LimitPrice);
