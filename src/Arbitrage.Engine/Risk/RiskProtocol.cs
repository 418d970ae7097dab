using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution;

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
public sealed record RiskTick(long NowMs);

public sealed record ExchangeConnected(long AtMs);

public sealed record ExchangeDisconnected(long AtMs);

/// <summary>Ops: flatten everything and block new orders until <see cref="ResumeTrading"/>. Answered with <see cref="RiskStatus"/>.</summary>
public sealed record EngageKillSwitch(string By, string Reason);

/// <summary>Ops: release the kill switch and lift the manual breakers (or only <paramref name="Only"/>). Answered with <see cref="RiskStatus"/>.</summary>
public sealed record ResumeTrading(string By, RiskRule? Only = null);

public sealed record GetRiskStatus;

/// <summary>
/// Answered with <see cref="RiskStatus"/> once the guard and its executor are idle: every message sent to
/// them before this one has been handled, with the journal writes, gateway answers and reports it caused
/// (ping-pong until neither handled anything in between). A step barrier for drivers of event time (replay,
/// backtests); <see cref="GetRiskStatus"/> only waits for the guard's own mailbox. Timers are not waited for.
/// </summary>
public sealed record AwaitRiskIdle;

public sealed record RiskStatus(RiskState State, bool ExecutorReady, IReadOnlyList<HeldPosition> Positions, long NowMs);

/// <summary>The executor failed more often than the guard may restart it.</summary>
public sealed class ExecutorFailedException(string message) : Exception(message);
