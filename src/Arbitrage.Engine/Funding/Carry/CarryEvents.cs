using Arbitrage.Core.Funding;
using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Funding.Carry;

public enum CarryLeg
{
    Spot,
    Perp,
}

public enum CarrySide
{
    Buy,
    Sell,
}

/// <summary>Why a leg order was sent.</summary>
public enum CarryLegPurpose
{
    Open,
    Close,
    Unwind,
}

/// <summary>A leg fill: base quantity (positive), price, fee in USD.</summary>
public sealed record CarryLegFill(CarryLeg Leg, CarrySide Side, decimal Quantity, decimal Price, decimal FeeUsd, long TimeMs);

/// <summary>The open carry: the Core position plus what the actor needs around it.</summary>
/// <param name="SpotExit">Close fill of the spot leg while closing (the other leg failed and is retried).</param>
public sealed record OpenCarryPosition(
    string CarryId,
    decimal NotionalUsd,
    CarryPosition Position,
    string OpenedBy,
    CarryLegFill? SpotExit = null,
    CarryLegFill? PerpExit = null,
    string? ClosingReason = null,
    string? ClosingBy = null)
{
    public bool Closing => ClosingReason is not null;
}

/// <summary>An open whose other leg failed: what failed and how the filled leg was unwound.</summary>
/// <param name="Unwound">The unwind fill; null when the failed leg was the only one sent or both failed.</param>
public sealed record CarryOpenFailure(string CarryId, long TimeMs, CarryLeg FailedLeg, string Error, CarryLegFill? Filled, CarryLegFill? Unwound, decimal PnlUsd, decimal FeesUsd);

/// <summary>Everything a <see cref="CarryActor"/> journals (tag <c>funding</c>).</summary>
public interface ICarryEvent : IPersistedEvent
{
    string Symbol { get; }
}

/// <summary>An acting decision (rule or operator) with its reason and numbers.</summary>
/// <param name="Action"><c>open</c> or <c>close</c>.</param>
/// <param name="Reason">A Core <see cref="CarryReason"/> name, or <c>operator</c>.</param>
[Manifest("carry-decided.v1")]
public sealed record CarryDecided(string Symbol, string CarryId, long TimeMs, string Action, string Reason, string Detail, string By,
    decimal PredictedRate, decimal PredictedAnnualised, decimal Basis, decimal MarkPrice, decimal IndexPrice) : ICarryEvent;

[Manifest("carry-leg-filled.v1")]
public sealed record CarryLegFilled(string Symbol, string CarryId, CarryLegPurpose Purpose, CarryLegFill Fill) : ICarryEvent;

[Manifest("carry-leg-failed.v1")]
public sealed record CarryLegFailed(string Symbol, string CarryId, CarryLegPurpose Purpose, CarryLeg Leg, string Error, long TimeMs) : ICarryEvent;

/// <summary>Both legs filled: the carry is open.</summary>
[Manifest("carry-opened.v1")]
public sealed record CarryOpened(string Symbol, string CarryId, decimal NotionalUsd, CarryPosition Position, string By) : ICarryEvent;

/// <summary>One leg failed to open; <see cref="Failure"/> says how the other was unwound. <see cref="Stranded"/> = the unwind failed too (retried).</summary>
[Manifest("carry-open-failed.v1")]
public sealed record CarryOpenFailed(string Symbol, CarryOpenFailure Failure, CarryLegFill? Stranded) : ICarryEvent;

/// <summary>A stranded leg was finally unwound.</summary>
[Manifest("carry-stranded-unwound.v1")]
public sealed record CarryStrandedUnwound(string Symbol, string CarryId, CarryLegFill Unwound, decimal PnlUsd) : ICarryEvent;

/// <summary>Funding of one settlement: <c>PerpQuantity × MarkPrice × Rate</c> received by the short.</summary>
[Manifest("carry-funding-accrued.v1")]
public sealed record CarryFundingAccrued(string Symbol, string CarryId, long SettlementMs, decimal Rate, decimal MarkPrice, decimal AmountUsd, bool Estimated) : ICarryEvent;

/// <summary>Closing started (one close leg failed; the other's fill is journaled).</summary>
[Manifest("carry-closing.v1")]
public sealed record CarryClosing(string Symbol, string CarryId, string Reason, string By, long TimeMs) : ICarryEvent;

[Manifest("carry-closed.v1")]
public sealed record CarryClosed(string Symbol, CarryResult Result, string By) : ICarryEvent;
