using System.Net;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Arbitrage.Node.Auth;
using Arbitrage.Node.Tests.Live;
using Serilog;

namespace Arbitrage.Node.Tests.Diagnostics;

[Collection(BridgeHostCollection.Name)]
public sealed class DiagnosticsEndpointsTests(BridgeHost host)
{
    private async Task<JsonElement> GetAsync(string path)
    {
        using var r = await host.SendAsync(HttpMethod.Get, path, host.Tokens[Roles.Admin]);
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"{path}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        return await BridgeHost.JsonAsync(r);
    }

    [Theory]
    [InlineData("/api/diag/actors")]
    [InlineData("/api/diag/cluster")]
    [InlineData("/api/diag/shards")]
    [InlineData("/api/diag/deadletters")]
    [InlineData("/api/diag/logs")]
    public async Task Diagnostics_are_admin_only(string path)
    {
        using var anonymous = await host.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var operatorCall = await host.SendAsync(HttpMethod.Get, path, host.Tokens[Roles.Operator]);
        Assert.Equal(HttpStatusCode.Forbidden, operatorCall.StatusCode);
    }

    [Fact]
    public async Task Actor_tree_shows_user_and_system_actors_to_the_requested_depth()
    {
        var tree = await GetAsync("/api/diag/actors?depth=3");
        var roots = tree.GetProperty("roots").EnumerateArray().ToDictionary(r => r.GetProperty("path").GetString()!);
        Assert.Contains(roots["/user"].GetProperty("children").EnumerateArray(), c => c.GetProperty("path").GetString() == "/user/dead-letters");
        var system = roots["/system"].GetProperty("children").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("sharding", system);
        var sharding = roots["/system"].GetProperty("children").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "sharding");
        Assert.Contains(sharding.GetProperty("children").EnumerateArray(), c => c.GetProperty("name").GetString() == BridgeHost.ShardType);

        var shallow = await GetAsync("/api/diag/actors?depth=1");
        Assert.All(shallow.GetProperty("roots").EnumerateArray().SelectMany(r => r.GetProperty("children").EnumerateArray()), c => Assert.Equal(0, c.GetProperty("children").GetArrayLength()));
    }

    [Fact]
    public async Task Cluster_shows_the_single_up_member_as_leader()
    {
        var cluster = await GetAsync("/api/diag/cluster");
        var self = cluster.GetProperty("self").GetString();
        Assert.Equal(self, cluster.GetProperty("leader").GetString());
        var member = Assert.Single(cluster.GetProperty("members").EnumerateArray());
        Assert.Equal("Up", member.GetProperty("status").GetString());
        Assert.Contains("test", member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(0, cluster.GetProperty("unreachable").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/diag/cluster/leave", "not an address", HttpStatusCode.BadRequest)]
    [InlineData("/api/diag/cluster/down", "", HttpStatusCode.BadRequest)]
    [InlineData("/api/diag/cluster/down", "akka.tcp://bridge-tests@10.9.9.9:1", HttpStatusCode.NotFound)]
    public async Task Leave_and_down_validate_the_address(string path, string address, HttpStatusCode expected)
    {
        using var r = await host.SendAsync(HttpMethod.Post, path, host.Tokens[Roles.Admin], new { address });
        Assert.Equal(expected, r.StatusCode);
    }

    [Fact]
    public async Task Shards_list_regions_shards_and_entity_ids()
    {
        var id = "entity-" + Guid.NewGuid().ToString("N")[..8];
        var region = ClusterSharding.Get(host.System).ShardRegion(BridgeHost.ShardType);
        await region.Ask<Echo>(new Echo(id, "hi"), TimeSpan.FromSeconds(20));

        var types = await GetAsync("/api/diag/shards");
        var type = types.EnumerateArray().Single(t => t.GetProperty("typeName").GetString() == BridgeHost.ShardType);
        Assert.Contains(type.GetProperty("localShards").EnumerateArray().SelectMany(s => s.GetProperty("entityIds").EnumerateArray()), e => e.GetString() == id);
        Assert.NotEmpty(type.GetProperty("regions").EnumerateArray());
    }

    [Fact]
    public async Task Dead_letters_are_kept_newest_first()
    {
        var marker = "lost-" + Guid.NewGuid().ToString("N");
        host.System.ActorSelection("/user/nobody-here").Tell(marker, ActorRefs.NoSender);
        await BridgeHost.EventuallyAsync(async () =>
        {
            var dead = await GetAsync("/api/diag/deadletters?limit=50");
            return dead.GetProperty("items").EnumerateArray().Any(d => d.GetProperty("message").GetString() == marker);
        }, "the dead letter");
    }

    [Fact]
    public async Task Recent_log_lines_come_from_the_sink_filtered_by_level()
    {
        using var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(host.Logs).CreateLogger();
        var marker = Guid.NewGuid().ToString("N");
        logger.ForContext("SourceContext", "Test.Source").Information("info {Marker}", marker);
        logger.Warning("warn {Marker}", marker);

        var all = await GetAsync("/api/diag/logs?limit=50");
        var mine = all.EnumerateArray().Where(l => l.GetProperty("message").GetString()!.Contains(marker)).ToList();
        Assert.Equal(2, mine.Count);
        Assert.Equal("Test.Source", mine[0].GetProperty("source").GetString());

        var warnings = await GetAsync("/api/diag/logs?limit=50&level=warning");
        Assert.All(warnings.EnumerateArray(), l => Assert.True(l.GetProperty("level").GetString() is "Warning" or "Error" or "Fatal"));

        using var bad = await host.SendAsync(HttpMethod.Get, "/api/diag/logs?limit=100000", host.Tokens[Roles.Admin]);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("42")]
    [InlineData("5")]
    [InlineData("Loud")]
    [InlineData("Warning&level=Error")]
    public async Task A_log_level_is_one_of_the_level_names_never_a_number(string level)
    {
        using var bad = await host.SendAsync(HttpMethod.Get, "/api/diag/logs?level=" + level, host.Tokens[Roles.Admin]);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await BridgeHost.JsonAsync(bad)).GetProperty("errors");
        Assert.Contains("Information", Assert.Single(errors.GetProperty("level").EnumerateArray()).GetString(), StringComparison.Ordinal);
    }
}
