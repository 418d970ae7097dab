using Arbitrage.Node.Hosting;
using Arbitrage.Testing;
using Microsoft.Extensions.Configuration;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// Lists in the configuration replace their defaults. The binder appends configured items to a non-empty default
/// array: with the defaults repeated in appsettings.json every symbol was watched and backfilled twice (each
/// funding-backfill warning printed twice), and <c>--symbol SOLUSDT</c> meant BTCUSDT, ETHUSDT and SOLUSDT.
/// </summary>
public sealed class NodeOptionsTests
{
    private static NodeOptions Bind(Dictionary<string, string?>? values = null, params string[] args)
    {
        var switches = NodeCommandLine.Parse(args, out var error);
        Assert.Null(error);
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.Root, "src", "Arbitrage.Node", "appsettings.json"), optional: false)
            .AddInMemoryCollection(values ?? new Dictionary<string, string?>())
            .AddInMemoryCollection(switches)
            .Build();
        return NodeOptions.Bind(configuration);
    }

    [Fact]
    public void The_shipped_settings_give_each_default_symbol_and_role_once()
    {
        var options = Bind();

        Assert.Equal(["BTCUSDT", "ETHUSDT"], options.Exchange.Symbols);
        Assert.Equal(["engine"], options.Cluster.Roles);
        Assert.Empty(options.Cluster.Seeds);
    }

    [Fact]
    public void Configured_symbols_replace_the_defaults_from_the_environment_or_the_command_line()
    {
        Assert.Equal(["SOLUSDT"], Bind(new() { ["Exchange:Symbols:0"] = "SOLUSDT" }).Exchange.Symbols);
        Assert.Equal(["SOLUSDT", "ADAUSDT"], Bind(null, "--symbol", "solusdt", "--symbol", "ADAUSDT").Exchange.Symbols);
        Assert.Equal(["engine-a", "feeds"], Bind(new() { ["Cluster:Roles:0"] = "engine-a", ["Cluster:Roles:1"] = "feeds" }).Cluster.Roles);
    }
}
