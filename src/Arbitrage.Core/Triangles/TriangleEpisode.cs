namespace Arbitrage.Core.Triangles;

/// <summary>Why an episode ended.</summary>
public enum EpisodeEnd
{
    /// <summary>Still open.</summary>
    Open,

    /// <summary>An evaluation found <c>r &lt; min_net_return</c>.</summary>
    BelowMinimum,

    /// <summary>An evaluation found a book that runs out before the amount is consumed.</summary>
    Infeasible,

    /// <summary>One of the cycle's books was marked unsynchronised (or has never had a book).</summary>
    Unsynchronised,

    /// <summary>One of the cycle's books was last updated more than <c>staleness_ms</c> before the evaluation.</summary>
    Stale,
}

/// <summary>
/// An opportunity episode of one cycle (ARCHITECTURE §7): it starts at the first evaluation with
/// <c>r ≥ min_net_return</c>, counts every evaluation while that holds, and ends at the first evaluation that finds
/// <c>r</c> below it, the cycle infeasible or one of its books unsynchronised or stale; <see cref="EndMs"/> is that
/// evaluation's event time (null while open). <see cref="PeakNetReturn"/> is the highest <c>r</c>, first reached at
/// <see cref="PeakMs"/>.
/// </summary>
/// <param name="Cycle">Index of <see cref="TriangleUniverse.Cycles"/>.</param>
public readonly record struct TriangleEpisode(
    int Cycle,
    long StartMs,
    long? EndMs,
    int Evaluations,
    double PeakNetReturn,
    long PeakMs,
    EpisodeEnd EndedBy)
{
    public bool IsOpen => EndMs is null;
}

/// <summary>What the last call did to an episode.</summary>
public enum EpisodeChangeKind
{
    Opened,
    Closed,
}

/// <summary>An episode that opened or closed during the last <see cref="TriangleDetector"/> call.</summary>
public readonly record struct EpisodeChange(EpisodeChangeKind Kind, TriangleEpisode Episode);

/// <summary>What one evaluation of a cycle found.</summary>
public enum CycleStatus
{
    /// <summary>Evaluated: <see cref="CycleEvaluation.NetReturn"/> holds <c>r</c>.</summary>
    Evaluated,

    /// <summary>Evaluated, but a book ran out before the amount was consumed.</summary>
    Infeasible,

    /// <summary>Not evaluated: one of its books is unsynchronised or has never had a book.</summary>
    Unsynchronised,

    /// <summary>Not evaluated: one of its books is older than <c>staleness_ms</c>.</summary>
    Stale,
}

/// <summary>One cycle looked at by the last <see cref="TriangleDetector"/> call; <see cref="NetReturn"/> is NaN unless <see cref="Status"/> is <see cref="CycleStatus.Evaluated"/>.</summary>
public readonly record struct CycleEvaluation(int Cycle, CycleStatus Status, double NetReturn);
