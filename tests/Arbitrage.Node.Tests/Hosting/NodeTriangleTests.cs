using System.Globalization;
using System.Text.Json;
using Arbitrage.Simulator;
using Arbitrage.Simulator.Control;
using Arbitrage.Testing;
using Arbitrage.Testing.Faults;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// The node's live triangle detection (issue 15): a real node process against the simulator on 127.0.0.1 serving the
/// three spot legs of BTC/ETH/USDT (the real BTCUSDT and ETHUSDT captures of 2024-08-08, and a SYNTHETIC ETHBTC book,
/// seeded, with a valid update-id chain: the fixtures hold no ETHBTC of that day). The node reads
/// <c>strategies/triangles/</c>, the venue's pairs from spot exchangeInfo, streams the books through
/// <c>Exchange:SpotWsUrl</c> and its detector evaluates cycles; a dropped connection closes the episodes as
/// unsynchronised until the resync; files reload hot.
/// </summary>
public sealed class NodeTriangleTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-triangles-" + Guid.NewGuid().ToString("N"));

    private string Triangles => Path.Combine(_work, "strategies", "triangles");

    private string ConfigFile => Path.Combine(Triangles, "tri_binance.json");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        SpotTriangleTape.CopyStrategies(_work);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        TestDatabases.DeleteQuietly(_work);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_node_streams_spot_books_into_its_detector_closes_episodes_on_a_dropped_connection_resyncs_and_reloads_its_config()
    {
        WriteConfig(fee: "\"account\"", minNetReturn: "-0.5", stalenessMs: 5000);
        await using var sim = await SpotTriangleTape.StartSimulatorAsync(speed: 0.5);
        const string invite = "tri-invite-0123456789";
        var env = NodeEnvironment(sim, invite);
        env["ARB__Triangles__PaperTakerFee"] = "0.002";
        await using var node = NodeProcess.Start(_work, env);
        using var client = new NodeClient(await node.WaitListeningAsync(Deadline));
        await client.RegisterAndLoginAsync(invite);

        // Paper mode: "account" is the configured default.
        Assert.Contains("tri_binance on binance-spot, taker fee 0.002 (account)", node.Stdout, StringComparison.Ordinal);
        await FaultDrills.UntilAsync(() => Task.FromResult(sim.State.Hub.Subscriptions().Streams.Contains("ethbtc@depth")),
            "the node's spot feed subscribed to the three pairs", Deadline, node);
        Assert.Contains("btcusdt@depth", sim.State.Hub.Subscriptions().Streams);
        Assert.Contains("ethusdt@depth", sim.State.Hub.Subscriptions().Streams);
        sim.Control.Play();

        // Books synchronised and cycles evaluated: with min_net_return -0.5 every feasible cycle is an episode.
        await FaultDrills.UntilAsync(async () => Metric(await client.Http.GetStringAsync("/metrics"), "arb_triangle_evaluations_total") > 0,
            "cycle evaluations", Deadline, node);
        var open = await client.WaitForAsync("/api/triangles?venue=binance-spot", (_, b) => b.GetProperty("open").GetArrayLength() > 0, Deadline);
        Assert.All(open.GetProperty("open").EnumerateArray(), e => Assert.Equal("tri_binance", e.GetProperty("configId").GetString()));
        Assert.Equal(0, Metric(await client.Http.GetStringAsync("/metrics"), "arb_triangle_unsynchronised_books"));

        // The connection drops: the pairs' books are lost, their episodes close as unsynchronised; the resync opens new ones.
        var dropped = DateTimeOffset.UtcNow;
        Assert.True(sim.Control.DropWebSockets("ethbtc@depth@100ms") > 0);
        var afterDrop = await client.WaitForAsync("/api/triangles?venue=binance-spot&limit=500", (_, b) => Recent(b).Any(e => e.EndedBy == "Unsynchronised"), Deadline);
        var closedAt = Recent(afterDrop).Where(e => e.EndedBy == "Unsynchronised").Max(e => e.EndMs!.Value);
        await client.WaitForAsync("/api/triangles?venue=binance-spot&limit=500", (_, b) => Recent(b).Any(e => e.EndMs is null && e.StartMs >= closedAt), Deadline);
        Assert.Contains("book feed", node.Stdout, StringComparison.Ordinal);

        // Hot reload, invalid: rejected with file, JSON path and rule; the config in force stays (its episodes stay open).
        File.WriteAllText(ConfigFile, File.ReadAllText(ConfigFile).Replace("\"min_net_return\": -0.5", "\"min_net_return\": \"low\"", StringComparison.Ordinal));
        // The watcher may see the file half written first (rejected as unreadable JSON): wait for the rule's rejection.
        static string? Rejection(string stdout) => stdout.Split('\n').FirstOrDefault(l =>
            l.Contains("rejected on reload; the config in force stays", StringComparison.Ordinal) && l.Contains("$.min_net_return", StringComparison.Ordinal));
        await FaultDrills.UntilAsync(() => Task.FromResult(Rejection(node.Stdout) is not null), "the rejection of the invalid file", Deadline, node);
        var rejection = Rejection(node.Stdout)!;
        Assert.Contains("tri_binance.json", rejection, StringComparison.Ordinal);
        Assert.Contains("$.min_net_return", rejection, StringComparison.Ordinal);
        Assert.Contains("[type]", rejection, StringComparison.Ordinal);
        var stillOpen = (await client.GetAsync("/api/triangles?venue=binance-spot&limit=500")).Body;
        Assert.DoesNotContain(Recent(stillOpen), e => e.EndedBy == "Reconfigured");

        // Hot reload, valid and changed: the running config's episodes close as reconfigured.
        WriteConfig(fee: "0.001", minNetReturn: "-0.5", stalenessMs: 6000);
        await client.WaitForAsync("/api/triangles?venue=binance-spot&limit=500", (_, b) => Recent(b).Any(e => e.EndedBy == "Reconfigured"), Deadline);
        Assert.Contains("tri_binance on binance-spot, taker fee 0.001", node.Stdout, StringComparison.Ordinal);
        Assert.True(DateTimeOffset.UtcNow > dropped);
    }

    [Fact]
    public async Task Live_mode_reads_the_account_fee_from_the_spot_account_and_refuses_to_start_when_it_cannot()
    {
        WriteConfig(fee: "\"account\"", minNetReturn: "0.0005", stalenessMs: 5000);
        await using var sim = await SpotTriangleTape.StartSimulatorAsync(speed: 1, spotTakerBps: 7.5m); // neither the paper default nor a round number
        sim.Control.FailNext(new FaultRule(FaultKind.ServerError, Count: 1000, PathContains: "/api/v3/account"));
        var env = NodeEnvironment(sim, null);
        env["ARB__Exchange__Mode"] = "live";
        env["ARB__Exchange__ApiKey"] = sim.Options.ApiKey;
        env["ARB__Exchange__ApiSecret"] = sim.Options.ApiSecret;

        await using (var refused = NodeProcess.Start(_work, env))
        {
            Assert.NotEqual(0, await refused.WaitExitAsync(Deadline));
            var line = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("arbitrage-node: live mode refused: triangle config(s) tri_binance in ", line, StringComparison.Ordinal);
            Assert.Contains("\"taker_fee\": \"account\"", line, StringComparison.Ordinal);
            Assert.Contains("GET /api/v3/account", line, StringComparison.Ordinal);
        }

        sim.Control.ClearFaults();
        await using var node = NodeProcess.Start(_work, env);
        await node.WaitListeningAsync(Deadline);
        // The simulator's spot account: taker 7.5 bps.
        Assert.True(node.Stdout.Contains("\"account\" taker fee of tri_binance = 0.00075 ", StringComparison.Ordinal), node.Stdout);
        await FaultDrills.UntilAsync(() => Task.FromResult(node.Stdout.Contains("tri_binance on binance-spot, taker fee 0.00075 (account)", StringComparison.Ordinal)),
            "the keeper running the config on the account's fee", Deadline, node);
    }

    private void WriteConfig(string fee, string minNetReturn, long stalenessMs) =>
        File.WriteAllText(ConfigFile, $$"""
            {
              "id": "tri_binance",
              "venue": "binance-spot",
              "symbols": ["BTC/USDT", "ETH/USDT", "ETH/BTC"],
              "start_assets": { "USDT": 100 },
              "taker_fee": {{fee}},
              "min_net_return": {{minNetReturn}},
              "staleness_ms": {{stalenessMs}},
              "enabled": true
            }
            """);

    private Dictionary<string, string> NodeEnvironment(SimulatorHost sim, string? invite)
    {
        var env = NodeProcess.TestEnvironment(_work, invite);
        var origin = sim.BaseUrl.ToString().TrimEnd('/');
        var ws = "ws" + origin["http".Length..];
        env["ARB__Paths__Strategies"] = Path.Combine(_work, "strategies");
        env["ARB__Exchange__Kind"] = "binance";
        env["ARB__Exchange__RestUrl"] = origin;
        env["ARB__Exchange__SpotRestUrl"] = origin;
        env["ARB__Exchange__WsUrl"] = ws;
        env["ARB__Exchange__SpotWsUrl"] = ws;
        env["ARB__Exchange__Symbols__0"] = "BTCUSDT";
        return env;
    }

    private sealed record Episode(long StartMs, long? EndMs, string? EndedBy);

    private static List<Episode> Recent(JsonElement view) =>
        view.GetProperty("recent").EnumerateArray()
            .Select(e => new Episode(
                e.GetProperty("startMs").GetInt64(),
                e.GetProperty("endMs").ValueKind == JsonValueKind.Null ? null : e.GetProperty("endMs").GetInt64(),
                e.GetProperty("endedBy").ValueKind == JsonValueKind.Null ? null : e.GetProperty("endedBy").GetString()))
            .ToList();

    /// <summary>The value of <paramref name="name"/>{venue="binance-spot"} in a Prometheus text page (0 when absent).</summary>
    private static double Metric(string page, string name)
    {
        var prefix = name + "{venue=\"binance-spot\"} ";
        var line = page.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }
}
