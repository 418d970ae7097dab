using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>
/// <c>arbctl cluster up</c>: a simulator and two PostgreSQL-backed nodes on 127.0.0.1 form one cluster, their URLs are
/// printed, and a SIGTERM to arbctl stops every child it started.
/// </summary>
[Collection(MultiNode.ClusterCollection.Name)]
public sealed partial class ArbctlClusterUpTests : IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-cluster-up", Guid.NewGuid().ToString("N"));
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
    public async Task Starts_a_two_node_cluster_on_a_simulator_prints_its_urls_and_stops_every_child_on_sigterm()
    {
        _schema = await FreshPostgresSchema.CreateAsync();
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        var dir = Path.Combine(_work, "cluster");
        await using var arbctl = ArbctlProcess.Start(Path.Combine(_work, "arbctl.json"), null,
            "cluster", "up", "--nodes", "2", "--tape", tape, "--dir", dir, "--postgres", _schema.ConnectionString,
            "--node-dll", NodeProcess.NodeDll, "--simulator-dll", Path.Combine(AppContext.BaseDirectory, "Arbitrage.Simulator.dll"), "--timeout", "80");
        await arbctl.WaitForStdoutAsync(o => o.Contains("cluster up: 2 node(s)", StringComparison.Ordinal), TimeSpan.FromSeconds(90), "the cluster up line");

        var nodes = NodeLine().Matches(arbctl.Stdout).Select(m => (Name: m.Groups[1].Value, Url: m.Groups[2].Value, Address: m.Groups[3].Value, Pid: int.Parse(m.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture), Log: m.Groups[5].Value)).ToArray();
        Assert.Equal(["node1", "node2"], nodes.Select(n => n.Name));
        var simulator = SimulatorLine().Match(arbctl.Stdout);
        Assert.True(simulator.Success, arbctl.Stdout);
        Assert.Matches(@"bootstrap invite [0-9a-f]{32}", arbctl.Stdout);
        foreach (var node in nodes)
        {
            Assert.True(File.Exists(node.Log), node.Log);
            using var client = new NodeClient(new Uri(node.Url));
            var health = await client.WaitForAsync("/api/health", (s, h) => s == HttpStatusCode.OK && h.GetProperty("cluster").GetProperty("members").GetInt32() == 2, TimeSpan.FromSeconds(10));
            Assert.Equal(node.Address, health.GetProperty("cluster").GetProperty("address").GetString());
            Assert.Equal("postgresql", health.GetProperty("persistence").GetProperty("backend").GetString());
        }

        using (var http = new HttpClient())
        {
            Assert.True((await http.GetAsync(new Uri(new Uri(simulator.Groups[1].Value), "/sim/state"))).IsSuccessStatusCode);
        }

        var pids = nodes.Select(n => n.Pid).Append(int.Parse(simulator.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        arbctl.Terminate();
        var exit = await arbctl.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"arbctl exit {exit}:\n{arbctl.Stdout}\n{arbctl.Stderr}");
        Assert.Contains("node1 stopped", arbctl.Stdout, StringComparison.Ordinal);
        foreach (var pid in pids)
        {
            Assert.False(IsRunning(pid), $"child {pid} still runs after arbctl stopped:\n{arbctl.Stdout}");
        }
    }

    [Fact]
    public async Task Refuses_in_one_line_without_postgresql()
    {
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        var run = await ArbctlProcess.RunAsync(Path.Combine(_work, "arbctl.json"), null, new Dictionary<string, string> { ["ARB__Storage__Postgres"] = string.Empty }, "cluster", "up", "--nodes", "2", "--tape", tape);
        Assert.Equal(2, run.Exit);
        Assert.Equal("arbctl: a cluster needs PostgreSQL: pass --postgres CONNSTRING or set ARB__Storage__Postgres", run.Stderr.Trim());
    }

    [Fact]
    public async Task Names_the_path_it_tried_when_the_node_binary_is_missing()
    {
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        var missing = Path.Combine(_work, "nowhere", "Arbitrage.Node.dll");
        var run = await ArbctlProcess.RunAsync(Path.Combine(_work, "arbctl.json"), null, "cluster", "up", "--tape", tape, "--postgres", "Host=127.0.0.1", "--node-dll", missing);
        Assert.Equal(2, run.Exit);
        Assert.Contains($"--node-dll: not found at {missing}", run.Stderr, StringComparison.Ordinal);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^(node\d+) (http://127\.0\.0\.1:\d+) (akka\.tcp://arbitrage@127\.0\.0\.1:\d+) pid (\d+) log (.+)$", RegexOptions.Multiline)]
    private static partial Regex NodeLine();

    [GeneratedRegex(@"^simulator (http://127\.0\.0\.1:\d+) pid (\d+) log", RegexOptions.Multiline)]
    private static partial Regex SimulatorLine();
}
