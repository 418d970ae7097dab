using Akka.Persistence.Query;
using Arbitrage.Engine.Triangles;

namespace Arbitrage.Engine.Projections;

/// <summary>
/// Triangle episodes (tag <c>triangle</c>) → <c>read_triangle_episodes</c>, one row per episode (venue, config, cycle,
/// start): <see cref="TriangleEpisodeOpened"/> inserts it open, <see cref="TriangleEpisodeClosedProjection"/> completes it.
/// </summary>
public sealed class TriangleEpisodeOpenedProjection : ProjectionHandler<TriangleEpisodeOpened>
{
    public const string Table = "read_triangle_episodes";

    public override string Tag => TriangleActor.Tag;

    public override IReadOnlyList<string> Schema { get; } =
    [
        $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            episode_id VARCHAR(400) NOT NULL PRIMARY KEY,
            seq BIGINT NOT NULL,
            venue VARCHAR(100) NOT NULL,
            config_id VARCHAR(200) NOT NULL,
            cycle VARCHAR(100) NOT NULL,
            start_asset VARCHAR(50) NOT NULL,
            notional DOUBLE PRECISION NOT NULL,
            start_ms BIGINT NOT NULL,
            end_ms BIGINT NULL,
            evaluations INTEGER NOT NULL,
            peak_net_return DOUBLE PRECISION NOT NULL,
            peak_ms BIGINT NOT NULL,
            ended_by VARCHAR(50) NULL)
        """,
        $"CREATE INDEX IF NOT EXISTS ix_{Table}_start ON {Table} (start_ms)",
        $"CREATE INDEX IF NOT EXISTS ix_{Table}_cycle ON {Table} (venue, config_id, cycle)",
    ];

    public static string EpisodeId(ITriangleEvent e) => string.Join('|', e.Venue, e.ConfigId, e.Cycle, e.StartMs.ToString(System.Globalization.CultureInfo.InvariantCulture));

    protected override Task ApplyAsync(ProjectionWriter writer, TriangleEpisodeOpened e, EventEnvelope envelope, CancellationToken ct) =>
        writer.ExecuteAsync(
            $"""
            INSERT INTO {Table} (episode_id, seq, venue, config_id, cycle, start_asset, notional, start_ms, end_ms, evaluations, peak_net_return, peak_ms, ended_by)
            VALUES (@id, @seq, @venue, @config, @cycle, @asset, @notional, @start, NULL, 1, @r, @start, NULL)
            ON CONFLICT (episode_id) DO NOTHING
            """,
            ct,
            ("@id", EpisodeId(e)),
            ("@seq", ((Sequence)envelope.Offset).Value),
            ("@venue", e.Venue),
            ("@config", e.ConfigId),
            ("@cycle", e.Cycle),
            ("@asset", e.StartAsset),
            ("@notional", e.Notional),
            ("@start", e.StartMs),
            ("@r", e.NetReturn));
}

/// <summary><see cref="TriangleEpisodeClosed"/> → the episode's row gets its end, evaluations and peak (inserted whole if its opening was never seen).</summary>
public sealed class TriangleEpisodeClosedProjection : ProjectionHandler<TriangleEpisodeClosed>
{
    public override string Tag => TriangleActor.Tag;

    public override IReadOnlyList<string> Schema => [];

    protected override Task ApplyAsync(ProjectionWriter writer, TriangleEpisodeClosed e, EventEnvelope envelope, CancellationToken ct) =>
        writer.ExecuteAsync(
            $"""
            INSERT INTO {TriangleEpisodeOpenedProjection.Table} (episode_id, seq, venue, config_id, cycle, start_asset, notional, start_ms, end_ms, evaluations, peak_net_return, peak_ms, ended_by)
            VALUES (@id, @seq, @venue, @config, @cycle, @asset, @notional, @start, @end, @evaluations, @peak, @peak_ms, @ended_by)
            ON CONFLICT (episode_id) DO UPDATE SET end_ms = excluded.end_ms, evaluations = excluded.evaluations,
                peak_net_return = excluded.peak_net_return, peak_ms = excluded.peak_ms, ended_by = excluded.ended_by
            """,
            ct,
            ("@id", TriangleEpisodeOpenedProjection.EpisodeId(e)),
            ("@seq", ((Sequence)envelope.Offset).Value),
            ("@venue", e.Venue),
            ("@config", e.ConfigId),
            ("@cycle", e.Cycle),
            ("@asset", e.StartAsset),
            ("@notional", e.Notional),
            ("@start", e.StartMs),
            ("@end", e.EndMs),
            ("@evaluations", (long)e.Evaluations),
            ("@peak", e.PeakNetReturn),
            ("@peak_ms", e.PeakMs),
            ("@ended_by", e.EndedBy.ToString()));
}
