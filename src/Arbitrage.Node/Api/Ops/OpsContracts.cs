namespace Arbitrage.Node.Api.Ops;

public enum OpsStatus
{
    /// <summary>The command took effect (or the target already was in the requested state).</summary>
    Done,

    /// <summary>The id in the command names nothing: 404.</summary>
    NotFound,

    /// <summary>The target refused the command in its current state: 409.</summary>
    Rejected,

    /// <summary>The target did not answer in time or is not running: 503 with Retry-After.</summary>
    Unavailable,
}

/// <summary>What an operator command did, with a detail line for the audit log and the response.</summary>
public sealed record OpsOutcome(OpsStatus Status, string Detail)
{
    public static OpsOutcome Done(string detail) => new(OpsStatus.Done, detail);

    public static OpsOutcome NotFound(string detail) => new(OpsStatus.NotFound, detail);

    public static OpsOutcome Rejected(string detail) => new(OpsStatus.Rejected, detail);

    public static OpsOutcome Unavailable(string detail) => new(OpsStatus.Unavailable, detail);
}

/// <summary>
/// The risk guard as seen by the ops endpoints. The risk engineer's adapter implements it (Ask the guard's
/// kill/resume messages with a timeout; an <c>AskTimeoutException</c> becomes <see cref="OpsStatus.Unavailable"/>).
/// Until one is registered, <see cref="UnwiredRiskOps"/> answers 503.
/// </summary>
public interface IRiskOps
{
    Task<OpsOutcome> KillAsync(string user, string reason, CancellationToken ct);

    Task<OpsOutcome> ResumeAsync(string user, CancellationToken ct);
}

/// <summary>Enable/disable of running strategies (implemented over <c>StrategiesActor</c> by <see cref="ActorStrategyOps"/>).</summary>
public interface IStrategyOps
{
    Task<OpsOutcome> SetEnabledAsync(string strategyId, bool enabled, CancellationToken ct);
}

/// <summary>
/// The audit log of operator commands. <see cref="BeginAsync"/> must complete (the intent durable) before
/// the command runs; null means the log is unavailable and the command must not run.
/// </summary>
public interface IAuditLog
{
    Task<string?> BeginAsync(string user, string command, string argumentsJson, CancellationToken ct);

    Task<bool> CompleteAsync(string auditId, string result, CancellationToken ct);
}

/// <summary>No risk guard on this node (yet): every risk command is unavailable.</summary>
public sealed class UnwiredRiskOps : IRiskOps
{
    private static readonly OpsOutcome NotRunning = OpsOutcome.Unavailable("the risk guard is not running on this node");

    public Task<OpsOutcome> KillAsync(string user, string reason, CancellationToken ct) => Task.FromResult(NotRunning);

    public Task<OpsOutcome> ResumeAsync(string user, CancellationToken ct) => Task.FromResult(NotRunning);
}
