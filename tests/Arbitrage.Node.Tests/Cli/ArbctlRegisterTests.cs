using System.Net;
using System.Text.Json;
using Arbitrage.Node.Tests.Live;

namespace Arbitrage.Node.Tests.Cli;

/// <summary><c>arbctl register</c> as a child process against the bridge test host: invite → account → stored session.</summary>
[Collection(BridgeHostCollection.Name)]
public sealed class ArbctlRegisterTests(BridgeHost host) : IDisposable
{
    private const string NewPassword = "a brand new passphrase 7";
    private readonly string _directory = Directory.CreateTempSubdirectory("arbctl-register-").FullName;

    private string Config => Path.Combine(_directory, "credentials.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<string> InviteAsync(string role)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/admin/invites", host.Tokens["admin"], new { role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await BridgeHost.JsonAsync(response)).GetProperty("code").GetString()!;
    }

    private static string NewUser() => "reg-" + Guid.NewGuid().ToString("N")[..10];

    private Task<(int Exit, string Stdout, string Stderr)> RegisterAsync(string? stdin, IReadOnlyDictionary<string, string>? env, params string[] args) =>
        ArbctlProcess.RunAsync(Config, stdin, env, ["register", "--url", host.Url, .. args]);

    [Fact]
    public async Task Registers_with_an_invite_then_is_logged_in_with_the_session_stored()
    {
        var user = NewUser();
        var invite = await InviteAsync("operator");

        var (exit, stdout, stderr) = await RegisterAsync(NewPassword, null, "--invite", invite, "--user", user.ToUpperInvariant(), "--password-stdin", "--json");

        Assert.True(exit == 0, $"register exit {exit}: {stderr}");
        var answer = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(user, answer.GetProperty("username").GetString()); // stored in lower case
        Assert.Equal("operator", answer.GetProperty("role").GetString());
        var stored = await File.ReadAllTextAsync(Config);
        Assert.DoesNotContain(NewPassword, stored, StringComparison.Ordinal);
        Assert.Contains("refreshToken", stored, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Config));
        }

        // The stored session works for the next command, with the invite's role.
        var kill = await ArbctlProcess.RunAsync(Config, null, "risk", "kill", "--reason", "registered operator", "--json");
        Assert.True(kill.Exit == 0, kill.Stderr);
        var status = await ArbctlProcess.RunAsync(Config, null, "risk", "status", "--json");
        Assert.Equal(user, JsonDocument.Parse(status.Stdout).RootElement.GetProperty("killedBy").GetString());
        Assert.Equal(0, (await ArbctlProcess.RunAsync(Config, null, "risk", "resume")).Exit);

        // The invite was single-use: a second registration with it is refused as unauthorised.
        var again = await RegisterAsync(NewPassword, null, "--invite", invite, "--user", NewUser(), "--password-stdin");
        Assert.Equal(4, again.Exit);
        Assert.Contains("refused the invite", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("arbctl admin invite", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Takes_the_password_from_ARBCTL_PASSWORD_for_scripts()
    {
        var user = NewUser();
        var env = new Dictionary<string, string> { ["ARBCTL_PASSWORD"] = NewPassword };

        var (exit, stdout, stderr) = await RegisterAsync(null, env, "--invite", await InviteAsync("viewer"), "--user", user, "--json");

        Assert.True(exit == 0, $"register exit {exit}: {stderr}");
        Assert.Equal("viewer", JsonDocument.Parse(stdout).RootElement.GetProperty("role").GetString());
        var login = await ArbctlProcess.RunAsync(Config, null, env, "login", "--url", host.Url, "--user", user, "--json");
        Assert.True(login.Exit == 0, login.Stderr);
    }

    [Fact]
    public async Task Exit_codes_say_what_went_wrong()
    {
        // An unknown invite: unauthorised (4); nothing stored.
        var unknown = await RegisterAsync(NewPassword, null, "--invite", "not-an-invite", "--user", NewUser(), "--password-stdin");
        Assert.Equal(4, unknown.Exit);
        Assert.False(File.Exists(Config));

        // Taken username: an error (1), and the invite stays usable.
        var invite = await InviteAsync("viewer");
        var taken = await RegisterAsync(NewPassword, null, "--invite", invite, "--user", "viewer", "--password-stdin");
        Assert.Equal(1, taken.Exit);
        Assert.Contains("already taken", taken.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await RegisterAsync(NewPassword, null, "--invite", invite, "--user", NewUser(), "--password-stdin")).Exit);

        // Usage (2): a password the node would refuse, a bad username, no password source, a missing --invite.
        var shortPassword = await RegisterAsync("too short", null, "--invite", await InviteAsync("viewer"), "--user", NewUser(), "--password-stdin");
        Assert.Equal(2, shortPassword.Exit);
        Assert.Contains("12 to 256", shortPassword.Stderr, StringComparison.Ordinal);
        var badName = await RegisterAsync(NewPassword, null, "--invite", "whatever", "--user", "no spaces allowed", "--password-stdin");
        Assert.Equal(2, badName.Exit);
        Assert.Contains("--user", badName.Stderr, StringComparison.Ordinal);
        var noPassword = await RegisterAsync(null, null, "--invite", "whatever", "--user", NewUser());
        Assert.Equal(2, noPassword.Exit);
        Assert.Contains("ARBCTL_PASSWORD", noPassword.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, (await RegisterAsync(NewPassword, null, "--user", NewUser(), "--password-stdin")).Exit);
    }
}
