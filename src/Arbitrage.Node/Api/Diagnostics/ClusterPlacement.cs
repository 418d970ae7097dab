using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Arbitrage.Engine.Hosting;

namespace Arbitrage.Node.Api.Diagnostics;

/// <summary>One shard and the entity ids it holds (at most <see cref="DiagnosticsEndpoints.MaxEntityIdsPerShard"/>).</summary>
public sealed record ShardPlacement(string ShardId, IReadOnlyList<string> EntityIds);

/// <summary>Where one shard type's shards run: per member address (the coordinator's view), with entity ids asked of each region.</summary>
public sealed record RegionPlacement(string Address, IReadOnlyList<ShardPlacement> Shards, string? Error);

public sealed record ShardTypePlacement(string TypeName, IReadOnlyList<RegionPlacement> Regions, string? Error);

/// <summary>A cluster singleton and the member it runs on (null and "not running" when no member holds it; "not found: …" when one did not answer).</summary>
public sealed record SingletonPlacement(string Name, string? Location, string Status);

/// <summary>
/// Finds what runs where: shards through <see cref="GetClusterShardingStats"/> and each region's
/// <see cref="GetShardRegionState"/>, singletons through <see cref="Identify"/> on the singleton's path on each member.
/// Every ask has a short timeout; a part that does not answer is reported as such, never left out.
/// </summary>
public static class ClusterPlacement
{
    /// <summary>The cluster singletons the node wires (the manager and its singleton child share the name).</summary>
    public static readonly IReadOnlyList<string> SingletonNames =
        [EngineComposition.RiskGuardName, EngineComposition.StrategiesName, "market-inputs", "market-tick-bridge", "funding", "audit", "projections"];

    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The singletons running on <paramref name="member"/>: an <see cref="Identify"/> on <c>/user/NAME/NAME</c> there.</summary>
    public static async Task<IReadOnlyList<string>> SingletonsOnAsync(ActorSystem system, Address member, CancellationToken ct) =>
        (await AskSingletonsAsync(system, member, ct).ConfigureAwait(false)).Running;

    /// <summary>The singletons running on <paramref name="member"/>, and those it did not answer for in time.</summary>
    private static async Task<(IReadOnlyList<string> Running, IReadOnlyList<string> Silent)> AskSingletonsAsync(ActorSystem system, Address member, CancellationToken ct)
    {
        var found = await Task.WhenAll(SingletonNames.Select(async name =>
        {
            var path = new RootActorPath(member) / "user" / name / name;
            try
            {
                var id = await system.ActorSelection(path).Ask<ActorIdentity>(new Identify(name), AskTimeout, ct).ConfigureAwait(false);
                return (Name: name, Running: id.Subject is not null, Silent: false);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or TimeoutException)
            {
                return (Name: name, Running: false, Silent: true);
            }
        })).ConfigureAwait(false);
        return (found.Where(f => f.Running).Select(f => f.Name).ToArray(), found.Where(f => f.Silent).Select(f => f.Name).ToArray());
    }

    /// <summary>This node's own shards per type (its region's state), or why a type did not answer.</summary>
    public static async Task<(IReadOnlyDictionary<string, IReadOnlyList<ShardPlacement>> Shards, IReadOnlyList<string> Problems)> LocalShardsAsync(ActorSystem system, CancellationToken ct)
    {
        var sharding = ClusterSharding.Get(system);
        var types = ShardTypes(sharding);
        var answers = await Task.WhenAll(types.Select(async type =>
        {
            try
            {
                var state = await RegionOrProxy(sharding, type).Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout, ct).ConfigureAwait(false);
                return (type, Shards: Shards(state), Problem: (string?)null);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or TimeoutException)
            {
                return (type, Shards: (IReadOnlyList<ShardPlacement>)[], Problem: $"shard region {type} did not answer within {AskTimeout.TotalSeconds:0} s");
            }
        })).ConfigureAwait(false);
        return (answers.Where(a => a.Problem is null).ToDictionary(a => a.type, a => a.Shards, StringComparer.Ordinal),
            answers.Select(a => a.Problem).OfType<string>().ToArray());
    }

    /// <summary>Every shard type's placement over the cluster: the coordinator's regions, and each region's entity ids.</summary>
    public static async Task<IReadOnlyList<ShardTypePlacement>> ShardsAsync(ActorSystem system, CancellationToken ct)
    {
        var sharding = ClusterSharding.Get(system);
        var types = ShardTypes(sharding);
        return await Task.WhenAll(types.Select(async type =>
        {
            ClusterShardingStats stats;
            try
            {
                stats = await RegionOrProxy(sharding, type).Ask<ClusterShardingStats>(new GetClusterShardingStats(AskTimeout), AskTimeout + TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or TimeoutException)
            {
                return new ShardTypePlacement(type, [], $"the shard coordinator of {type} did not answer within {AskTimeout.TotalSeconds:0} s");
            }

            var regions = await Task.WhenAll(stats.Regions.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal).Select(async r =>
            {
                var shardIds = r.Value.Stats.Keys.Order(StringComparer.Ordinal).ToArray();
                try
                {
                    var region = system.ActorSelection(new RootActorPath(r.Key) / "system" / "sharding" / type);
                    var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout, ct).ConfigureAwait(false);
                    var held = Shards(state).ToDictionary(s => s.ShardId, StringComparer.Ordinal);
                    return new RegionPlacement(r.Key.ToString(), shardIds.Select(id => held.GetValueOrDefault(id) ?? new ShardPlacement(id, [])).ToArray(), null);
                }
                catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or TimeoutException)
                {
                    return new RegionPlacement(r.Key.ToString(), shardIds.Select(id => new ShardPlacement(id, [])).ToArray(),
                        $"the region did not give its entity ids within {AskTimeout.TotalSeconds:0} s");
                }
            })).ConfigureAwait(false);
            return new ShardTypePlacement(type, regions, stats.Regions.Count == 0 ? "no region hosts shards of this type yet" : null);
        })).ConfigureAwait(false);
    }

    /// <summary>Each singleton's member (the first member, oldest first, that holds it), or "not running".</summary>
    public static async Task<IReadOnlyList<SingletonPlacement>> SingletonsAsync(ActorSystem system, CancellationToken ct)
    {
        var cluster = Cluster.Get(system);
        var unreachable = cluster.State.Unreachable.Select(m => m.Address).ToHashSet();
        var members = cluster.State.Members.Where(m => !unreachable.Contains(m.Address)).Select(m => m.Address).ToArray();
        var held = await Task.WhenAll(members.Select(async m => (Member: m, Answer: await AskSingletonsAsync(system, m, ct).ConfigureAwait(false)))).ConfigureAwait(false);
        return SingletonNames.Select(name =>
        {
            var at = held.Where(h => h.Answer.Running.Contains(name)).Select(h => h.Member.ToString()).ToArray();
            var silent = held.Where(h => h.Answer.Silent.Contains(name)).Select(h => h.Member.ToString()).ToArray();
            return at.Length switch
            {
                0 when silent.Length > 0 => new SingletonPlacement(name, null, $"not found: no answer within {AskTimeout.TotalSeconds:0} s from {string.Join(", ", silent)}"),
                0 => new SingletonPlacement(name, null, "not running"),
                1 => new SingletonPlacement(name, at[0], "running"),
                _ => new SingletonPlacement(name, at[0], "running on " + string.Join(", ", at)),
            };
        }).ToArray();
    }

    /// <summary>The shard types this node started, as a region or (a node without their role) as a proxy only.</summary>
    private static string[] ShardTypes(ClusterSharding sharding) =>
        sharding.ShardTypeNames.Concat(KnownShardTypes.Where(t => Started(sharding, t))).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    private static readonly string[] KnownShardTypes = [EngineComposition.SymbolShards, EngineComposition.TriangleShards];

    private static bool Started(ClusterSharding sharding, string type)
    {
        try
        {
            _ = RegionOrProxy(sharding, type);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false; // not started on this node (a node without the engine)
        }
    }

    /// <summary>The region, or the proxy a node without the type's role started (ShardRegion gives either).</summary>
    private static IActorRef RegionOrProxy(ClusterSharding sharding, string type) => sharding.ShardRegion(type);

    private static IReadOnlyList<ShardPlacement> Shards(CurrentShardRegionState state) =>
        state.Shards.OrderBy(s => s.ShardId, StringComparer.Ordinal)
            .Select(s => new ShardPlacement(s.ShardId, s.EntityIds.Order(StringComparer.Ordinal).Take(DiagnosticsEndpoints.MaxEntityIdsPerShard).ToArray()))
            .ToArray();
}
