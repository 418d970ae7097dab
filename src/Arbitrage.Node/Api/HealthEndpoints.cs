using Akka.Actor;
using Akka.Hosting;

namespace Arbitrage.Node.Api;

/// <summary><c>GET /api/health</c>: public liveness with version, uptime and whether the database answers.</summary>
public static class HealthEndpoints
{
    public sealed record PersistenceHealth(string Backend, string Target, bool Ok);

    public sealed record ClusterHealth(string Address, string Status, int Members);

    public sealed record HealthResponse(string Status, string Version, double UptimeSeconds, PersistenceHealth Persistence, ClusterHealth Cluster);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", async (NodeInfo info, ActorSystem system, CancellationToken ct) =>
        {
            var dbOk = await info.Database.PingAsync(TimeSpan.FromSeconds(3), ct).ConfigureAwait(false);
            var cluster = Akka.Cluster.Cluster.Get(system);
            var clusterHealth = new ClusterHealth(
                cluster.SelfAddress.ToString(),
                cluster.SelfMember.Status.ToString(),
                cluster.State.Members.Count);
            var response = new HealthResponse(
                dbOk ? "ok" : "degraded",
                NodeInfo.Version,
                Math.Round(info.Uptime.Elapsed.TotalSeconds, 3),
                new PersistenceHealth(info.Database.Backend.ToString().ToLowerInvariant(), info.Database.Describe(), dbOk),
                clusterHealth);
            return dbOk ? Results.Ok(response) : Results.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).WithName("Health").AllowAnonymous();
    }
}
