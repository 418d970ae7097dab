using System.Net;
using System.Text.Json;
using Arbitrage.Node.Tests.Live;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.MultiNode;

/// <summary>
/// Two real node processes on one PostgreSQL journal form a cluster: node A runs the engine (the symbol shards and
/// every singleton); node B has only the <c>bridge</c> role, so everything it serves comes from node A through
/// proxies, shard regions and pub-sub — the messages cross nodes through our versioned serializers. B reads the
/// risk state, positions, strategies and indicators, streams A's signals, trades and risk events, and its kill
/// switch reaches A's risk guard. Neither log may show a serialization failure.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TwoNodeReadTests : IAsyncLifetime
{
    private const string Invite = "boot-two-nodes";
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-two-nodes", Guid.NewGuid().ToString("N"));
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
    public async Task The_node_that_hosts_nothing_reads_risk_positions_strategies_and_indicators_and_streams_the_engine()
    {
        _schema = await FreshPostgresSchema.CreateAsync();
        var postgres = _schema.ConnectionString;
        var strategies = ClusterTestFiles.Strategies(_work);
        var jwtKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        var portA = ClusterTestFiles.FreePort();
        var seed = $"akka.tcp://arbitrage@127.0.0.1:{portA}";

        Dictionary<string, string> Env(string name, int port, string role, string? invite)
        {
            var env = NodeProcess.TestEnvironment(Path.Combine(_work, name), invite);
            env["ARB__Storage__Postgres"] = postgres;
            env["ARB__Paths__Strategies"] = strategies;
            env["ARB__Auth__JwtKey"] = jwtKey;
            env["ARB__Cluster__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["ARB__Cluster__Seeds__0"] = seed;
            env["ARB__Cluster__Roles__0"] = role;
            return env;
        }

        Directory.CreateDirectory(Path.Combine(_work, "a"));
        Directory.CreateDirectory(Path.Combine(_work, "b"));
        await using var a = NodeProcess.Start(Path.Combine(_work, "a"), Env("a", portA, "engine", Invite), "--exchange", "sim", "--tape", ClusterTestFiles.Tape, "--speed", "1000");
        using var clientA = new NodeClient(await a.WaitListeningAsync(TimeSpan.FromSeconds(60)));
        await clientA.RegisterAndLoginAsync(Invite);

        await using var b = NodeProcess.Start(Path.Combine(_work, "b"), Env("b", ClusterTestFiles.FreePort(), "bridge", null), "--exchange", "sim", "--tape", ClusterTestFiles.Tape, "--speed", "1000");
        using var clientB = new NodeClient(await b.WaitListeningAsync(TimeSpan.FromSeconds(60)));
        await clientB.LoginAsync(); // one user table, one JWT key: the admin registered on A logs in on B
        await clientB.WaitForAsync("/api/health", (s, h) => s == HttpStatusCode.OK && h.GetProperty("cluster").GetProperty("members").GetInt32() == 2, TimeSpan.FromSeconds(60));

        await using var stream = await SseClient.OpenAsync(clientB.Http, "/api/stream?topics=signals,trades,risk", clientB.Token);
        // Reads from the node that hosts nothing (it used to answer 503: the reply fell back to Newtonsoft and failed on B).
        var risk = await clientB.WaitForAsync("/api/risk", (s, _) => s == HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        Assert.False(risk.GetProperty("killSwitch").GetBoolean());
        Assert.True(risk.GetProperty("executorReady").GetBoolean());
        var positions = await clientB.WaitForAsync("/api/positions", (s, _) => s == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.Equal(JsonValueKind.Array, positions.ValueKind);
        var list = await clientB.WaitForAsync("/api/strategies", (s, _) => s == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.Contains(list.EnumerateArray(), s => s.GetProperty("id").GetString() == "wire_check");
        var indicators = await clientB.WaitForAsync(
            "/api/indicators/BTCUSD_PERP", (s, i) => s == HttpStatusCode.OK && i.GetProperty("trades").GetInt64() > 0, TimeSpan.FromSeconds(30));
        Assert.Equal("BTCUSD_PERP", indicators.GetProperty("symbol").GetString());

        // The engine's pub-sub topics reach B's live stream (opened before the reads: the tape may be over by the time they
        // answer on a loaded machine; signals, trades and risk events are few, so they wait in the stream); B's kill
        // switch reaches A's risk guard.
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            async Task SeeAsync(string type)
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
                while (!seen.Contains(type))
                {
                    Assert.False(deadline.IsCancellationRequested, $"B's stream never showed {type}; saw {string.Join(", ", seen)}");
                    seen.Add((await stream.NextAsync(seconds: 90)).Type);
                }
            }

            await SeeAsync("SignalEmitted");
            await SeeAsync("TradeClosed");

            var (killStatus, kill) = await clientB.PostAsync("/api/ops/kill", new { reason = "from node B" });
            Assert.True(killStatus == HttpStatusCode.OK, $"kill from B: {(int)killStatus} {kill}");
            await SeeAsync("KillSwitchEngaged");
        }

        // Indicator ticks too (one per symbol per tick, so a stream of its own: heartbeat ticks go on after the tape).
        await using (var indicatorStream = await SseClient.OpenAsync(clientB.Http, "/api/stream?topics=indicators", clientB.Token))
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while ((await indicatorStream.NextAsync(seconds: 90)).Type != "IndicatorSnapshot")
            {
                Assert.False(deadline.IsCancellationRequested, "B's stream never showed IndicatorSnapshot");
            }
        }

        var onA = await clientA.WaitForAsync("/api/risk", (s, r) => s == HttpStatusCode.OK && r.GetProperty("killSwitch").GetBoolean(), TimeSpan.FromSeconds(10));
        Assert.Equal("admin", onA.GetProperty("killedBy").GetString());
        var (resumeStatus, resume) = await clientB.PostAsync("/api/ops/resume");
        Assert.True(resumeStatus == HttpStatusCode.OK, $"resume from B: {(int)resumeStatus} {resume}");
        await clientB.WaitForAsync("/api/risk", (s, r) => s == HttpStatusCode.OK && !r.GetProperty("killSwitch").GetBoolean(), TimeSpan.FromSeconds(10));

        foreach (var (name, node) in new[] { ("A", a), ("B", b) })
        {
            var output = node.Stdout + node.Stderr;
            foreach (var failure in new[] { "would cross nodes", "Failed to serialize", "Deserialization failed", "serializer id [1]" })
            {
                Assert.False(output.Contains(failure, StringComparison.Ordinal), $"node {name} logged '{failure}':\n{output}");
            }
        }
    }
}
