using Arbitrage.Core.Triangles;

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
    TriangleEpisodeEnd EndedBy) : ITriangleEvent
{
    /// <summary>The row of the episodes CSV.</summary>
    public TriangleEpisodeRecord ToRecord() =>
        new(StartMs, EndMs, Venue, Cycle, StartAsset, Notional, Evaluations, PeakNetReturn, PeakMs);
}

/// <summary>The detector actor's snapshot: the episodes open at that point and the latest event time it had seen.</summary>
[Manifest("triangle-snapshot.v1")]
public sealed record TriangleSnapshot(IReadOnlyList<TriangleEpisodeOpened> Open, long LastEventMs) : IPersistedSnapshot;
