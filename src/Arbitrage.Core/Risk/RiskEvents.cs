using Arbitrage.Core.Serialization;

namespace Arbitrage.Core.Risk;

/// <summary>
/// An event of the risk guard's journal (tag <c>risk</c>), also published on the <c>risk</c> topic. The
/// durable ones mirror <see cref="RiskTransition"/>; replaying them from <see cref="RiskState.Initial"/>
/// restores the guard.
/// </summary>
public interface IRiskEvent : IPersistedEvent
{
    long AtMs { get; }
}

[Manifest("risk-trade-result-recorded.v1")]
public sealed record TradeResultRecorded(decimal PnlR, long AtMs) : IRiskEvent;

[Manifest("risk-circuit-broken.v1")]
public sealed record CircuitBroken(RiskRule Rule, string Reason, long AtMs, long? UntilMs) : IRiskEvent;

[Manifest("risk-resumed.v1")]
public sealed record Resumed(RiskRule Rule, string Reason, long AtMs) : IRiskEvent;

[Manifest("risk-kill-switch-engaged.v1")]
public sealed record KillSwitchEngaged(string By, string Reason, long AtMs) : IRiskEvent;

[Manifest("risk-kill-switch-released.v1")]
public sealed record KillSwitchReleased(string By, long AtMs) : IRiskEvent;

[Manifest("risk-hold-timeout-alert.v1")]
public sealed record HoldTimeoutAlerted(string Symbol, long OpenedAtMs, long HeldMs, long AtMs) : IRiskEvent;

[Manifest("risk-force-close.v1")]
public sealed record ForceCloseOrdered(string Symbol, string Reason, long OpenedAtMs, long AtMs) : IRiskEvent;

/// <summary>
/// A signal refused before it reached the executor (not a state change; an audit record). <paramref name="Rule"/>
/// is the rule that refused it; null when trading is switched off by an operator (<see cref="TradingEnabledSet"/>).
/// </summary>
[Manifest("risk-signal-blocked.v1")]
public sealed record SignalBlocked(string SignalId, string Symbol, RiskRule? Rule, string Reason, long AtMs) : IRiskEvent;

/// <summary>Ops: the rule thresholds replaced (validated); they override the configured ones from now on, restarts included.</summary>
[Manifest("risk-parameters-set.v1")]
public sealed record RiskParametersSet(RiskParameters Parameters, string By, long AtMs) : IRiskEvent;

/// <summary>Ops: an operator ordered the position on <paramref name="Symbol"/> closed (recorded before the executor is told).</summary>
[Manifest("risk-position-close-ordered.v1")]
public sealed record PositionCloseOrdered(string Symbol, string By, long AtMs) : IRiskEvent;

/// <summary>Ops: trading switched on or off. Off blocks new signals; open positions stay managed (stops, targets, timeouts).</summary>
[Manifest("risk-trading-enabled-set.v1")]
public sealed record TradingEnabledSet(bool Enabled, string By, long AtMs) : IRiskEvent;

/// <summary>
/// The executor raised an alert (<see cref="Execution.ExecutionAlert"/>: a position unprotected and closed, a position cleared,
/// a close that did not close): recorded here so operators see it in the risk history and on the live stream.
/// </summary>
[Manifest("risk-execution-alert.v1")]
public sealed record ExecutionAlertRaised(Execution.ExecutionAlertKind Kind, string Symbol, string? SignalId, string Detail, long AtMs) : IRiskEvent;

/// <summary>Maps between the pure transitions and their persisted form.</summary>
public static class RiskEventMapping
{
    public static IRiskEvent ToEvent(RiskTransition t) => t switch
    {
        RiskTransition.TradeResultRecorded x => new TradeResultRecorded(x.PnlR, x.AtMs),
        RiskTransition.CircuitBroken x => new CircuitBroken(x.Rule, x.Reason, x.AtMs, x.UntilMs),
        RiskTransition.Resumed x => new Resumed(x.Rule, x.Reason, x.AtMs),
        RiskTransition.KillSwitchEngaged x => new KillSwitchEngaged(x.By, x.Reason, x.AtMs),
        RiskTransition.KillSwitchReleased x => new KillSwitchReleased(x.By, x.AtMs),
        RiskTransition.HoldTimeoutAlert x => new HoldTimeoutAlerted(x.Symbol, x.OpenedAtMs, x.HeldMs, x.AtMs),
        RiskTransition.ForceClose x => new ForceCloseOrdered(x.Symbol, x.Reason, x.OpenedAtMs, x.AtMs),
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown risk transition"),
    };

    /// <summary>The transition an event stands for; null for audit-only events.</summary>
    public static RiskTransition? ToTransition(IRiskEvent e) => e switch
    {
        TradeResultRecorded x => new RiskTransition.TradeResultRecorded(x.PnlR, x.AtMs),
        CircuitBroken x => new RiskTransition.CircuitBroken(x.Rule, x.Reason, x.AtMs, x.UntilMs),
        Resumed x => new RiskTransition.Resumed(x.Rule, x.Reason, x.AtMs),
        KillSwitchEngaged x => new RiskTransition.KillSwitchEngaged(x.By, x.Reason, x.AtMs),
        KillSwitchReleased x => new RiskTransition.KillSwitchReleased(x.By, x.AtMs),
        HoldTimeoutAlerted x => new RiskTransition.HoldTimeoutAlert(x.Symbol, x.OpenedAtMs, x.HeldMs, x.AtMs),
        ForceCloseOrdered x => new RiskTransition.ForceClose(x.Symbol, x.Reason, x.OpenedAtMs, x.AtMs),
        _ => null,
    };
}
