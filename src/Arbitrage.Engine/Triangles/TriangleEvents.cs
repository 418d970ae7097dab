using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Engine.Triangles;

/// <summary>Why a persisted episode ended: the detector's reasons (<see cref="EpisodeEnd"/>) and the actor's own.</summary>
public enum TriangleEpisodeEnd
{
    BelowMinimum,
    Infeasible,
    Unsynchronised,
    Stale,

    /// <summary>Its config changed or was removed (hot reload): the detector that tracked it is gone.</summary>
    Reconfigured,

    /// <summary>Open when the detector last stopped: a restarted detector has no books, so the episode ends at the latest event time the journal holds.</summary>
    Restarted,
}

/// <summary>A triangle detector event (tag <c>triangle</c>), keyed by venue, config and cycle.</summary>
public interface ITriangleEvent : IPersistedEvent
{
    string Venue { get; }

    string ConfigId { get; }

    string Cycle { get; }

    long StartMs { get; }
}

/// <summary>An opportunity episode started (ARCHITECTURE §7): the first evaluation with <c>r ≥ min_net_return</c>, at <paramref name="StartMs"/>.</summary>
[Manifest("triangle-episode-opened.v1")]
public sealed record TriangleEpisodeOpened(
    string Venue, string ConfigId, string Cycle, string StartAsset, double Notional, long StartMs, double NetReturn) : ITriangleEvent;

/// <summary>An episode ended at <paramref name="EndMs"/>, with its evaluation count and peak.</summary>
[Manifest("triangle-episode-closed.v1")]
public sealed record TriangleEpisodeClosed(
    string Venue,
    string ConfigId,
    string Cycle,
    string StartAsset,
    double Notional,
    long StartMs,
    long EndMs,
    int Evaluations,
    double PeakNetReturn,
    long PeakMs,
    TriangleEpisodeEnd EndedBy,
    string Action = TriangleEpisodeRecord.Observed,
    string Reason = "") : ITriangleEvent
{
    /// <summary>The row of the episodes CSV.</summary>
    public TriangleEpisodeRecord ToRecord() =>
        new(StartMs, EndMs, Venue, Cycle, StartAsset, Notional, Evaluations, PeakNetReturn, PeakMs, Action, Reason);
}

/// <summary>
/// The detector started a cycle attempt (its own journal is <c>triangle-attempt-{AttemptId}</c>): the index a restarted
/// venue actor resumes unfinished attempts from, and what the risk rules count in flight.
/// </summary>
/// <para>
/// It carries the attempt's first step as the saga decided it (<paramref name="Started"/> and leg 1's intent,
/// <paramref name="FirstLeg"/>): leg 1 is sent once this one write is journaled (the hot path holds one journal write),
/// and the attempt actor journals the two in its own journal after. A restart finds them here when that journal lacks
/// them and resumes from them (leg 1 is asked about, never resent). Null in journals written before they were carried.
/// </para>
[Manifest("triangle-attempt-begun.v1")]
public sealed record TriangleAttemptBegun(
    string Venue, string ConfigId, string Cycle, long StartMs, string AttemptId, decimal NotionalUsd, long LegTimeoutMs,
    TriangleAttemptStarted? Started = null, TriangleLegIntended? FirstLeg = null) : ITriangleEvent;

/// <summary>A cycle attempt ended (its result, as its journal has it).</summary>
[Manifest("triangle-attempt-finished.v1")]
public sealed record TriangleAttemptFinished(
    string Venue, string ConfigId, string Cycle, long StartMs, string AttemptId, TriangleAttemptResult Result) : ITriangleEvent;

/// <summary>The detector actor's snapshot: the episodes open at that point and the latest event time it had seen.</summary>
/// <param name="Attempts">Attempts begun and not finished; <paramref name="AttemptsBegun"/> numbers the next attempt id; the realised USD of <paramref name="DayStartMs"/>'s UTC day.</param>
[Manifest("triangle-snapshot.v1")]
public sealed record TriangleSnapshot(
    IReadOnlyList<TriangleEpisodeOpened> Open,
    long LastEventMs,
    IReadOnlyList<TriangleAttemptBegun>? Attempts = null,
    long AttemptsBegun = 0,
    long DayStartMs = 0,
    decimal RealisedTodayUsd = 0m) : IPersistedSnapshot;
