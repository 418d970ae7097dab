using Akka.Actor;
using Akka.Hosting;

namespace Arbitrage.Node.Api;

/// <summary><c>GET /api/health</c>: public liveness with version, uptime and whether the database answers.</summary>
public static class HealthEndpoints
{
    public sealed record PersistenceHealth(string Backend, string Target, bool Ok);

    public sealed record ClusterHealth(string Address, string Status, int Members);

    /// <summary>
    /// One symbol's feed: <c>connected</c>, <c>catching up: …</c> (ids missing after a reconnect; no tick past them until
    /// filled), <c>down: …</c>; trades ingested; the last tick; and the agg-id ranges the exchange would not serve
    /// (<see cref="TradeGaps"/>, <see cref="MissingTrades"/>, the latest in <see cref="LastTradeGap"/>).
    /// </summary>
    public sealed record FeedHealth(string Symbol, string Status, long Trades, long? LastTickMs, long TradeGaps = 0, long MissingTrades = 0, string? LastTradeGap = null);

    public sealed record HealthResponse(
        string Status, string Version, double UptimeSeconds, PersistenceHealth Persistence, ClusterHealth Cluster, string Exchange, IReadOnlyList<FeedHealth> Feeds);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", async (NodeInfo info, ActorSystem system, Hosting.ExchangeConnection exchange, IRequiredActor<Hosting.SymbolRegion> region, CancellationToken ct) =>
        {
            var feeds = await Task.WhenAll(exchange.Symbols.Select(async symbol =>
            {
                try
                {
                    var r = await region.ActorRef.Ask<Engine.Symbols.SymbolIndicatorsReply>(new Engine.Symbols.GetSymbolIndicators(symbol), TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
                    return new FeedHealth(symbol, r.FeedStatus, r.Trades, r.Last?.TimeMs, r.TradeGaps, r.MissingTrades, r.LastTradeGap);
                }
                catch (Exception e) when (e is TimeoutException or AskTimeoutException or TaskCanceledException)
                {
                    return new FeedHealth(symbol, "unknown: symbol actor did not answer", 0, null);
                }
            })).ConfigureAwait(false);
            var dbOk = await info.Database.PingAsync(TimeSpan.FromSeconds(3), ct).ConfigureAwait(false);
            var cluster = Akka.Cluster.Cluster.Get(system);
            var clusterHealth = new ClusterHealth(
                cluster.SelfAddress.ToString(),
                cluster.SelfMember.Status.ToString(),
                cluster.State.Members.Count);
            var response = new HealthResponse(
                dbOk && feeds.All(f => f.Status == "connected" || f.Status == "completed") ? "ok" : "degraded",
                NodeInfo.Version,
                Math.Round(info.Uptime.Elapsed.TotalSeconds, 3),
                new PersistenceHealth(info.Database.Backend.ToString().ToLowerInvariant(), info.Database.Describe(), dbOk),
                clusterHealth,
                exchange.Describe(),
                feeds);
            return dbOk ? Results.Ok(response) : Results.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).WithName("Health").AllowAnonymous();
    }
}
