using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Arbitrage.Node.Hosting;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// Real node processes on one machine: a second node on the same SQLite data directory or the same port
/// stops at once with one line (exit 2) and leaves the first running; a SIGKILLed node's data directory
/// is usable again at once (the OS lock died with it; the stale lock file does not matter).
/// </summary>
public sealed class NodeExclusivityTests : IDisposable
{
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-node-tests", Guid.NewGuid().ToString("N"));

    public NodeExclusivityTests()
    {
        Directory.CreateDirectory(_work);
    }

    public void Dispose() => TestDatabases.DeleteQuietly(_work);

    private static string Tape => Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");

    private static string[] SimArgs => ["--exchange", "sim", "--tape", Tape, "--speed", "max"];

    private Dictionary<string, string> Env(string name, Dictionary<string, string>? overrides = null)
    {
        var env = NodeProcess.TestEnvironment(Path.Combine(_work, name));
        foreach (var (k, v) in overrides ?? [])
        {
            env[k] = v;
        }

        return env;
    }

    [Fact]
    public async Task A_second_node_on_the_same_data_directory_exits_2_naming_the_directory_and_the_first_nodes_pid()
    {
        var dataDir = Path.Combine(_work, "shared-data");
        await using var first = NodeProcess.Start(_work, Env("a", new() { ["ARB__Storage__DataDir"] = dataDir }), SimArgs);
        var url = await first.WaitListeningAsync(StartLimit);

        await using var second = NodeProcess.Start(_work, Env("b", new() { ["ARB__Storage__DataDir"] = dataDir }), SimArgs);
        Assert.Equal(2, await second.WaitExitAsync(ExitLimit));

        var line = Assert.Single(second.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(dataDir, line, StringComparison.Ordinal);
        Assert.Contains($"pid {first.Id}", line, StringComparison.Ordinal);
        Assert.Contains("ARB__Storage__DataDir", line, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", second.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work, "b", "logs")), "the second node started nothing");

        using var http = new HttpClient { BaseAddress = url };
        var health = await http.GetFromJsonAsync<JsonElement>("/api/health");
        Assert.True(health.GetProperty("persistence").GetProperty("ok").GetBoolean());
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task A_second_node_on_the_same_HTTP_port_exits_2_before_touching_its_data_directory()
    {
        await using var first = NodeProcess.Start(_work, Env("a"), SimArgs);
        var url = await first.WaitListeningAsync(StartLimit);

        var secondData = Path.Combine(_work, "b", "data");
        await using var second = NodeProcess.Start(_work, Env("b", new() { ["ARB__Http__Urls"] = $"http://127.0.0.1:{url.Port}" }), SimArgs);
        Assert.Equal(2, await second.WaitExitAsync(ExitLimit));

        var line = Assert.Single(second.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Http:Urls", line, StringComparison.Ordinal);
        Assert.Contains($"port {url.Port}", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(secondData), "the data directory was not touched");
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task A_fixed_remoting_port_in_use_exits_2_naming_Cluster_Port_before_touching_the_data_directory()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        await using var node = NodeProcess.Start(_work, Env("a"), [.. SimArgs, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(2, await node.WaitExitAsync(ExitLimit));

        var line = Assert.Single(node.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Cluster:Port", line, StringComparison.Ordinal);
        Assert.Contains($"port {port}", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work, "a", "data")), "the data directory was not touched");
    }

    [Fact]
    public async Task A_SIGKILLed_nodes_data_directory_is_reused_at_once()
    {
        var dataDir = Path.Combine(_work, "shared-data");
        var lockFile = Path.Combine(dataDir, DataDirectoryLock.FileName);
        int killedPid;
        await using (var killed = NodeProcess.Start(_work, Env("a", new() { ["ARB__Storage__DataDir"] = dataDir }), SimArgs))
        {
            await killed.WaitListeningAsync(StartLimit);
            killedPid = killed.Id;
            killed.Kill();
            await killed.WaitExitAsync(ExitLimit);
        }

        Assert.Equal(killedPid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(lockFile).Trim());

        await using var restarted = NodeProcess.Start(_work, Env("b", new() { ["ARB__Storage__DataDir"] = dataDir }), SimArgs);
        var url = await restarted.WaitListeningAsync(StartLimit);
        using var http = new HttpClient { BaseAddress = url };
        var health = await http.GetFromJsonAsync<JsonElement>("/api/health");
        Assert.True(health.GetProperty("persistence").GetProperty("ok").GetBoolean());
        Assert.Equal(restarted.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ReadShared(lockFile).Trim());
    }

    // The live holder has the file open: read it the way another process may (shared, no lock).
    private static string ReadShared(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }
}
