using System.Data.Common;
using System.Globalization;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Engine.Projections;

/// <summary>
/// Reads <c>read_triangle_episodes</c> (<c>GET /api/triangles</c>): open episodes, the most recent ones (newest start
/// first), and per cycle (venue, config, cycle) its episode count and best peak net return with the first time it
/// was reached. Same SQL on SQLite and PostgreSQL.
/// </summary>
public static class TriangleReadModel
{
    public sealed record EpisodeRow(
        string Venue, string ConfigId, string Cycle, string StartAsset, double Notional, long StartMs, long? EndMs,
        int Evaluations, double PeakNetReturn, long PeakMs, string? EndedBy);

    public sealed record CycleRow(string Venue, string ConfigId, string Cycle, long Episodes, double BestNetReturn, long BestMs);

    public sealed record View(IReadOnlyList<EpisodeRow> Open, IReadOnlyList<EpisodeRow> Recent, IReadOnlyList<CycleRow> Cycles);

    private const string Table = TriangleEpisodeOpenedProjection.Table;
    private const string Columns = "venue, config_id, cycle, start_asset, notional, start_ms, end_ms, evaluations, peak_net_return, peak_ms, ended_by";

    /// <param name="venue">Only this venue's episodes; null = every venue.</param>
    public static async Task<View> ReadAsync(Database db, int limit, string? venue, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var filter = venue is null ? "" : "WHERE venue = @venue";
        var and = venue is null ? "WHERE" : "AND";
        (string, object?)[] venueArg = venue is null ? [] : [("@venue", venue)];
        await using var connection = await db.OpenConnectionAsync(ct).ConfigureAwait(false);
        var open = await Episodes(connection, $"SELECT {Columns} FROM {Table} {filter} {and} end_ms IS NULL ORDER BY start_ms, venue, config_id, cycle", venueArg, ct).ConfigureAwait(false);
        var recent = await Episodes(connection, $"SELECT {Columns} FROM {Table} {filter} ORDER BY start_ms DESC, venue, config_id, cycle LIMIT @limit", [.. venueArg, ("@limit", (long)limit)], ct).ConfigureAwait(false);
        var cycles = new List<CycleRow>();
        await using (var command = connection.Command(
            $"""
            SELECT g.venue, g.config_id, g.cycle, g.n, g.best, MIN(b.peak_ms)
            FROM (SELECT venue, config_id, cycle, COUNT(*) AS n, MAX(peak_net_return) AS best FROM {Table} {filter} GROUP BY venue, config_id, cycle) g
            JOIN {Table} b ON b.venue = g.venue AND b.config_id = g.config_id AND b.cycle = g.cycle AND b.peak_net_return = g.best
            GROUP BY g.venue, g.config_id, g.cycle, g.n, g.best ORDER BY g.venue, g.config_id, g.cycle
            """, null, venueArg))
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                cycles.Add(new CycleRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetDouble(4), reader.GetInt64(5)));
            }
        }

        return new View(open, recent, cycles);
    }

    private static async Task<List<EpisodeRow>> Episodes(DbConnection connection, string sql, (string, object?)[] args, CancellationToken ct)
    {
        await using var command = connection.Command(sql, null, args);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<EpisodeRow>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(new EpisodeRow(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetDouble(4), reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6), Convert.ToInt32(reader.GetValue(7), CultureInfo.InvariantCulture),
                reader.GetDouble(8), reader.GetInt64(9), reader.IsDBNull(10) ? null : reader.GetString(10)));
        }

        return rows;
    }

    /// <summary>One attempt of <c>read_triangle_attempts</c>; amounts are decimal strings as journaled (null while in flight).</summary>
    public sealed record AttemptRow(
        string AttemptId, string Venue, string Cycle, string StartAsset, long StartMs, long? EndMs, string StartAmount, string? EndAmount,
        string? PnlStartAsset, string? PnlUsd, string? FeesUsd, string? Outcome, int? LegsFilled, double? SlippageBps, string? Detail);

    /// <summary>The most recent attempts (newest start first), in flight ones with a null outcome.</summary>
    public static async Task<IReadOnlyList<AttemptRow>> AttemptsAsync(Database db, int limit, string? venue, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var filter = venue is null ? "" : "WHERE venue = @venue";
        (string, object?)[] args = venue is null ? [("@limit", (long)limit)] : [("@venue", venue), ("@limit", (long)limit)];
        await using var connection = await db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command(
            $"""
            SELECT attempt_id, venue, cycle, start_asset, start_ms, end_ms, start_amount, end_amount, pnl_start_asset, pnl_usd, fees_usd,
                   outcome, legs_filled, slippage_bps, detail
            FROM {TriangleAttemptStartedProjection.Table} {filter} ORDER BY start_ms DESC, attempt_id LIMIT @limit
            """,
            null,
            args);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<AttemptRow>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            rows.Add(new AttemptRow(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5), reader.GetString(6), S(7), S(8), S(9), S(10), S(11),
                reader.IsDBNull(12) ? null : Convert.ToInt32(reader.GetValue(12), CultureInfo.InvariantCulture),
                reader.IsDBNull(13) ? null : reader.GetDouble(13), S(14)));
        }

        return rows;
    }
}
