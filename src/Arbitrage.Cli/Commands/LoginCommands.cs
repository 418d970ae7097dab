using System.CommandLine;
using System.Text.RegularExpressions;
using Arbitrage.Cli.Bridge;
using Spectre.Console;

namespace Arbitrage.Cli.Commands;

/// <summary><c>arbctl login</c>, <c>arbctl register</c> and <c>arbctl logout</c>.</summary>
internal static partial class LoginCommands
{
    /// <summary>Where scripts may put the password instead of piping it (<c>--password-stdin</c>) or typing it.</summary>
    public const string PasswordVariable = "ARBCTL_PASSWORD";

    public static Command Login()
    {
        var url = UrlOption();
        var user = new Option<string>("--user", "-u") { Description = "Username.", Required = true };
        var stdin = PasswordStdinOption();
        var json = CommandRunner.JsonOption();
        var command = new Command("login", $"Log in to a node; stores the URL and tokens (owner-only file, ${CredentialStore.PathVariable} overrides the path). Password: --password-stdin, ${PasswordVariable} or a prompt.")
        {
            url, user, stdin, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var baseUrl = CheckedUrl(parse.GetValue(url)!);

            var password = await ReadPasswordAsync(parse.GetValue(stdin), confirm: false, ct).ConfigureAwait(false);
            var store = CredentialStore.Default();
            using var client = new BridgeClient(store, null, baseUrl);
            var credentials = await client.LoginAsync(parse.GetValue(user)!, password, ct).ConfigureAwait(false);
            PrintSession(credentials, parse.GetValue(json), "Logged in to");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// <c>arbctl register --invite CODE --user NAME</c>: creates the account with a single-use invite
    /// (<c>POST /api/auth/register</c>), then logs in and stores the session as <c>login</c> does.
    /// </summary>
    public static Command Register()
    {
        var url = UrlOption();
        var invite = new Option<string>("--invite") { Description = "The single-use invite code (from an admin: arbctl admin invite --role ROLE; the first admin's is ARB__Auth__BootstrapInvite).", Required = true };
        var user = new Option<string>("--user", "-u") { Description = "The username to create: 3 to 32 letters, digits, '.', '_' or '-' (stored in lower case).", Required = true };
        var stdin = PasswordStdinOption();
        var json = CommandRunner.JsonOption();
        var command = new Command("register", $"Create your account on a node with an invite, then log in and store the session like login. Password (12 to 256 characters): --password-stdin, ${PasswordVariable} or a prompt (asked twice).")
        {
            url, invite, user, stdin, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var baseUrl = CheckedUrl(parse.GetValue(url)!);
            var code = parse.GetValue(invite)!.Trim();
            if (code.Length is 0 or > 200)
            {
                throw new ArbctlException(ExitCodes.Usage, "--invite: the invite code is empty or longer than 200 characters");
            }

            var username = parse.GetValue(user)!.Trim();
            if (!UsernamePattern().IsMatch(username))
            {
                throw new ArbctlException(ExitCodes.Usage, $"--user: '{username}' is not a valid username: 3 to 32 letters, digits, '.', '_' or '-'");
            }

            var password = await ReadPasswordAsync(parse.GetValue(stdin), confirm: true, ct).ConfigureAwait(false);
            if (password.Length is < MinPasswordLength or > MaxPasswordLength)
            {
                throw new ArbctlException(ExitCodes.Usage, $"the password must have {MinPasswordLength} to {MaxPasswordLength} characters (got {password.Length})");
            }

            var store = CredentialStore.Default();
            using var client = new BridgeClient(store, null, baseUrl);
            var registered = await client.RegisterAsync(code, username, password, ct).ConfigureAwait(false);
            var credentials = await client.LoginAsync(registered.Username, password, ct).ConfigureAwait(false);
            PrintSession(credentials, parse.GetValue(json), $"Registered {registered.Username} ({registered.Role}) and logged in to");
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Logout()
    {
        var command = new Command("logout", "Revoke the stored session on the node and delete the credentials file.");
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var store = CredentialStore.Default();
            var credentials = store.Load();
            if (credentials is null)
            {
                await System.Console.Error.WriteLineAsync("arbctl: not logged in").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            using var client = new BridgeClient(store, credentials, credentials.Url);
            await client.LogoutAsync(ct).ConfigureAwait(false);
            System.Console.Out.WriteLine("logged out");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private const int MinPasswordLength = 12;
    private const int MaxPasswordLength = 256;

    private static Option<string> UrlOption() =>
        new("--url") { Description = "The node's HTTP bridge.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };

    private static Option<bool> PasswordStdinOption() =>
        new("--password-stdin") { Description = "Read the password from the first line of standard input." };

    private static string CheckedUrl(string baseUrl) =>
        Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? baseUrl
            : throw new ArbctlException(ExitCodes.Usage, $"--url: '{baseUrl}' is not an http(s) URL");

    /// <summary>
    /// The password from the first line of standard input (<c>--password-stdin</c>), else <c>$ARBCTL_PASSWORD</c>, else a
    /// prompt that does not echo (twice when <paramref name="confirm"/>); never from the command line, where every
    /// user of the machine could read it.
    /// </summary>
    private static async Task<string> ReadPasswordAsync(bool fromStdin, bool confirm, CancellationToken ct)
    {
        string? password;
        if (fromStdin)
        {
            password = await System.Console.In.ReadLineAsync(ct).ConfigureAwait(false);
        }
        else if (Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } fromEnvironment)
        {
            password = fromEnvironment;
        }
        else if (System.Console.IsInputRedirected)
        {
            throw new ArbctlException(ExitCodes.Usage, $"no terminal to prompt for the password: pass --password-stdin and pipe it in, or set {PasswordVariable}");
        }
        else
        {
            password = await new TextPrompt<string>("Password:").Secret().ShowAsync(AnsiConsole.Console, ct).ConfigureAwait(false);
            if (confirm)
            {
                var again = await new TextPrompt<string>("Repeat the password:").Secret().ShowAsync(AnsiConsole.Console, ct).ConfigureAwait(false);
                if (!string.Equals(password, again, StringComparison.Ordinal))
                {
                    throw new ArbctlException(ExitCodes.Usage, "the two passwords differ");
                }
            }
        }

        return string.IsNullOrEmpty(password) ? throw new ArbctlException(ExitCodes.Usage, "empty password") : password;
    }

    private static void PrintSession(Credentials credentials, bool json, string what)
    {
        if (json)
        {
            System.Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { url = credentials.Url, username = credentials.Username, role = credentials.Role, refreshExpiresAt = credentials.RefreshExpiresAt }));
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"{what} [bold]{credentials.Url}[/] as [bold]{credentials.Username}[/] ({credentials.Role}); session valid until {credentials.RefreshExpiresAt:yyyy-MM-dd HH:mm} UTC.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{3,32}$")]
    private static partial Regex UsernamePattern();
}
