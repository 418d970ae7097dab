namespace Arbitrage.Core.Funding.Carry;

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

/// <summary>One leg order. <see cref="ClientId"/> is stable per carry, purpose and leg, so a live gateway can query before retrying.</summary>
/// <param name="ReferencePrice">Index (spot proxy) for the spot leg, mark for the perp leg, at decision time.</param>
public sealed record CarryLegOrder(string Symbol, string ClientId, CarryLeg Leg, CarrySide Side, decimal Quantity, decimal ReferencePrice, long TimeMs);

/// <summary>A fill, or why there is none (an expected failure: rejection, no liquidity, timeout).</summary>
public sealed record CarryLegResult(CarryLegFill? Fill, string? Error)
{
    public bool Success => Fill is not null;

    public static CarryLegResult Filled(CarryLegFill fill) => new(fill, null);

    public static CarryLegResult Failed(string error) => new(null, error);
}
