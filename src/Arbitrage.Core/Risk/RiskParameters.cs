namespace Arbitrage.Core.Risk;

/// <summary>Thresholds of the risk rule table; the defaults are the §5 values.</summary>
/// <param name="RiskPerTradeUsd">R in USD: the planned loss of one trade at its stop.</param>
/// <param name="DailyLossLimitR">Halt when today's realised R is ≤ −this (UTC day).</param>
/// <param name="MaxConsecutiveLosses">Pause after this many losing closes in a row.</param>
/// <param name="ConsecutiveLossPauseMs">Length of that pause.</param>
/// <param name="DisconnectGraceMs">Pause new orders when disconnected for longer than this.</param>
/// <param name="MinBalanceInR">Reject new orders when the balance is below this many R.</param>
/// <param name="StaleDataMs">Block a symbol when its last market event is older than this.</param>
/// <param name="HoldAlertMs">Alert on a position held this long.</param>
/// <param name="HoldForceCloseMs">Force-close a position held this long.</param>
public sealed record RiskParameters(
    decimal RiskPerTradeUsd = 2m,
    decimal DailyLossLimitR = 5m,
    int MaxConsecutiveLosses = 5,
    long ConsecutiveLossPauseMs = 60 * 60_000,
    long DisconnectGraceMs = 30_000,
    decimal MinBalanceInR = 2m,
    long StaleDataMs = 30_000,
    long HoldAlertMs = 45 * 60_000,
    long HoldForceCloseMs = 70 * 60_000)
{
    /// <summary>Null when usable; otherwise which parameter is wrong (its property name, as data) and why.</summary>
    public RiskParameterProblem? Validate()
    {
        if (RiskPerTradeUsd <= 0m) return new(nameof(RiskPerTradeUsd), $"RiskPerTradeUsd must be > 0 (got {RiskPerTradeUsd})");
        if (DailyLossLimitR <= 0m) return new(nameof(DailyLossLimitR), $"DailyLossLimitR must be > 0, a loss magnitude in R (got {DailyLossLimitR})");
        if (MaxConsecutiveLosses < 1) return new(nameof(MaxConsecutiveLosses), $"MaxConsecutiveLosses must be ≥ 1 (got {MaxConsecutiveLosses})");
        if (ConsecutiveLossPauseMs <= 0) return new(nameof(ConsecutiveLossPauseMs), $"ConsecutiveLossPauseMs must be > 0 (got {ConsecutiveLossPauseMs})");
        if (DisconnectGraceMs < 0) return new(nameof(DisconnectGraceMs), $"DisconnectGraceMs must be ≥ 0 (got {DisconnectGraceMs})");
        if (MinBalanceInR < 0m) return new(nameof(MinBalanceInR), $"MinBalanceInR must be ≥ 0 (got {MinBalanceInR})");
        if (StaleDataMs < 0) return new(nameof(StaleDataMs), $"StaleDataMs must be ≥ 0 (got {StaleDataMs})");
        if (HoldAlertMs <= 0 || HoldForceCloseMs < HoldAlertMs)
        {
            return new(HoldAlertMs <= 0 ? nameof(HoldAlertMs) : nameof(HoldForceCloseMs),
                $"need 0 < HoldAlertMs ≤ HoldForceCloseMs (got {HoldAlertMs}, {HoldForceCloseMs})");
        }

        return null;
    }
}

/// <summary>A risk parameter that is not usable: <paramref name="Parameter"/> is its <see cref="RiskParameters"/> property name.</summary>
/// <param name="Reason">What is wrong, in words that name the parameter and the value.</param>
public sealed record RiskParameterProblem(string Parameter, string Reason)
{
    public override string ToString() => Reason;
}
