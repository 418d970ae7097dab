using System.CommandLine;
using Arbitrage.Cli.Bridge;
using Spectre.Console;

namespace Arbitrage.Cli.Commands;

/// <summary><c>arbctl login</c> and <c>arbctl logout</c>.</summary>
internal static class LoginCommands
{
    public static Command Login()
    {
        var url = new Option<string>("--url") { Description = "The node's HTTP bridge.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var user = new Option<string>("--user", "-u") { Description = "Username.", Required = true };
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input." };
        var json = CommandRunner.JsonOption();
        var command = new Command("login", "Log in to a node; stores the URL and tokens (owner-only file, $ARBCTL_CONFIG overrides the path).")
        {
            url, user, stdin, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var baseUrl = parse.GetValue(url)!;
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArbctlException(ExitCodes.Usage, $"--url: '{baseUrl}' is not an http(s) URL");
            }

            string? password;
            if (parse.GetValue(stdin))
            {
                password = await System.Console.In.ReadLineAsync(ct).ConfigureAwait(false);
            }
            else if (System.Console.IsInputRedirected)
            {
                throw new ArbctlException(ExitCodes.Usage, "no terminal to prompt for the password: pass --password-stdin and pipe it in");
            }
            else
            {
                password = await new TextPrompt<string>("Password:").Secret().ShowAsync(AnsiConsole.Console, ct).ConfigureAwait(false);
            }

            if (string.IsNullOrEmpty(password))
            {
                throw new ArbctlException(ExitCodes.Usage, "empty password");
            }

            var store = CredentialStore.Default();
            using var client = new BridgeClient(store, null, baseUrl);
            var credentials = await client.LoginAsync(parse.GetValue(user)!, password, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                System.Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { url = credentials.Url, username = credentials.Username, role = credentials.Role, refreshExpiresAt = credentials.RefreshExpiresAt }));
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"Logged in to [bold]{credentials.Url}[/] as [bold]{credentials.Username}[/] ({credentials.Role}); session valid until {credentials.RefreshExpiresAt:yyyy-MM-dd HH:mm} UTC.");
            }

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
}
