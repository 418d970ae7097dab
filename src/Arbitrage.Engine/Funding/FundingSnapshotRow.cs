namespace Arbitrage.Engine.Funding;

/// <summary>
/// One row of <c>funding_snapshots</c>: the bucket [<paramref name="TimeMs"/>, +<paramref name="ResolutionMs"/>) of one tier.
/// Mark carries open/high/low/close so coarser candles stay exact; the other fields are the last values of the bucket.
/// </summary>
public sealed record FundingSnapshotRow(
    string Symbol,
    long ResolutionMs,
    long TimeMs,
    decimal MarkOpen,
    decimal MarkHigh,
    decimal MarkLow,
    decimal Mark,
    decimal IndexPrice,
    decimal EstimatedSettlePrice,
    decimal Basis,
    decimal PredictedRate,
    long NextFundingTimeMs,
    long EventTimeMs,
    int Updates);
