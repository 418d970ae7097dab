using System.CommandLine;
using Arbitrage.Cli.Bridge;

namespace Arbitrage.Cli.Commands;

/// <summary>Shared plumbing of the bridge commands: <c>--json</c>, the logged-in client, and exceptions to exit codes.</summary>
internal static class CommandRunner
{
    public static Option<bool> JsonOption() => new("--json") { Description = "Print the node's JSON instead of tables (for scripts)." };

    /// <summary>A leaf command with <c>--json</c> whose action runs against the stored login.</summary>
    public static Command Leaf(string name, string description, Func<ParseResult, BridgeClient, bool, CancellationToken, Task<int>> action, params Symbol[] symbols)
    {
        var json = JsonOption();
        var command = new Command(name, description) { json };
        foreach (var s in symbols)
        {
            switch (s)
            {
                case Option o:
                    command.Options.Add(o);
                    break;
                case Argument a:
                    command.Arguments.Add(a);
                    break;
            }
        }

        command.SetAction((parse, ct) => RunAsync(async () =>
        {
            using var client = BridgeClient.FromStore(CredentialStore.Default());
            return await action(parse, client, parse.GetValue(json), ct).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>Runs <paramref name="action"/>; an <see cref="ArbctlException"/> prints its message and sets the exit code.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (ArbctlException e)
        {
            await System.Console.Error.WriteLineAsync("arbctl: " + e.Message).ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Error;
        }
        catch (IOException e)
        {
            await System.Console.Error.WriteLineAsync("arbctl: " + e.Message).ConfigureAwait(false);
            return ExitCodes.Error;
        }
    }

    /// <summary>A query string from the values that are set (escaped).</summary>
    public static string Query(params (string Name, object? Value)[] parameters)
    {
        var parts = parameters.Where(p => p.Value is not null && p.Value.ToString() is { Length: > 0 })
            .Select(p => $"{p.Name}={Uri.EscapeDataString(Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!)}")
            .ToArray();
        return parts.Length == 0 ? string.Empty : "?" + string.Join('&', parts);
    }
}
