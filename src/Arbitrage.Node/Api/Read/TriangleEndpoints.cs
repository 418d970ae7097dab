using System.Globalization;
using System.Text.RegularExpressions;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Api.Read;

/// <summary>
/// <c>GET /api/triangles</c> (viewer) over <c>read_triangle_episodes</c> (<see cref="TriangleReadModel"/>): open
/// episodes, the most recent ones (<c>?limit=1..500</c>, default 50), per cycle its episode count and best return;
/// <c>?venue=</c> narrows to one venue.
/// </summary>
public static partial class TriangleEndpoints
{
    public static IEndpointRouteBuilder MapTriangleEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(AuthPolicies.Viewer);
        api.MapGet("/triangles/attempts", async (HttpRequest request, Database db, CancellationToken ct) =>
        {
            if (Query(request, out var limit, out var venue) is { } problem)
            {
                return problem;
            }

            await ReadTables.EnsureAsync(db, ct).ConfigureAwait(false);
            return Results.Ok(await TriangleReadModel.AttemptsAsync(db, limit, venue, ct).ConfigureAwait(false));
        }).WithName("TriangleAttempts");
        api.MapGet("/triangles", async (HttpRequest request, Database db, CancellationToken ct) =>
        {
            if (Query(request, out var limit, out var venue) is { } problem)
            {
                return problem;
            }

            await ReadTables.EnsureAsync(db, ct).ConfigureAwait(false);
            return Results.Ok(await TriangleReadModel.ReadAsync(db, limit, venue, ct).ConfigureAwait(false));
        }).WithName("Triangles");
        return app;
    }

    /// <summary><c>?limit=1..500</c> (default 50) and <c>?venue=</c>; a problem naming the field when one is wrong.</summary>
    private static IResult? Query(HttpRequest request, out int limit, out string? venue)
    {
        limit = ReadEndpoints.DefaultLimit;
        venue = null;
        if (request.Query.TryGetValue("limit", out var l)
            && (l.Count != 1 || !int.TryParse(l[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > ReadEndpoints.MaxLimit))
        {
            return FieldProblem.Of("limit", $"an integer from 1 to {ReadEndpoints.MaxLimit}");
        }

        if (request.Query.TryGetValue("venue", out var v))
        {
            if (v.Count != 1 || v[0] is not { } s || !VenuePattern().IsMatch(s))
            {
                return FieldProblem.Of("venue", $"must match {VenuePattern()}");
            }

            venue = s;
        }

        return null;
    }

    [GeneratedRegex("^[a-z0-9_.-]{1,64}$")]
    private static partial Regex VenuePattern();
}
