namespace Arbitrage.Core.Funding.Carry;

/// <summary>The open carry: the Core position plus what the carry needs around it.</summary>
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

/// <summary>One carry from open to close (or still open: <see cref="ClosedMs"/> null, <see cref="ExitReason"/> <c>open</c>). USD.</summary>
/// <param name="BasisPnlUsd">Spot PnL + perp PnL (at exit prices, or marked for an open carry).</param>
/// <param name="NetUsd">Basis PnL + funding − fees.</param>
public sealed record CarryResult(
    string Symbol,
    string CarryId,
    long OpenedMs,
    long? ClosedMs,
    decimal NotionalUsd,
    decimal FundingUsd,
    decimal BasisPnlUsd,
    decimal FeesUsd,
    decimal NetUsd,
    int Settlements,
    string ExitReason);

/// <summary>
/// Everything a carry journals (tag <c>funding</c>), decided by <see cref="CarryLogic"/> and folded by
/// <see cref="CarryState.Apply"/>. Stored under stable manifests (<c>carry-decided.v1</c>, …) that the engine's
/// serializer registry names for these types; never rename one.
/// </summary>
public interface ICarryEvent
{
    string Symbol { get; }
}

/// <summary>An acting decision (rule or operator) with its reason and numbers. Manifest <c>carry-decided.v1</c>.</summary>
/// <param name="Action"><c>open</c> or <c>close</c>.</param>
/// <param name="Reason">A Core <see cref="CarryReason"/> name, or <c>operator</c>.</param>
public sealed record CarryDecided(string Symbol, string CarryId, long TimeMs, string Action, string Reason, string Detail, string By,
    decimal PredictedRate, decimal PredictedAnnualised, decimal Basis, decimal MarkPrice, decimal IndexPrice) : ICarryEvent;

/// <summary>A leg filled. Manifest <c>carry-leg-filled.v1</c>.</summary>
public sealed record CarryLegFilled(string Symbol, string CarryId, CarryLegPurpose Purpose, CarryLegFill Fill) : ICarryEvent;

/// <summary>A leg failed. Manifest <c>carry-leg-failed.v1</c>.</summary>
public sealed record CarryLegFailed(string Symbol, string CarryId, CarryLegPurpose Purpose, CarryLeg Leg, string Error, long TimeMs) : ICarryEvent;

/// <summary>Both legs filled: the carry is open. Manifest <c>carry-opened.v1</c>.</summary>
public sealed record CarryOpened(string Symbol, string CarryId, decimal NotionalUsd, CarryPosition Position, string By) : ICarryEvent;

/// <summary>
/// One leg failed to open; <see cref="Failure"/> says how the other was unwound. <see cref="Stranded"/> = the unwind failed too
/// (retried). Manifest <c>carry-open-failed.v1</c>.
/// </summary>
public sealed record CarryOpenFailed(string Symbol, CarryOpenFailure Failure, CarryLegFill? Stranded) : ICarryEvent;

/// <summary>A stranded leg was finally unwound. Manifest <c>carry-stranded-unwound.v1</c>.</summary>
public sealed record CarryStrandedUnwound(string Symbol, string CarryId, CarryLegFill Unwound, decimal PnlUsd) : ICarryEvent;

/// <summary>Funding of one settlement: <c>PerpQuantity × MarkPrice × Rate</c> received by the short. Manifest <c>carry-funding-accrued.v1</c>.</summary>
public sealed record CarryFundingAccrued(string Symbol, string CarryId, long SettlementMs, decimal Rate, decimal MarkPrice, decimal AmountUsd, bool Estimated) : ICarryEvent;

/// <summary>Closing started (one close leg failed; the other's fill is journaled). Manifest <c>carry-closing.v1</c>.</summary>
public sealed record CarryClosing(string Symbol, string CarryId, string Reason, string By, long TimeMs) : ICarryEvent;

/// <summary>Both legs closed. Manifest <c>carry-closed.v1</c>.</summary>
public sealed record CarryClosed(string Symbol, CarryResult Result, string By) : ICarryEvent;
