using System.Net.Http.Json;
using System.Text.Json;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>arbctl against the real node process (offline: simulator over a fixture tape).</summary>
public sealed class ArbctlRealNodeTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-arbctl-node", Guid.NewGuid().ToString("N"));

    public ArbctlRealNodeTests() => Directory.CreateDirectory(_work);

    public void Dispose() => TestDatabases.DeleteQuietly(_work);

    [Fact]
    public async Task Logs_in_kills_checks_status_and_resumes_against_a_running_node()
    {
        const string invite = "bootstrap-invite-for-e2e-0123456789";
        const string password = "a long operator passphrase 42";
        var env = NodeProcess.TestEnvironment(_work, invite);
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        await using var node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", tape, "--speed", "max");
        var url = await node.WaitListeningAsync(TimeSpan.FromSeconds(60));
        using (var http = new HttpClient { BaseAddress = url })
        {
            var register = await http.PostAsJsonAsync("/api/auth/register", new { inviteCode = invite, username = "ops", password });
            Assert.True(register.IsSuccessStatusCode, await register.Content.ReadAsStringAsync());
        }

        var config = Path.Combine(_work, "arbctl.json");
        var login = await ArbctlProcess.RunAsync(config, password + "\n", "login", "--url", url.ToString().TrimEnd('/'), "--user", "ops", "--password-stdin", "--json");
        Assert.True(login.Exit == 0, login.Stderr);

        var kill = await ArbctlProcess.RunAsync(config, null, "risk", "kill", "--reason", "e2e against the node", "--json");
        Assert.True(kill.Exit == 0, kill.Stderr);
        var status = await ArbctlProcess.RunAsync(config, null, "risk", "status", "--json");
        Assert.True(status.Exit == 0, status.Stderr);
        var risk = JsonDocument.Parse(status.Stdout).RootElement;
        Assert.True(risk.GetProperty("killSwitch").GetBoolean());
        Assert.Equal("ops", risk.GetProperty("killedBy").GetString());

        var resume = await ArbctlProcess.RunAsync(config, null, "risk", "resume", "--json");
        Assert.True(resume.Exit == 0, resume.Stderr);
        var after = await ArbctlProcess.RunAsync(config, null, "risk", "status", "--json");
        Assert.False(JsonDocument.Parse(after.Stdout).RootElement.GetProperty("killSwitch").GetBoolean());

        // Both commands left an audit trail (persisted before they took effect).
        var audit = await ArbctlProcess.RunAsync(config, null, "signals", "list", "--json");
        Assert.Equal(0, audit.Exit);
        var strategies = await ArbctlProcess.RunAsync(config, null, "strategies", "list", "--json");
        Assert.True(strategies.Exit == 0, strategies.Stderr);
        Assert.Contains("v51_baseline", strategies.Stdout, StringComparison.Ordinal);

        // Each running strategy says how its scores went so far (the replay summary's line, live).
        var listed = JsonDocument.Parse(strategies.Stdout).RootElement.EnumerateArray().ToArray();
        Assert.Equal(["example_trades_only", "v51_baseline", "v52_8signals"], listed.Select(s => s.GetProperty("id").GetString()));
        Assert.All(listed, s =>
        {
            Assert.True(s.GetProperty("signals").GetInt64() >= 0);
            Assert.Matches(@"^[0-9,]+ signals?[;:] ", s.GetProperty("scoreSummary").GetString()!);
            Assert.Equal(JsonValueKind.Array, s.GetProperty("missingInputs").ValueKind);
        });
    }
}
