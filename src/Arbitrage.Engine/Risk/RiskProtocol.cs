using Akka.Actor;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Risk;

/// <summary>Topic the guard publishes its events on (DistributedPubSub).</summary>
public static class RiskTopics
{
    public const string Risk = "risk";
}

/// <summary>How the risk guard runs.</summary>
/// <param name="AssumeConnected">Paper: the gateway is always connected (live reports <see cref="ExchangeConnected"/>).</param>
/// <param name="PublishTopic">When set, published events are wrapped in a DistributedPubSub <c>Publish</c> to this topic.</param>
/// <param name="MaxExecutorRestarts">Executor restarts allowed within <paramref name="RestartWindow"/>; beyond that the guard escalates.</param>
public sealed record RiskGuardSettings(
    RiskParameters Parameters,
    ExecutorSettings Executor,
    string PersistenceId = "risk-guard",
    bool AssumeConnected = false,
    string? PublishTopic = null,
    int MaxExecutorRestarts = 3,
    TimeSpan? RestartWindow = null);

/// <summary>Event-time heartbeat (from indicator snapshots or the live clock): runs the timed rules.</summary>
[Manifest("risk-tick.v1")]
public sealed record RiskTick(long NowMs) : IWireMessage;

public sealed record ExchangeConnected(long AtMs) : INoSerializationVerificationNeeded;

public sealed record ExchangeDisconnected(long AtMs) : INoSerializationVerificationNeeded;

/// <summary>Ops: flatten everything and block new orders until <see cref="ResumeTrading"/>. Answered with <see cref="RiskStatus"/>.</summary>
[Manifest("engage-kill-switch.v1")]
public sealed record EngageKillSwitch(string By, string Reason) : IWireMessage;

/// <summary>Ops: release the kill switch and lift the manual breakers (or only <paramref name="Only"/>). Answered with <see cref="RiskStatus"/>.</summary>
[Manifest("resume-trading.v1")]
public sealed record ResumeTrading(string By, RiskRule? Only = null) : IWireMessage;

/// <summary>
/// Ops: replace the rule thresholds. Validated (<see cref="RiskParameters.Validate"/>): invalid → <see cref="RiskParametersRejected"/>.
/// When <paramref name="Expected"/> is set and differs from the guard's current parameters (someone changed them since they
/// were read), nothing changes and the answer is <see cref="RiskParametersChanged"/> (merge again, retry). Otherwise persisted
/// (<see cref="RiskParametersSet"/>, unless unchanged) before taking effect and answered with <see cref="RiskStatus"/>.
/// </summary>
[Manifest("set-risk-parameters.v1")]
public sealed record SetRiskParameters(RiskParameters Parameters, string By, RiskParameters? Expected = null) : IWireMessage;

/// <summary>The parameter that is wrong (a <see cref="RiskParameters"/> property name) and why; nothing changed.</summary>
[Manifest("risk-parameters-rejected.v1")]
public sealed record RiskParametersRejected(string Parameter, string Reason) : IWireMessage;

/// <summary>Answer to a <see cref="SetRiskParameters"/> whose <c>Expected</c> is stale; nothing changed.</summary>
[Manifest("risk-parameters-changed.v1")]
public sealed record RiskParametersChanged(RiskParameters Current) : IWireMessage;

/// <summary>
/// Ops: close the open position on <paramref name="Symbol"/>: persisted (<see cref="PositionCloseOrdered"/>), then sent to the
/// executor as <see cref="ClosePosition"/>, answered with <see cref="RiskStatus"/>; no open position → <see cref="PositionNotFound"/>.
/// </summary>
[Manifest("close-position-command.v1")]
public sealed record ClosePositionCommand(string Symbol, string By) : IWireMessage;

/// <summary>Answer to <see cref="ClosePositionCommand"/> when no position is open on the symbol.</summary>
[Manifest("position-not-found.v1")]
public sealed record PositionNotFound(string Symbol) : IWireMessage;

/// <summary>
/// Ops: (paper) trading on or off. Off: new signals are blocked (<see cref="SignalBlocked"/> with a null rule); open positions
/// stay managed. Persisted (<see cref="TradingEnabledSet"/>, unless unchanged) before taking effect; answered with <see cref="RiskStatus"/>.
/// </summary>
[Manifest("set-trading-enabled.v1")]
public sealed record SetTradingEnabled(bool Enabled, string By) : IWireMessage;

[Manifest("get-risk-status.v1")]
public sealed record GetRiskStatus : IWireMessage;

/// <param name="TradingEnabled">False while an operator has switched trading off (<see cref="SetTradingEnabled"/>).</param>
/// <remarks>
/// An answer can reach an asker that gave up (a health check or a read while the guard was down and its supervisor kept
/// the ask): expected, so not a logged dead letter.
/// </remarks>
[Manifest("risk-status.v1")]
public sealed record RiskStatus(RiskState State, bool ExecutorReady, IReadOnlyList<HeldPosition> Positions, long NowMs, bool TradingEnabled = true)
    : IWireMessage, Akka.Event.IDeadLetterSuppression;

/// <summary>The executor failed more often than the guard may restart it.</summary>
public sealed class ExecutorFailedException(string message) : Exception(message);
