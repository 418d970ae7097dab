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

    /// <summary>The target found a value in the command invalid: 400 naming <see cref="OpsOutcome.Field"/>.</summary>
    Invalid,
}

/// <summary>What an operator command did, with a detail line for the audit log and the response.</summary>
/// <param name="Field">For <see cref="OpsStatus.Invalid"/>: the request field that is wrong.</param>
public sealed record OpsOutcome(OpsStatus Status, string Detail, string? Field = null)
{
    public static OpsOutcome Done(string detail) => new(OpsStatus.Done, detail);

    public static OpsOutcome NotFound(string detail) => new(OpsStatus.NotFound, detail);

    public static OpsOutcome Rejected(string detail) => new(OpsStatus.Rejected, detail);

    public static OpsOutcome Unavailable(string detail) => new(OpsStatus.Unavailable, detail);

    public static OpsOutcome Invalid(string field, string detail) => new(OpsStatus.Invalid, detail, field);
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

    // The commands below have default bodies (unavailable) so implementations written before them keep compiling.

    /// <summary>Changes the given rule thresholds, keeping the others; an invalid result is <see cref="OpsStatus.Invalid"/>.</summary>
    Task<OpsOutcome> SetParametersAsync(string user, RiskParametersPatch patch, CancellationToken ct) =>
        Task.FromResult(OpsOutcome.Unavailable("changing risk parameters is not supported on this node"));

    /// <summary>Closes the open position on <paramref name="symbol"/>; none open is <see cref="OpsStatus.NotFound"/>.</summary>
    Task<OpsOutcome> ClosePositionAsync(string user, string symbol, CancellationToken ct) =>
        Task.FromResult(OpsOutcome.Unavailable("closing positions is not supported on this node"));

    /// <summary>(Paper) trading on/off: off blocks new signals, open positions stay managed.</summary>
    Task<OpsOutcome> SetTradingEnabledAsync(string user, bool enabled, CancellationToken ct) =>
        Task.FromResult(OpsOutcome.Unavailable("switching trading is not supported on this node"));
}

/// <summary>Enable/disable of running strategies (implemented over <c>StrategiesActor</c> by <see cref="ActorStrategyOps"/>).</summary>
public interface IStrategyOps
{
    Task<OpsOutcome> SetEnabledAsync(string strategyId, bool enabled, CancellationToken ct);
}

/// <summary>Enable/disable of triangle configs (implemented over the node's <c>TriangleKeeper</c> by <see cref="ActorTriangleOps"/>).</summary>
public interface ITriangleOps
{
    Task<OpsOutcome> SetEnabledAsync(string configId, bool enabled, CancellationToken ct);
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

    public Task<OpsOutcome> SetParametersAsync(string user, RiskParametersPatch patch, CancellationToken ct) => Task.FromResult(NotRunning);

    public Task<OpsOutcome> ClosePositionAsync(string user, string symbol, CancellationToken ct) => Task.FromResult(NotRunning);

    public Task<OpsOutcome> SetTradingEnabledAsync(string user, bool enabled, CancellationToken ct) => Task.FromResult(NotRunning);
}

/// <summary>Operator control of the funding carry (open/close a spot-long + perp-short position).</summary>
public interface ICarryOps
{
    Task<OpsOutcome> OpenAsync(string symbol, decimal notionalUsd, string user, CancellationToken ct);

    Task<OpsOutcome> CloseAsync(string symbol, string reason, string user, CancellationToken ct);
}
