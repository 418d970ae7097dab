using System.Net;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.MultiNode;

/// <summary>
/// No message of ours falls back to Akka's Newtonsoft serializer. The node runs the offline demo with
/// <c>akka.actor.serialize-messages = on</c>, which serializes and deserializes every message an actor receives (what
/// any message pays when it crosses nodes) through the configured bindings; the catch-all binding refuses our types
/// without a versioned one (<c>FallbackGuardSerializer</c>), so a message that would fall back fails its send and is
/// logged. Signals, orders, fills, ops, reads and pub-sub all flow; the log must show no serialization failure.
/// Other libraries' messages pass by reference (<c>arbitrage.serialization.check-ours-only</c>): Akka.Persistence's
/// internal ones carry tasks and cannot pass Akka's check, and they are not ours to version.
/// </summary>
public sealed class SerializationCheckTests : IDisposable
{
    private const string Invite = "boot-serialization-check";
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-ser-check", Guid.NewGuid().ToString("N"));

    public SerializationCheckTests() => Directory.CreateDirectory(_work);

    public void Dispose() => TestDatabases.DeleteQuietly(_work);

    [Fact]
    public async Task Every_message_of_a_trading_node_passes_akkas_serialization_check_through_our_serializers()
    {
        var hocon = ClusterTestFiles.Hocon(_work, """
            akka.actor.serialize-messages = on
            arbitrage.serialization.check-ours-only = on
            """);
        var env = NodeProcess.TestEnvironment(_work, Invite);
        env["ARB__Paths__Hocon"] = hocon;
        env["ARB__Paths__Strategies"] = ClusterTestFiles.Strategies(_work);

        // 1000× real time: the 4.5 h tape plays in ≈ 16 s, and ATR (70 min of tape) is there after ≈ 4 s.
        await using var node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", ClusterTestFiles.Tape, "--speed", "1000");
        using var client = new NodeClient(await node.WaitListeningAsync(TimeSpan.FromSeconds(60)));
        await client.RegisterAndLoginAsync(Invite);

        // Signals persisted, sent to the risk guard, traded by the paper executor, projected and published.
        await client.WaitForAsync("/api/trades?limit=5", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() > 0, TimeSpan.FromSeconds(90));
        foreach (var read in new[] { "/api/risk", "/api/positions", "/api/strategies", "/api/indicators/BTCUSD_PERP", "/api/trades", "/api/health" })
        {
            var (status, body) = await client.GetAsync(read);
            Assert.True(status == HttpStatusCode.OK, $"GET {read}: {(int)status} {body}");
        }

        var (carryStatus, carry) = await client.GetAsync("/api/carry/BTCUSD_PERP");
        Assert.True(carryStatus == HttpStatusCode.NotFound, $"carry of a non-carry symbol: {(int)carryStatus} {carry}");

        foreach (var op in new[] { "/api/ops/kill", "/api/ops/resume", "/api/ops/strategies/wire_check/disable", "/api/ops/strategies/wire_check/enable", "/api/ops/paper/off", "/api/ops/paper/on" })
        {
            var (status, body) = await client.PostAsync(op, new { reason = "serialization check" });
            Assert.True(status == HttpStatusCode.OK, $"POST {op}: {(int)status} {body}");
        }

        var (paramsStatus, parameters) = await client.PutAsync("/api/ops/risk/parameters", new { riskPerTradeUsd = 3 });
        Assert.True(paramsStatus == HttpStatusCode.OK, $"PUT risk parameters: {(int)paramsStatus} {parameters}");
        var (closeStatus, close) = await client.PostAsync("/api/ops/positions/ETHUSD_PERP/close");
        Assert.True(closeStatus == HttpStatusCode.NotFound, $"close without a position: {(int)closeStatus} {close}");

        var output = node.Stdout + node.Stderr;
        // Each refusal with the lines after it (the message type and the serializer's reason), not a truncated string.
        var lines = output.Split('\n');
        var refused = lines
            .Select((line, i) => (line, i))
            .Where(x => x.line.Contains("Failed to serialize", StringComparison.Ordinal)
                        || x.line.Contains("would cross nodes", StringComparison.Ordinal)
                        || x.line.Contains("Newtonsoft", StringComparison.Ordinal))
            .Select(x => string.Join("\n", lines.Skip(x.i).Take(4)))
            .ToArray();
        Assert.True(refused.Length == 0, "refused on the wire:\n" + string.Join("\n---\n", refused));
        Assert.Contains("serialize-messages", File.ReadAllText(Path.Combine(hocon, "cluster.conf")), StringComparison.Ordinal);
    }
}
