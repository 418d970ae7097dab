using Arbitrage.Core.Execution;

namespace Arbitrage.Core.Sizing;

/// <summary>Outcome of <see cref="PositionSizer.Size"/>: an order size, or why there can be none.</summary>
public abstract record SizeResult
{
    private SizeResult() { }

    /// <summary>A sized order. Prices are on the tick grid, the quantity on the step grid.</summary>
    /// <param name="Side">Long when the stop is below the entry.</param>
    /// <param name="Quantity">Base-asset quantity, rounded down to the step.</param>
    /// <param name="Entry">Entry rounded away from the stop.</param>
    /// <param name="StopLoss">Stop rounded away from the entry.</param>
    /// <param name="Notional">Quantity × Entry.</param>
    /// <param name="RiskUsd">Loss at the stop before fees: Quantity × |Entry − StopLoss| (≤ requested risk).</param>
    public sealed record Ok(
        Direction Side,
        decimal Quantity,
        decimal Entry,
        decimal StopLoss,
        decimal Notional,
        decimal RiskUsd) : SizeResult;

    /// <summary>No order: <paramref name="Reason"/> names the numbers and what would fix it.</summary>
    public sealed record Rejected(SizeRejection Code, string Reason) : SizeResult;
}

/// <summary>Why a size was rejected.</summary>
public enum SizeRejection
{
    InvalidInput,
    ZeroDistance,
    BelowMinQty,
    BelowMinNotional,
}
