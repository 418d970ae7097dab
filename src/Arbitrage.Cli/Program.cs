using System.CommandLine;
using Arbitrage.Cli.Commands;

var root = new RootCommand("arbctl: diagnostics and operations console for Arbitrage; also runs replays in-process.")
{
    ReplayCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
