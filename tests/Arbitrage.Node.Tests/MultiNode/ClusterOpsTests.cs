using System.Net;
using System.Text.Json;
using Arbitrage.Node.Tests.Cli;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.MultiNode;

/// <summary>
/// Cluster operations from any node, on two real node processes (A: engine, B: bridge only) on one PostgreSQL journal:
/// each node's <c>/api/health</c> says what it holds; <c>arbctl cluster show</c> and <c>arbctl actors tree</c> asked of B
/// show A's members, shards, singletons and actors; <c>arbctl cluster leave</c> issued at B makes A leave.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterOpsTests : IAsyncLifetime
{
    private const string Invite = "boot-cluster-ops";
    private const string Symbol = "BTCUSD_PERP";
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-cluster-ops", Guid.NewGuid().ToString("N"));
    private FreshPostgresSchema? _schema;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }

        TestDatabases.DeleteQuietly(_work);
    }

    [SkippableFact]
    public async Task Any_node_shows_the_whole_cluster_its_placement_and_actors_and_makes_another_member_leave()
    {
        _schema = await FreshPostgresSchema.CreateAsync();
        var jwtKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        var portA = ClusterTestFiles.FreePort();
        var portB = ClusterTestFiles.FreePort();
        var addressA = $"akka.tcp://arbitrage@127.0.0.1:{portA}";
        var addressB = $"akka.tcp://arbitrage@127.0.0.1:{portB}";

        Dictionary<string, string> Env(string name, int port, string role, string? invite)
        {
            var env = NodeProcess.TestEnvironment(Path.Combine(_work, name), invite);
            env["ARB__Storage__Postgres"] = _schema.ConnectionString;
            env["ARB__Auth__JwtKey"] = jwtKey;
            env["ARB__Cluster__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["ARB__Cluster__Seeds__0"] = addressA;
            env["ARB__Cluster__Roles__0"] = role;
            return env;
        }

        Directory.CreateDirectory(Path.Combine(_work, "a"));
        Directory.CreateDirectory(Path.Combine(_work, "b"));
        await using var a = NodeProcess.Start(Path.Combine(_work, "a"), Env("a", portA, "engine", Invite), "--exchange", "sim", "--tape", ClusterTestFiles.Tape, "--speed", "1000");
        using var clientA = new NodeClient(await a.WaitListeningAsync(TimeSpan.FromSeconds(60)));
        await clientA.RegisterAndLoginAsync(Invite);
        await using var b = NodeProcess.Start(Path.Combine(_work, "b"), Env("b", portB, "bridge", null), "--exchange", "sim", "--tape", ClusterTestFiles.Tape, "--speed", "1000");
        var urlB = await b.WaitListeningAsync(TimeSpan.FromSeconds(60));
        using var clientB = new NodeClient(urlB);

        // Health: A holds the symbol's shard and the singletons; B (bridge) holds nothing; both see both members.
        var healthA = (await clientA.WaitForAsync("/api/health", (s, h) => s == HttpStatusCode.OK && Holds(h.GetProperty("cluster"), Symbol) && Members(h) == 2
            && h.GetProperty("cluster").GetProperty("singletons").EnumerateArray().Any(n => n.GetString() == "risk-guard"), TimeSpan.FromSeconds(60))).GetProperty("cluster");
        Assert.Equal(["engine"], healthA.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("audit", healthA.GetProperty("singletons").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(addressA, healthA.GetProperty("address").GetString());
        var healthB = (await clientB.WaitForAsync("/api/health", (s, h) => s == HttpStatusCode.OK && Members(h) == 2, TimeSpan.FromSeconds(30))).GetProperty("cluster");
        Assert.Equal(["bridge"], healthB.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Empty(healthB.GetProperty("singletons").EnumerateArray());
        Assert.False(Holds(healthB, Symbol));
        Assert.Equal(new[] { addressA, addressB }.Order(StringComparer.Ordinal), healthB.GetProperty("memberList").EnumerateArray().Select(m => m.GetProperty("address").GetString()).Order(StringComparer.Ordinal));
        Assert.Empty(healthB.GetProperty("unreachable").EnumerateArray());
        Assert.Contains(healthB.GetProperty("leader").GetString(), new[] { addressA, addressB });

        // arbctl against B: the whole cluster.
        var config = Path.Combine(_work, "arbctl.json");
        var login = await ArbctlProcess.RunAsync(config, NodeClient.Password + "\n", "login", "--url", urlB.ToString().TrimEnd('/'), "--user", "admin", "--password-stdin", "--json");
        Assert.True(login.Exit == 0, login.Stderr);
        var show = await ArbctlProcess.RunAsync(config, null, "cluster", "show", "--json");
        Assert.True(show.Exit == 0, show.Stderr);
        var cluster = JsonDocument.Parse(show.Stdout).RootElement;
        Assert.Equal(addressB, cluster.GetProperty("self").GetString());
        var members = cluster.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("address").GetString()!);
        Assert.Equal(new[] { addressA, addressB }.Order(StringComparer.Ordinal), members.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(cluster.GetProperty("leader").GetString(), Assert.Single(members.Values, m => m.GetProperty("leader").GetBoolean()).GetProperty("address").GetString());
        Assert.True(members[addressB].GetProperty("reachable").GetBoolean());
        Assert.Equal(["bridge"], members[addressB].GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var symbolShards = cluster.GetProperty("shards").EnumerateArray().SingleOrDefault(t => t.GetProperty("typeName").GetString() == "symbol");
        Assert.True(symbolShards.ValueKind == JsonValueKind.Object, show.Stdout);
        var region = Assert.Single(symbolShards.GetProperty("regions").EnumerateArray());
        Assert.Equal(addressA, region.GetProperty("address").GetString());
        Assert.Contains(Symbol, region.GetProperty("shards").EnumerateArray().SelectMany(s => s.GetProperty("entityIds").EnumerateArray()).Select(e => e.GetString()));
        var singletons = cluster.GetProperty("singletons").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(addressA, singletons["risk-guard"].GetProperty("location").GetString());
        Assert.Equal(addressA, singletons["strategies"].GetProperty("location").GetString());
        var table = await ArbctlProcess.RunAsync(config, null, "cluster", "show");
        Assert.True(table.Exit == 0, table.Stderr);
        Assert.Contains("shard placement", table.Stdout, StringComparison.Ordinal);

        var tree = await ArbctlProcess.RunAsync(config, null, "actors", "tree", "--depth", "3", "--json");
        Assert.True(tree.Exit == 0, tree.Stderr);
        var treeMembers = JsonDocument.Parse(tree.Stdout).RootElement.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("address").GetString()!);
        Assert.Equal(new[] { addressA, addressB }.Order(StringComparer.Ordinal), treeMembers.Keys.Order(StringComparer.Ordinal));
        var treeA = treeMembers[addressA].GetProperty("tree");
        var userA = treeA.GetProperty("roots").EnumerateArray().Single(r => r.GetProperty("path").GetString() == "/user");
        var guard = userA.GetProperty("children").EnumerateArray().Single(c => c.GetProperty("path").GetString() == "/user/risk-guard");
        Assert.Contains("/user/risk-guard/risk-guard", guard.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("path").GetString()));
        Assert.DoesNotContain(treeMembers[addressB].GetProperty("tree").GetProperty("roots").EnumerateArray().Single(r => r.GetProperty("path").GetString() == "/user")
            .GetProperty("children").EnumerateArray(), c => c.GetProperty("path").GetString() == "/user/risk-guard/risk-guard");
        var onlyA = await ArbctlProcess.RunAsync(config, null, "actors", "tree", "--depth", "1", "--node", addressA, "--json");
        Assert.True(onlyA.Exit == 0, onlyA.Stderr);
        Assert.Equal([addressA], JsonDocument.Parse(onlyA.Stdout).RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()));

        // Leave, issued at B for A: A leaves the cluster (its process ends, or B sees it removed).
        var leave = await ArbctlProcess.RunAsync(config, null, "cluster", "leave", "--address", addressA, "--json");
        Assert.True(leave.Exit == 0, leave.Stderr);
        await clientB.WaitForAsync("/api/health", (s, h) => a.HasExited || (s == HttpStatusCode.OK && !h.GetProperty("cluster").GetProperty("memberList").EnumerateArray()
            .Any(m => m.GetProperty("address").GetString() == addressA && m.GetProperty("status").GetString() is "Up" or "Joining")), TimeSpan.FromSeconds(30));
    }

    private static int Members(JsonElement health) => health.GetProperty("cluster").GetProperty("members").GetInt32();

    private static bool Holds(JsonElement cluster, string symbol) =>
        cluster.GetProperty("shards").TryGetProperty("symbol", out var shards)
        && shards.EnumerateArray().Any(s => s.GetProperty("entityIds").EnumerateArray().Any(e => e.GetString() == symbol));
}
