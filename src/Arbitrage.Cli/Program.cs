using System.CommandLine;
using Arbitrage.Cli.Commands;

var root = new RootCommand("arbctl: diagnostics and operations console for Arbitrage; also runs replays in-process.")
{
    ReplayCommand.Create(),
    BacktestCommand.Create(),
    BackfillCommand.Create(),
    SweepCommand.Create(),
};

foreach (var command in ArbctlCommands.All())
{
    root.Subcommands.Add(command);
}

return await ArbctlCommands.RunAsync(root, args);
