namespace Arbitrage.Core.Funding;

/// <summary>
/// Entry/exit thresholds of a carry strategy (from its strategy file). Annualised values are
/// yearly fractions (0.10 = 10 %/yr); basis is (perp − spot) / spot.
/// </summary>
/// <param name="EnterMinAnnualised">Enter when the predicted annualised funding is at least this.</param>
/// <param name="EnterMinBasis">…and the basis is at least this (a perp discount is paid back on exit).</param>
/// <param name="ExitBelowAnnualised">Exit when predicted annualised funding falls below this (below the entry level: hysteresis).</param>
/// <param name="MaxHoldingMs">Exit when held this long.</param>
/// <param name="ExitBasisWidening">Exit when the basis has widened this much against the position since entry; null = never.</param>
public sealed record CarryParameters(
    decimal EnterMinAnnualised = 0.10m,
    decimal EnterMinBasis = -0.0005m,
    decimal ExitBelowAnnualised = 0.03m,
    long MaxHoldingMs = 30L * 86_400_000,
    decimal? ExitBasisWidening = null,
    decimal? EnterMaxBasis = null)
{
    public string? Validate()
    {
        if (ExitBelowAnnualised > EnterMinAnnualised)
            return $"ExitBelowAnnualised ({ExitBelowAnnualised}) must not exceed EnterMinAnnualised ({EnterMinAnnualised}), or a fresh entry exits at once";
        if (MaxHoldingMs <= 0) return $"MaxHoldingMs must be > 0 (got {MaxHoldingMs})";
        if (ExitBasisWidening is <= 0m) return $"ExitBasisWidening must be > 0 when set (got {ExitBasisWidening})";
        if (EnterMaxBasis is { } max && max < EnterMinBasis) return $"EnterMaxBasis ({max}) must not be below EnterMinBasis ({EnterMinBasis})";
        return null;
    }
}

/// <summary>Why a carry rule said what it said.</summary>
public enum CarryReason
{
    FundingHighEnough,
    FundingTooLow,
    BasisTooNegative,
    BasisTooHigh,
    MaxHoldingTime,
    FundingFell,
    BasisWidened,
    Hold,
}

/// <summary>Act (enter / exit) or not, with the reason and the numbers.</summary>
public sealed record CarryDecision(bool Act, CarryReason Reason, string Detail);

/// <summary>Carry entry and exit rules as pure functions.</summary>
public static class CarryRules
{
    /// <summary>Enter when the predicted annualised funding clears the entry threshold and the basis lies within [min, max].</summary>
    public static CarryDecision ShouldEnter(decimal predictedAnnualised, decimal basis, CarryParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (predictedAnnualised < p.EnterMinAnnualised)
            return new(false, CarryReason.FundingTooLow, $"predicted {Pct(predictedAnnualised)}/yr < entry {Pct(p.EnterMinAnnualised)}/yr");
        if (basis < p.EnterMinBasis)
            return new(false, CarryReason.BasisTooNegative, $"basis {Pct(basis)} < minimum {Pct(p.EnterMinBasis)}");
        // A rich perp premium is paid back when it converges: above the limit the carry starts under water.
        if (p.EnterMaxBasis is { } max && basis > max)
            return new(false, CarryReason.BasisTooHigh, $"basis {Pct(basis)} > limit {Pct(max)}");
        return new(true, CarryReason.FundingHighEnough, $"predicted {Pct(predictedAnnualised)}/yr ≥ {Pct(p.EnterMinAnnualised)}/yr, basis {Pct(basis)}");
    }

    /// <summary>Exit on max holding time, on funding below the exit threshold, or on basis widening past the stop.</summary>
    public static CarryDecision ShouldExit(CarryPosition position, decimal predictedAnnualised, decimal basis, long nowMs, CarryParameters p)
    {
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(p);
        var held = nowMs - position.OpenedAtMs;
        if (held >= p.MaxHoldingMs)
            return new(true, CarryReason.MaxHoldingTime, $"held {held / 3_600_000.0:0.#} h ≥ max {p.MaxHoldingMs / 3_600_000.0:0.#} h");
        if (predictedAnnualised < p.ExitBelowAnnualised)
            return new(true, CarryReason.FundingFell, $"predicted {Pct(predictedAnnualised)}/yr < exit {Pct(p.ExitBelowAnnualised)}/yr");
        var widening = basis - position.EntryBasis;
        if (p.ExitBasisWidening is { } stop && widening >= stop)
            return new(true, CarryReason.BasisWidened, $"basis {Pct(basis)} widened {Pct(widening)} since entry ({Pct(position.EntryBasis)}) ≥ {Pct(stop)}");
        return new(false, CarryReason.Hold, $"predicted {Pct(predictedAnnualised)}/yr, basis {Pct(basis)}");
    }

    private static string Pct(decimal fraction) =>
        (fraction * 100m).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) + " %";
}
