using System.CommandLine;
using Arbitrage.Cli.Bridge;

namespace Arbitrage.Cli.Commands;

/// <summary>The bridge commands of arbctl (everything but <c>replay</c>), and the entry point mapping parse errors to exit code 2.</summary>
public static class ArbctlCommands
{
    public static IEnumerable<Command> All() =>
    [
        LoginCommands.Login(),
        LoginCommands.Register(),
        LoginCommands.Logout(),
        DiagnosticsCommands.Actors(),
        DiagnosticsCommands.Cluster(),
        DiagnosticsCommands.Diag(),
        OpsCommands.Risk(),
        OpsCommands.Strategies(),
        ReadCommands.Signals(),
        ReadCommands.Positions(),
        ReadCommands.Trades(),
        AdminCommands.Admin(),
        TrianglesCommand.Create(),
    ];

    /// <summary>Parses and runs; a usage error prints the errors and exits 2 (System.CommandLine's default is 1).</summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await System.Console.Error.WriteLineAsync("arbctl: " + error.Message).ConfigureAwait(false);
            }

            await System.Console.Error.WriteLineAsync("Run 'arbctl --help' or 'arbctl <command> --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync().ConfigureAwait(false);
    }
}
