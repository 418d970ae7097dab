using System.Globalization;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Api.Read;

/// <summary>
/// <c>GET /api/triangles</c> (viewer) over <c>read_triangle_episodes</c>: the open episodes, the most recent episodes
/// (<c>?limit=1..500</c>, default 50, newest start first) and per cycle (venue, config, cycle) the number of episodes
/// and the best peak net return with its time.
/// </summary>
public static class TriangleEndpoints
{
    public sealed record EpisodeRow(
        string Venue, string ConfigId, string Cycle, string StartAsset, double Notional, long StartMs, long? EndMs,
        int Evaluations, double PeakNetReturn, long PeakMs, string? EndedBy);

    public sealed record CycleRow(string Venue, string ConfigId, string Cycle, long Episodes, double BestNetReturn, long BestMs);

    public sealed record TrianglesView(IReadOnlyList<EpisodeRow> Open, IReadOnlyList<EpisodeRow> Recent, IReadOnlyList<CycleRow> Cycles);

    private const string Columns = "venue, config_id, cycle, start_asset, notional, start_ms, end_ms, evaluations, peak_net_return, peak_ms, ended_by";

    public static IEndpointRouteBuilder MapTriangleEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").RequireAuthorization(AuthPolicies.Viewer).MapGet("/triangles", async (HttpRequest request, Database db, CancellationToken ct) =>
        {
            int limit = ReadEndpoints.DefaultLimit;
            if (request.Query.TryGetValue("limit", out var l)
                && (l.Count != 1 || !int.TryParse(l[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > ReadEndpoints.MaxLimit))
            {
                return FieldProblem.Of("limit", $"an integer from 1 to {ReadEndpoints.MaxLimit}");
            }

            await ReadTables.EnsureAsync(db, ct).ConfigureAwait(false);
            const string table = TriangleEpisodeOpenedProjection.Table;
            await using var connection = await db.OpenConnectionAsync(ct).ConfigureAwait(false);
            var open = await Episodes(connection, $"SELECT {Columns} FROM {table} WHERE end_ms IS NULL ORDER BY start_ms, venue, config_id, cycle", [], ct).ConfigureAwait(false);
            var recent = await Episodes(connection, $"SELECT {Columns} FROM {table} ORDER BY start_ms DESC, venue, config_id, cycle LIMIT @limit", [("@limit", (long)limit)], ct).ConfigureAwait(false);
            var cycles = new List<CycleRow>();
            await using (var command = connection.Command(
                $"""
                SELECT g.venue, g.config_id, g.cycle, g.n, g.best, MIN(b.peak_ms)
                FROM (SELECT venue, config_id, cycle, COUNT(*) AS n, MAX(peak_net_return) AS best FROM {table} GROUP BY venue, config_id, cycle) g
                JOIN {table} b ON b.venue = g.venue AND b.config_id = g.config_id AND b.cycle = g.cycle AND b.peak_net_return = g.best
                GROUP BY g.venue, g.config_id, g.cycle, g.n, g.best ORDER BY g.venue, g.config_id, g.cycle
                """, null))
            await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    cycles.Add(new CycleRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetDouble(4), reader.GetInt64(5)));
                }
            }

            return Results.Ok(new TrianglesView(open, recent, cycles));
        }).WithName("Triangles");
        return app;
    }

    private static async Task<List<EpisodeRow>> Episodes(System.Data.Common.DbConnection connection, string sql, (string, object?)[] args, CancellationToken ct)
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
}
