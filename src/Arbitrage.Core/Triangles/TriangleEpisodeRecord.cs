namespace Arbitrage.Core.Triangles;

/// <summary>
/// One row of the episodes CSV (<see cref="TriangleEpisodesCsv"/>): an episode with the names an operator reads.
/// <see cref="Action"/> is <c>observed</c> until execution adds <c>taken</c>/<c>missed</c> with a <see cref="Reason"/>.
/// </summary>
public sealed record TriangleEpisodeRecord(
    long StartMs,
    long? EndMs,
    string Venue,
    string Cycle,
    string StartAsset,
    double Notional,
    int Evaluations,
    double PeakNetReturn,
    long PeakMs,
    string Action = TriangleEpisodeRecord.Observed,
    string Reason = "")
{
    /// <summary>Detection only (<c>execute</c> off).</summary>
    public const string Observed = "observed";

    /// <summary>An attempt was started on the episode.</summary>
    public const string Taken = "taken";

    /// <summary>Execution was on and no attempt started; <see cref="Reason"/> says why (<c>filters</c>, <c>risk:…</c>, …).</summary>
    public const string Missed = "missed";

    /// <summary>This episode marked <c>taken</c>.</summary>
    public TriangleEpisodeRecord AsTaken() => this with { Action = Taken, Reason = string.Empty };

    /// <summary>This episode marked <c>missed</c> for <paramref name="reason"/> (a code: <c>filters</c>, <c>stale</c>, <c>cooldown</c>, <c>balance</c>, <c>risk:&lt;rule&gt;</c>).</summary>
    public TriangleEpisodeRecord AsMissed(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return this with { Action = Missed, Reason = reason };
    }

    /// <summary>The record of <paramref name="episode"/>, a cycle of <paramref name="universe"/> on <paramref name="venue"/>.</summary>
    public static TriangleEpisodeRecord From(TriangleUniverse universe, string venue, in TriangleEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(universe);
        var cycle = universe.Cycles[episode.Cycle];
        return new TriangleEpisodeRecord(episode.StartMs, episode.EndMs, venue, cycle.Id, cycle.StartAsset, cycle.Notional,
            episode.Evaluations, episode.PeakNetReturn, episode.PeakMs);
    }
}
