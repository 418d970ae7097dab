using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Topics;
using Arbitrage.Node.Tests.Live;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>
/// arbctl as a child process against the bridge test host (real Kestrel, auth, ops with a fake risk target,
/// live stream, diagnostics). Each test has its own credentials file.
/// </summary>
[Collection(BridgeHostCollection.Name)]
public sealed class ArbctlEndToEndTests(BridgeHost host) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("arbctl-tests-").FullName;

    private string Config => Path.Combine(_directory, "nested", "credentials.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<(int Exit, string Stdout, string Stderr)> Arbctl(params string[] args) => ArbctlProcess.RunAsync(Config, null, args);

    private async Task LoginAsync(string user)
    {
        var (exit, stdout, stderr) = await ArbctlProcess.RunAsync(Config, BridgeHost.Password, "login", "--url", host.Url, "--user", user, "--password-stdin", "--json");
        Assert.True(exit == 0, $"login exit {exit}: {stderr}");
        Assert.Equal(user, JsonDocument.Parse(stdout).RootElement.GetProperty("username").GetString());
    }

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement;

    [Fact]
    public async Task Logs_in_kills_checks_status_and_resumes()
    {
        await LoginAsync("operator");
        var text = await File.ReadAllTextAsync(Config);
        Assert.DoesNotContain(BridgeHost.Password, text);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Config));
        }

        var kill = await Arbctl("risk", "kill", "--reason", "e2e test", "--json");
        Assert.True(kill.Exit == 0, kill.Stderr);
        Assert.Equal("done", Json(kill.Stdout).GetProperty("status").GetString());

        var status = await Arbctl("risk", "status", "--json");
        Assert.True(status.Exit == 0, status.Stderr);
        Assert.True(Json(status.Stdout).GetProperty("killSwitch").GetBoolean());
        Assert.Equal("operator", Json(status.Stdout).GetProperty("killedBy").GetString());

        var table = await Arbctl("risk", "status");
        Assert.Equal(0, table.Exit);
        Assert.Contains("killSwitch", table.Stdout);

        var resume = await Arbctl("risk", "resume", "--json");
        Assert.True(resume.Exit == 0, resume.Stderr);
        var after = await Arbctl("risk", "status", "--json");
        Assert.False(Json(after.Stdout).GetProperty("killSwitch").GetBoolean());
    }

    [Fact]
    public async Task An_expired_access_token_is_refreshed_and_the_rotated_pair_saved()
    {
        await LoginAsync("viewer");
        var stored = JsonDocument.Parse(await File.ReadAllTextAsync(Config)).RootElement;
        var oldRefresh = stored.GetProperty("refreshToken").GetString();
        await File.WriteAllTextAsync(Config, (await File.ReadAllTextAsync(Config)).Replace(stored.GetProperty("accessToken").GetString()!, "expired.or.garbage"));

        var status = await Arbctl("risk", "status", "--json");
        Assert.True(status.Exit == 0, status.Stderr);
        var rotated = JsonDocument.Parse(await File.ReadAllTextAsync(Config)).RootElement;
        Assert.NotEqual(oldRefresh, rotated.GetProperty("refreshToken").GetString());
        Assert.NotEqual("expired.or.garbage", rotated.GetProperty("accessToken").GetString());
    }

    [Fact]
    public async Task Exit_codes_say_what_went_wrong()
    {
        var notLoggedIn = await Arbctl("risk", "status");
        Assert.Equal(4, notLoggedIn.Exit);
        Assert.Contains("arbctl login", notLoggedIn.Stderr);

        await LoginAsync("viewer");
        var forbidden = await Arbctl("risk", "kill", "--reason", "viewer tries");
        Assert.Equal(4, forbidden.Exit);
        Assert.Contains("forbidden", forbidden.Stderr);

        var usage = await Arbctl("risk", "kill");
        Assert.Equal(2, usage.Exit);

        var badPassword = await ArbctlProcess.RunAsync(Config, "wrong password!", "login", "--url", host.Url, "--user", "viewer", "--password-stdin");
        Assert.Equal(4, badPassword.Exit);

        // Both tokens unusable: the refresh fails and the user is told to log in again.
        var stored = await File.ReadAllTextAsync(Config);
        var doc = JsonDocument.Parse(stored).RootElement;
        await File.WriteAllTextAsync(Config, stored.Replace(doc.GetProperty("accessToken").GetString()!, "x.y.z").Replace(doc.GetProperty("refreshToken").GetString()!, "revoked"));
        var expired = await Arbctl("risk", "status");
        Assert.Equal(4, expired.Exit);
        Assert.Contains("login again", expired.Stderr);

        // A node that is not there.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await File.WriteAllTextAsync(Config, stored.Replace(doc.GetProperty("url").GetString()!, $"http://127.0.0.1:{closedPort}"));
        var unreachable = await Arbctl("risk", "status");
        Assert.Equal(3, unreachable.Exit);
        Assert.Contains("cannot reach the node", unreachable.Stderr);
    }

    [Fact]
    public async Task Admin_sees_cluster_actors_and_users()
    {
        await LoginAsync("admin");
        var cluster = await Arbctl("cluster", "show", "--json");
        Assert.True(cluster.Exit == 0, cluster.Stderr);
        Assert.Equal("Up", Json(cluster.Stdout).GetProperty("members")[0].GetProperty("status").GetString());

        var tree = await Arbctl("actors", "tree", "--depth", "2");
        Assert.True(tree.Exit == 0, tree.Stderr);
        Assert.Contains("dead-letters", tree.Stdout);

        var users = await Arbctl("admin", "users", "--json");
        Assert.Contains(Json(users.Stdout).EnumerateArray(), u => u.GetProperty("username").GetString() == "operator");
    }

    [Fact]
    public async Task Signals_tail_prints_published_signals_for_the_symbol()
    {
        await LoginAsync("viewer");
        await using var tail = ArbctlProcess.Start(Config, null, "signals", "tail", "--symbol", "BTCUSDT", "--count", "1", "--json");
        await BridgeHost.EventuallyAsync(() => Task.FromResult(tail.Stderr.Contains("streaming")), "the tail to be subscribed", seconds: 30);

        var id = "tail-" + Guid.NewGuid().ToString("N");
        host.Mediator.Tell(new Publish(EngineTopics.Signals, Signal(id + "-eth", "ETHUSDT")), ActorRefs.NoSender);
        host.Mediator.Tell(new Publish(EngineTopics.Signals, Signal(id, "BTCUSDT")), ActorRefs.NoSender);

        Assert.Equal(0, await tail.WaitAsync(TimeSpan.FromSeconds(30)));
        var line = Json(tail.Stdout.Trim());
        Assert.Equal("SignalEmitted", line.GetProperty("event").GetString());
        Assert.Equal(id, line.GetProperty("data").GetProperty("signalId").GetString());
    }

    private static SignalEmitted Signal(string id, string symbol) =>
        new(id, "tail-test", "1", symbol, Direction.Short, 1_700_000_000_000, 70, 60, 100, 2, 103, 97, 94, []);
}
