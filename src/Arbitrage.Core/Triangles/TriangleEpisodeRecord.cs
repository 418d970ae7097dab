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
    public const string Observed = "observed";

    /// <summary>The record of <paramref name="episode"/>, a cycle of <paramref name="universe"/> on <paramref name="venue"/>.</summary>
    public static TriangleEpisodeRecord From(TriangleUniverse universe, string venue, in TriangleEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(universe);
        var cycle = universe.Cycles[episode.Cycle];
        return new TriangleEpisodeRecord(episode.StartMs, episode.EndMs, venue, cycle.Id, cycle.StartAsset, cycle.Notional,
            episode.Evaluations, episode.PeakNetReturn, episode.PeakMs);
    }
}
