using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Arbitrage.Node.Api.Errors;
using Arbitrage.Node.Api.Ops;
using Arbitrage.Node.Api.Read;
using Arbitrage.Node.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serilog.Events;

namespace Arbitrage.Node.Api.Diagnostics;

/// <summary>
/// <c>/api/diag/*</c> (admin): actor hierarchy, cluster members and leave/down, shard regions and entities,
/// recent dead letters and recent log lines. Leave/down are audited when an <see cref="IAuditLog"/> is registered.
/// </summary>
public static class DiagnosticsEndpoints
{
    public const int MaxDepth = 10;
    public const int MaxNodes = 5000;
    public const int MaxEntityIdsPerShard = 200;
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public sealed record AddressRequest(string? Address);

    public sealed record MemberInfo(string Address, string Status, IReadOnlyList<string> Roles, bool Reachable, bool Leader = false);

    /// <summary>The membership as this node sees it; <see cref="Shards"/> and <see cref="Singletons"/> (the whole cluster's placement) when asked for.</summary>
    public sealed record ClusterInfo(
        string Self,
        string? Leader,
        IReadOnlyList<MemberInfo> Members,
        IReadOnlyList<string> Unreachable,
        IReadOnlyList<string> SeenBy,
        IReadOnlyList<ShardTypePlacement>? Shards = null,
        IReadOnlyList<SingletonPlacement>? Singletons = null);

    /// <summary>One member's actor tree, or why it has none (unreachable, silent).</summary>
    public sealed record MemberActors(string Address, string Status, bool Reachable, ActorTree? Tree, string? Error);

    /// <summary><c>/api/diag/actors</c>: this node's tree (roots, depth, count, truncated, as before) and every member's.</summary>
    public sealed record ClusterActors(IReadOnlyList<ActorNode> Roots, int Depth, int Count, bool Truncated, string Self, IReadOnlyList<MemberActors> Members);

    /// <summary>How long a member may take to walk its tree and answer.</summary>
    public static readonly TimeSpan MemberTreeTimeout = TimeSpan.FromSeconds(15);

    public sealed record ShardInfo(string ShardId, int EntityCount, IReadOnlyList<string> EntityIds);

    public sealed record RegionInfo(string Address, IReadOnlyDictionary<string, int> Shards);

    public sealed record ShardTypeInfo(string TypeName, IReadOnlyList<ShardInfo> LocalShards, IReadOnlyList<RegionInfo> Regions, IReadOnlyList<string> Failed, string? Error);

    /// <summary>Registers the recent-log sink (<see cref="RecentLogSink.Shared"/> unless another is given).</summary>
    public static IServiceCollection AddDiagnostics(this IServiceCollection services, RecentLogSink? logs = null)
    {
        services.TryAddSingleton(logs ?? RecentLogSink.Shared);
        return services;
    }

    /// <summary>Starts the <see cref="DeadLetterListener"/> (registered in the ActorRegistry).</summary>
    public static AkkaConfigurationBuilder WithDiagnostics(this AkkaConfigurationBuilder akka) =>
        akka.WithActors((system, registry) =>
        {
            registry.Register<DeadLetterListener>(system.ActorOf(DeadLetterListener.Props(), "dead-letters"));
            registry.Register<NodeDiagnosticsActor>(system.ActorOf(NodeDiagnosticsActor.Props(), Engine.Diagnostics.NodeDiagnosticsPaths.ActorName));
        });

    public static IEndpointRouteBuilder MapDiagnosticsEndpoints(this IEndpointRouteBuilder app)
    {
        var diag = app.MapGroup("/api/diag").RequireAuthorization(AuthPolicies.Admin).WithMetadata(new RequestSizeLimitAttribute(4 * 1024));
        diag.MapGet("/actors", ActorsAsync).WithName("DiagActors");
        diag.MapGet("/cluster", async (ActorSystem system, CancellationToken ct) =>
        {
            var shards = ClusterPlacement.ShardsAsync(system, ct);
            var singletons = ClusterPlacement.SingletonsAsync(system, ct);
            return Results.Ok(Describe(Cluster.Get(system)) with { Shards = await shards.ConfigureAwait(false), Singletons = await singletons.ConfigureAwait(false) });
        }).WithName("DiagCluster");
        diag.MapPost("/cluster/leave", (AddressRequest? body, HttpContext http, ClaimsPrincipal me, ActorSystem system) =>
            ChangeMembershipAsync(body, http, me, system, leave: true)).WithName("DiagClusterLeave");
        diag.MapPost("/cluster/down", (AddressRequest? body, HttpContext http, ClaimsPrincipal me, ActorSystem system) =>
            ChangeMembershipAsync(body, http, me, system, leave: false)).WithName("DiagClusterDown");
        diag.MapGet("/shards", ShardsAsync).WithName("DiagShards");
        diag.MapGet("/deadletters", DeadLettersAsync).WithName("DiagDeadLetters");
        diag.MapGet("/logs", (HttpRequest request, RecentLogSink logs) =>
        {
            if (!TryInt(request, "limit", 100, 1, logs.Capacity, out var limit, out var problem))
            {
                return problem!;
            }

            var level = LogEventLevel.Verbose;
            var raw = request.Query["level"];
            if (raw.Count > 1 || (raw.ToString() is { Length: > 0 } l && !TryLevel(l, out level)))
            {
                return FieldProblem.Of("level", "one of Verbose, Debug, Information, Warning, Error, Fatal");
            }

            return Results.Ok(logs.Recent(limit, level));
        }).WithName("DiagLogs");
        return app;
    }

    private static async Task<IResult> ActorsAsync(HttpRequest request, ActorSystem system, CancellationToken ct)
    {
        if (!TryInt(request, "depth", 4, 1, MaxDepth, out var depth, out var problem))
        {
            return problem!;
        }

        var cluster = Cluster.Get(system);
        var only = request.Query["node"].ToString();
        var unreachable = cluster.State.Unreachable.Select(m => m.Address).ToHashSet();
        var members = cluster.State.Members.Concat(cluster.State.Unreachable).DistinctBy(m => m.Address)
            .Where(m => only.Length == 0 || string.Equals(m.Address.ToString(), only.Trim(), StringComparison.Ordinal))
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .ToArray();
        if (only.Length > 0 && members.Length == 0)
        {
            return FieldProblem.Of("node", $"no cluster member {only.Trim()} (see arbctl cluster show)");
        }

        var trees = await Task.WhenAll(members.Select(async m =>
        {
            if (unreachable.Contains(m.Address))
            {
                return new MemberActors(m.Address.ToString(), m.Status.ToString(), false, null, "unreachable: not asked");
            }

            try
            {
                var selection = system.ActorSelection(new RootActorPath(m.Address) / "user" / Engine.Diagnostics.NodeDiagnosticsPaths.ActorName);
                var paths = await selection.Ask<Engine.Diagnostics.ActorPaths>(new Engine.Diagnostics.GetActorPaths(depth, MaxNodes), MemberTreeTimeout, ct).ConfigureAwait(false);
                return new MemberActors(m.Address.ToString(), m.Status.ToString(), true, ActorTree.FromPaths(paths.Paths, paths.Depth, paths.Truncated), null);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or TimeoutException)
            {
                return new MemberActors(m.Address.ToString(), m.Status.ToString(), true, null,
                    $"its diagnostics actor did not answer within {MemberTreeTimeout.TotalSeconds:0} s (busy, shutting down, or a build without it)");
            }
        })).ConfigureAwait(false);

        var self = cluster.SelfAddress.ToString();
        var own = trees.FirstOrDefault(t => t.Address == self)?.Tree ?? new ActorTree([], depth, 0, false);
        return Results.Ok(new ClusterActors(own.Roots, own.Depth, own.Count, own.Truncated, self, trees));
    }

    internal static ClusterInfo Describe(Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        return new ClusterInfo(
            cluster.SelfAddress.ToString(),
            state.Leader?.ToString(),
            state.Members.Select(m => new MemberInfo(
                m.Address.ToString(), m.Status.ToString(), m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToArray(), !unreachable.Contains(m.Address), m.Address.Equals(state.Leader))).ToArray(),
            state.Unreachable.Select(m => m.Address.ToString()).ToArray(),
            state.SeenBy.Select(a => a.ToString()).ToArray());
    }

    private static async Task<IResult> ChangeMembershipAsync(AddressRequest? body, HttpContext http, ClaimsPrincipal me, ActorSystem system, bool leave)
    {
        if (string.IsNullOrWhiteSpace(body?.Address) || body.Address.Length > 300)
        {
            return FieldProblem.Of("address", "required: a member address like akka.tcp://arbitrage@10.0.0.5:4053");
        }

        Address address;
        try
        {
            address = Address.Parse(body.Address.Trim());
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return FieldProblem.Of("address", "not an Akka address (akka.tcp://system@host:port)");
        }

        var cluster = Cluster.Get(system);
        if (!cluster.State.Members.Any(m => m.Address.Equals(address)))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"no cluster member {address}");
        }

        var command = leave ? "cluster.leave" : "cluster.down";
        var audit = http.RequestServices.GetService<IAuditLog>();
        var user = me.FindFirstValue(AuthClaims.Name) ?? "?";
        string? auditId = null;
        if (audit is not null)
        {
            auditId = await audit.BeginAsync(user, command, JsonSerializer.Serialize(new Dictionary<string, string> { ["address"] = address.ToString() }), http.RequestAborted).ConfigureAwait(false);
            if (auditId is null)
            {
                return new RetryLater(Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "the audit log is unavailable; the command was not run"));
            }
        }

        if (leave)
        {
            cluster.Leave(address);
        }
        else
        {
            cluster.Down(address);
        }

        var detail = $"{(leave ? "leave" : "down")} requested for {address}";
        if (audit is not null)
        {
            await audit.CompleteAsync(auditId!, "done: " + detail, CancellationToken.None).ConfigureAwait(false);
        }

        return Results.Accepted(value: new { auditId, command, status = "done", detail });
    }

    private static async Task<IResult> ShardsAsync(ActorSystem system, CancellationToken ct)
    {
        var sharding = ClusterSharding.Get(system);
        var types = sharding.ShardTypeNames.OrderBy(n => n, StringComparer.Ordinal).ToArray();
        var infos = await Task.WhenAll(types.Select(async type =>
        {
            try
            {
                var region = sharding.ShardRegion(type);
                var local = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout, ct).ConfigureAwait(false);
                var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(AskTimeout), AskTimeout + TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                return new ShardTypeInfo(
                    type,
                    local.Shards.OrderBy(s => s.ShardId, StringComparer.Ordinal)
                        .Select(s => new ShardInfo(s.ShardId, s.EntityIds.Count, s.EntityIds.OrderBy(e => e, StringComparer.Ordinal).Take(MaxEntityIdsPerShard).ToArray())).ToArray(),
                    stats.Regions.Select(r => new RegionInfo(r.Key.ToString(), r.Value.Stats.ToDictionary(kv => kv.Key, kv => kv.Value))).ToArray(),
                    local.Failed.OrderBy(f => f, StringComparer.Ordinal).ToArray(),
                    null);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or TimeoutException)
            {
                return new ShardTypeInfo(type, [], [], [], $"the shard region did not answer within {AskTimeout.TotalSeconds:0} s");
            }
        })).ConfigureAwait(false);
        return Results.Ok(infos);
    }

    private static async Task<IResult> DeadLettersAsync(HttpRequest request, IRequiredActor<DeadLetterListener> listener, CancellationToken ct)
    {
        if (!TryInt(request, "limit", 200, 1, 200, out var limit, out var problem))
        {
            return problem!;
        }

        try
        {
            var actor = await listener.GetAsync(ct).ConfigureAwait(false);
            return Results.Ok(await actor.Ask<RecentDeadLetters>(new GetRecentDeadLetters(limit), AskTimeout, ct).ConfigureAwait(false));
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return new RetryLater(Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "the dead-letter listener did not answer"));
        }
    }

    /// <summary>A level by its name only: <c>Enum.TryParse</c> would also take any number ("-1", "42").</summary>
    private static bool TryLevel(string text, out LogEventLevel level)
    {
        level = LogEventLevel.Verbose;
        foreach (var name in Enum.GetNames<LogEventLevel>())
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                level = Enum.Parse<LogEventLevel>(name);
                return true;
            }
        }

        return false;
    }

    private static bool TryInt(HttpRequest request, string name, int fallback, int min, int max, out int value, out IResult? problem)
    {
        problem = null;
        value = fallback;
        var raw = request.Query[name];
        if (raw.Count == 0)
        {
            return true;
        }

        if (raw.Count > 1 || !int.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            problem = FieldProblem.Of(name, $"an integer from {min} to {max}");
            return false;
        }

        return true;
    }
}
