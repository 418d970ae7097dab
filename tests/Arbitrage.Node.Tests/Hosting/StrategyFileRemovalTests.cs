using System.Net;
using System.Text.Json;
using Arbitrage.Node.Tests.Live;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// A real node (offline demo) over its own copy of strategies/: deleting a strategy file stops that strategy — a warning
/// line, <c>StrategyFileRemoved</c> on the SSE <c>strategies</c> stream, and <c>/api/strategies</c> no longer lists it —
/// while the others keep running.
/// </summary>
public sealed class StrategyFileRemovalTests : IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-strategy-removal", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        Copy(RepoPaths.Strategies, Path.Combine(_work, "strategies"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        TestDatabases.DeleteQuietly(_work);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Deleting_a_strategy_file_stops_the_strategy_and_says_so()
    {
        var invite = "boot-" + Guid.NewGuid().ToString("N");
        var env = NodeProcess.TestEnvironment(_work, invite);
        env["ARB__Paths__Strategies"] = Path.Combine(_work, "strategies");
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        await using var node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", tape);
        using var client = new NodeClient(await node.WaitListeningAsync(TimeSpan.FromSeconds(120)));
        await client.RegisterAndLoginAsync(invite);
        await client.WaitForAsync("/api/strategies", (s, b) => s == HttpStatusCode.OK && Ids(b).Contains("v52_8signals"), TimeSpan.FromSeconds(60));
        await using var sse = await SseClient.OpenAsync(client.Http, "/api/stream?topics=strategies", client.Token);
        Assert.Equal("ready", (await sse.NextAsync()).Type);

        File.Delete(Path.Combine(_work, "strategies", "v52_8signals.json"));

        var removed = await sse.NextAsync(seconds: 30);
        Assert.Equal("StrategyFileRemoved", removed.Type);
        var data = JsonDocument.Parse(removed.Data).RootElement;
        Assert.Equal("v52_8signals", data.GetProperty("strategyId").GetString());
        Assert.EndsWith("v52_8signals.json", data.GetProperty("file").GetString(), StringComparison.Ordinal);

        var listed = await client.WaitForAsync("/api/strategies", (s, b) => s == HttpStatusCode.OK && !Ids(b).Contains("v52_8signals"), TimeSpan.FromSeconds(10));
        Assert.Contains("v51_baseline", Ids(listed));
        Assert.Contains(node.Stdout.Split('\n'), l => l.Contains(" WRN] ", StringComparison.Ordinal) && l.Contains("strategy v52_8signals", StringComparison.Ordinal) && l.Contains("stopped", StringComparison.Ordinal));
    }

    private static string[] Ids(JsonElement strategies) =>
        strategies.ValueKind == JsonValueKind.Array ? strategies.EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToArray() : [];

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.GetDirectories(from))
        {
            Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
