using System.Text.Json;
using Arbitrage.Cli.Commands;
using Arbitrage.Node.Api.Diagnostics;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>The pure parts of the cluster commands: the actor tree's flat form, shard rows, where cluster up finds binaries.</summary>
public sealed class ClusterCommandFormattingTests
{
    [Fact]
    public void An_actor_tree_survives_its_flat_form_and_orphans_become_roots()
    {
        string[] paths = ["/user", "/system", "/user/risk-guard", "/user/risk-guard/risk-guard", "/user/audit", "/system/sharding", "/system/sharding/symbol"];
        var tree = ActorTree.FromPaths(paths, depth: 3, truncated: true);

        Assert.Equal(7, tree.Count);
        Assert.True(tree.Truncated);
        Assert.Equal(["/system", "/user"], tree.Roots.Select(r => r.Path));
        var user = tree.Roots[1];
        Assert.Equal(["audit", "risk-guard"], user.Children.Select(c => c.Name));
        Assert.Equal("/user/risk-guard/risk-guard", Assert.Single(user.Children[1].Children).Path);
        Assert.Equal(paths.Order(StringComparer.Ordinal), tree.Paths().Order(StringComparer.Ordinal));

        // A path whose parent is missing (truncated reply) still shows, as a root; duplicates and trailing slashes once.
        var partial = ActorTree.FromPaths(["/user/", "/user", "/system/cluster/core"], depth: 3, truncated: false);
        Assert.Equal(["/system/cluster/core", "/user"], partial.Roots.Select(r => r.Path));
        Assert.Equal(2, partial.Count);
    }

    [Fact]
    public void A_reply_to_another_node_keeps_the_first_paths_that_fit_and_says_it_was_cut()
    {
        string[] paths = ["/user", "/user/a", "/user/a/b"];

        var (all, wasCut) = ActorTree.Bounded(paths, 100);
        Assert.False(wasCut);
        Assert.Equal(paths, all);
        var (kept, cut) = ActorTree.Bounded(paths, ("/user".Length + 4) + ("/user/a".Length + 4));
        Assert.True(cut);
        Assert.Equal(["/user", "/user/a"], kept);
    }

    [Fact]
    public void Shard_rows_list_each_member_shard_and_entities_and_say_what_did_not_answer()
    {
        var json = JsonDocument.Parse("""
            [ { "typeName": "symbol", "error": null, "regions": [
                  { "address": "akka.tcp://arbitrage@127.0.0.1:4053", "error": null, "shards": [ { "shardId": "7", "entityIds": ["BTCUSDT", "ETHUSDT"] } ] },
                  { "address": "akka.tcp://arbitrage@127.0.0.1:4054", "error": "the region did not give its entity ids within 2 s", "shards": [ { "shardId": "3", "entityIds": [] } ] } ] },
              { "typeName": "triangle", "error": "no region hosts shards of this type yet", "regions": [] } ]
            """).RootElement;

        var rows = ClusterShow.ShardRows(json);

        Assert.Equal(
            [
                new ClusterShow.ShardRow("symbol", "akka.tcp://arbitrage@127.0.0.1:4053", "7", "BTCUSDT, ETHUSDT"),
                new ClusterShow.ShardRow("symbol", "akka.tcp://arbitrage@127.0.0.1:4054", "3", "(none listed)"),
                new ClusterShow.ShardRow("symbol", "akka.tcp://arbitrage@127.0.0.1:4054", "-", "the region did not give its entity ids within 2 s"),
                new ClusterShow.ShardRow("triangle", "-", "-", "no region hosts shards of this type yet"),
            ],
            rows);
    }

    [Theory]
    [InlineData("/repo/src/Arbitrage.Cli/bin/Release/net10.0/", "/repo/src/Arbitrage.Node/bin/Release/net10.0/Arbitrage.Node.dll")]
    [InlineData("/repo/artifacts/bin/Arbitrage.Cli/release", "/repo/artifacts/bin/Arbitrage.Node/release/Arbitrage.Node.dll")]
    [InlineData("/opt/arbctl", "/opt/arbctl/Arbitrage.Node.dll")]
    public void Cluster_up_looks_for_the_node_in_the_matching_build_output(string arbctlDir, string expected) =>
        Assert.Equal(expected, ClusterUpPaths.Find("Arbitrage.Node", arbctlDir));

    [Theory]
    [InlineData("BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv", "BTCUSD_PERP")]
    [InlineData("ETHUSDT-aggTrades-2026-05-08.zip", "ETHUSDT")]
    [InlineData("tape.jsonl", null)]
    [InlineData("my-tape.csv", null)]
    public void Cluster_up_takes_the_symbol_from_a_binance_file_name(string name, string? expected) =>
        Assert.Equal(expected, ClusterUpPaths.SymbolOfTape(name));
}
