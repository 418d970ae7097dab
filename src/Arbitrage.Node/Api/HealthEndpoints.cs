using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;

namespace Arbitrage.Node.Api;

/// <summary>
/// <c>GET /api/health</c> (public): version, uptime, and every part the node needs to trade, each checked for real on
/// this request: the database (a ping), the journal (a read through the persistence plugin), the cluster, the risk
/// guard and the strategies (asked through their proxies, wherever they run), and each symbol's feed. <c>ok</c> only
/// when all are; 503 when this node's storage (database or journal) is down.
/// </summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan PartTimeout = TimeSpan.FromSeconds(2);

    public sealed record PersistenceHealth(string Backend, string Target, bool Ok);

    /// <summary>
    /// This node in the cluster: its address, member status and the member count (as ever), its roles, the leader, the
    /// members and the unreachable ones as this node sees them, the shards it holds per region (shard id, entity ids)
    /// and the singletons running here; <see cref="Problems"/> names a part that did not answer in time.
    /// </summary>
    public sealed record ClusterHealth(
        string Address,
        string Status,
        int Members,
        IReadOnlyList<string>? Roles = null,
        string? Leader = null,
        IReadOnlyList<Diagnostics.DiagnosticsEndpoints.MemberInfo>? MemberList = null,
        IReadOnlyList<string>? Unreachable = null,
        IReadOnlyDictionary<string, IReadOnlyList<Diagnostics.ShardPlacement>>? Shards = null,
        IReadOnlyList<string>? Singletons = null,
        IReadOnlyList<string>? Problems = null);

    /// <summary>
    /// One symbol's feed: <c>connected</c>, <c>catching up: …</c> (ids missing after a reconnect; no tick past them until
    /// filled), <c>down: …</c>; trades ingested; the last tick; and the agg-id ranges the exchange would not serve
    /// (<see cref="TradeGaps"/>, <see cref="MissingTrades"/>, the latest in <see cref="LastTradeGap"/>).
    /// </summary>
    public sealed record FeedHealth(string Symbol, string Status, long Trades, long? LastTickMs, long TradeGaps = 0, long MissingTrades = 0, string? LastTradeGap = null);

    /// <summary>One part: <c>database</c>, <c>journal</c>, <c>cluster</c>, <c>risk-guard</c>, <c>strategies</c>, <c>feeds</c>.</summary>
    public sealed record PartHealth(string Name, bool Ok, string Detail);

    public sealed record HealthResponse(
        string Status,
        string Version,
        double UptimeSeconds,
        PersistenceHealth Persistence,
        ClusterHealth Cluster,
        string Exchange,
        IReadOnlyList<FeedHealth> Feeds,
        IReadOnlyList<PartHealth> Parts);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", async (NodeInfo info, ActorSystem system, ActorRegistry registry, Hosting.ExchangeConnection exchange, CancellationToken ct) =>
        {
            var feedsTask = FeedsAsync(registry, exchange.Symbols, ct);
            var dbTask = info.Database.PingAsync(TimeSpan.FromSeconds(3), ct);
            var journalTask = JournalAsync(system, ct);
            var guardTask = RiskGuardAsync(registry, ct);
            var strategiesTask = StrategiesAsync(registry, ct);
            var shardsTask = Diagnostics.ClusterPlacement.LocalShardsAsync(system, ct);
            var singletonsTask = Diagnostics.ClusterPlacement.SingletonsOnAsync(system, Akka.Cluster.Cluster.Get(system).SelfAddress, ct);
            var feeds = await feedsTask.ConfigureAwait(false);
            var dbOk = await dbTask.ConfigureAwait(false);
            var journal = await journalTask.ConfigureAwait(false);

            var cluster = Akka.Cluster.Cluster.Get(system);
            var membership = Diagnostics.DiagnosticsEndpoints.Describe(cluster);
            var (shards, shardProblems) = await shardsTask.ConfigureAwait(false);
            var clusterHealth = new ClusterHealth(
                cluster.SelfAddress.ToString(),
                cluster.SelfMember.Status.ToString(),
                cluster.State.Members.Count,
                cluster.SelfRoles.Order(StringComparer.Ordinal).ToArray(),
                membership.Leader,
                membership.Members,
                membership.Unreachable,
                shards,
                await singletonsTask.ConfigureAwait(false),
                shardProblems);
            var unreachable = cluster.State.Unreachable.Count;
            var feedsDown = feeds.Where(f => f.Status is not ("connected" or "completed")).Select(f => $"{f.Symbol}: {f.Status}").ToArray();
            var parts = new List<PartHealth>
            {
                new("database", dbOk, dbOk ? info.Database.Describe() : $"{info.Database.Describe()} does not answer"),
                journal.Part,
                new("cluster", cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up && unreachable == 0,
                    $"{clusterHealth.Status}, {clusterHealth.Members} member(s){(unreachable > 0 ? $", {unreachable} unreachable" : string.Empty)}"),
                await guardTask.ConfigureAwait(false),
                await strategiesTask.ConfigureAwait(false),
                new("feeds", feedsDown.Length == 0, feedsDown.Length == 0 ? $"{feeds.Length} connected" : string.Join("; ", feedsDown)),
            };

            var response = new HealthResponse(
                parts.All(p => p.Ok) ? "ok" : "degraded",
                NodeInfo.Version,
                Math.Round(info.Uptime.Elapsed.TotalSeconds, 3),
                new PersistenceHealth(info.Database.Backend.ToString().ToLowerInvariant(), info.Database.Describe(), dbOk),
                clusterHealth,
                exchange.Describe(),
                feeds,
                parts);
            // 503 only when this node's storage is down: the bridge itself cannot serve then. A risk guard that does not
            // answer (starting, moving between nodes, restarting) is "degraded": the node still serves, its parts say what is missing.
            var storageDown = !dbOk || journal.Failed;
            return storageDown ? Results.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable) : Results.Ok(response);
        }).WithName("Health").AllowAnonymous();
    }

    private static async Task<FeedHealth[]> FeedsAsync(ActorRegistry registry, IEnumerable<string> symbols, CancellationToken ct)
    {
        if (!registry.TryGet<Engine.Hosting.SymbolRegion>(out var region))
        {
            return [];
        }

        return await Task.WhenAll(symbols.Select(async symbol =>
        {
            try
            {
                var r = await region.Ask<Engine.Symbols.SymbolIndicatorsReply>(new Engine.Symbols.GetSymbolIndicators(symbol), PartTimeout, ct).ConfigureAwait(false);
                return new FeedHealth(symbol, r.FeedStatus, r.Trades, r.Last?.TimeMs, r.TradeGaps, r.MissingTrades, r.LastTradeGap);
            }
            catch (Exception e) when (e is TimeoutException or AskTimeoutException or TaskCanceledException)
            {
                return new FeedHealth(symbol, "unknown: symbol actor did not answer", 0, null);
            }
        })).ConfigureAwait(false);
    }

    /// <summary>
    /// A read through the journal plugin (a replay of no events of a probe id, which reads its highest sequence number): the
    /// journal the actors use answers. <c>Failed</c> only when it answered with a failure; a slow answer (a busy start) is not ok
    /// but not proof that storage is down.
    /// </summary>
    private static async Task<(PartHealth Part, bool Failed)> JournalAsync(ActorSystem system, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(5);
        try
        {
            var journal = Persistence.Instance.Apply(system).JournalFor(null);
            var reply = await journal.Ask<object>(replyTo => new ReplayMessages(1, long.MaxValue, 0, "health-probe", replyTo), timeout, ct).ConfigureAwait(false);
            return reply is ReplayMessagesFailure failure
                ? (new PartHealth("journal", false, $"the journal cannot read: {failure.Cause.Message}"), true)
                : (new PartHealth("journal", true, "reads"), false);
        }
        catch (Exception e) when (e is TimeoutException or AskTimeoutException or TaskCanceledException)
        {
            return (new PartHealth("journal", false, $"the journal did not answer within {timeout.TotalSeconds:0} s"), false);
        }
    }

    private static async Task<PartHealth> RiskGuardAsync(ActorRegistry registry, CancellationToken ct)
    {
        if (!registry.TryGet<Engine.Hosting.RiskGuard>(out var guard))
        {
            return new PartHealth("risk-guard", false, "not started on this node");
        }

        try
        {
            var status = await guard.Ask<RiskStatus>(new GetRiskStatus(), PartTimeout, ct).ConfigureAwait(false);
            return status.ExecutorReady
                ? new PartHealth("risk-guard", true, status.State.KillSwitch is not null ? "answers; kill switch engaged" : "answers; executor ready")
                : new PartHealth("risk-guard", false, "answers; its executor is not ready (recovering or reconciling with the exchange)");
        }
        catch (Exception e) when (e is TimeoutException or AskTimeoutException or TaskCanceledException)
        {
            return new PartHealth("risk-guard", false, $"does not answer within {PartTimeout.TotalSeconds:0} s (restarting after a journal failure, or no engine node)");
        }
    }

    private static async Task<PartHealth> StrategiesAsync(ActorRegistry registry, CancellationToken ct)
    {
        if (!registry.TryGet<StrategiesActor>(out var strategies))
        {
            return new PartHealth("strategies", false, "not started on this node");
        }

        try
        {
            var list = await strategies.Ask<StrategyList>(new ListStrategies(), PartTimeout, ct).ConfigureAwait(false);
            var down = list.Strategies.Where(s => !s.Running).Select(s => $"{s.Id}: {s.Problem}").ToArray();
            return down.Length == 0
                ? new PartHealth("strategies", true, $"{list.Strategies.Count} running")
                : new PartHealth("strategies", false, string.Join("; ", down));
        }
        catch (Exception e) when (e is TimeoutException or AskTimeoutException or TaskCanceledException)
        {
            return new PartHealth("strategies", false, $"do not answer within {PartTimeout.TotalSeconds:0} s");
        }
    }
}
