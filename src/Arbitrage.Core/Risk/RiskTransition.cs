namespace Arbitrage.Core.Risk;

/// <summary>
/// A change of the risk guard's state, decided by <see cref="RiskRules"/> and applied by
/// <see cref="RiskState.Apply"/>. Records of primitives: they are persisted as the guard's events, and
/// replaying them from <see cref="RiskState.Initial"/> restores the durable part of the state.
/// </summary>
public abstract record RiskTransition(long AtMs)
{
    /// <summary>A position closed with <paramref name="PnlR"/> (net of fees, in R).</summary>
    public sealed record TradeResultRecorded(decimal PnlR, long AtMs) : RiskTransition(AtMs);

    /// <summary>A rule tripped; new orders are blocked until <paramref name="UntilMs"/> (null = until resumed).</summary>
    public sealed record CircuitBroken(RiskRule Rule, string Reason, long AtMs, long? UntilMs) : RiskTransition(AtMs);

    /// <summary>A tripped rule no longer blocks.</summary>
    public sealed record Resumed(RiskRule Rule, string Reason, long AtMs) : RiskTransition(AtMs);

    public sealed record KillSwitchEngaged(string By, string Reason, long AtMs) : RiskTransition(AtMs);

    public sealed record KillSwitchReleased(string By, long AtMs) : RiskTransition(AtMs);

    /// <summary>The position on <paramref name="Symbol"/> opened at <paramref name="OpenedAtMs"/> is held too long.</summary>
    public sealed record HoldTimeoutAlert(string Symbol, long OpenedAtMs, long HeldMs, long AtMs) : RiskTransition(AtMs);

    /// <summary>The position on <paramref name="Symbol"/> must be closed now.</summary>
    public sealed record ForceClose(string Symbol, string Reason, long OpenedAtMs, long AtMs) : RiskTransition(AtMs);
}
