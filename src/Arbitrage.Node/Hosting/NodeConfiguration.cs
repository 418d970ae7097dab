namespace Arbitrage.Node.Hosting;

/// <summary>
/// Where the node's settings come from, lowest priority first: appsettings.json beside the binaries,
/// ./appsettings.json, <c>ARB__Section__Key</c> environment variables, command-line switches.
/// </summary>
public static class NodeConfiguration
{
    public const string EnvironmentPrefix = "ARB__";

    public static IConfigurationBuilder AddNodeSources(this IConfigurationBuilder configuration, IReadOnlyDictionary<string, string?> switches, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var beside = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));
        var local = Path.GetFullPath(Path.Combine(workingDirectory, "appsettings.json"));
        configuration.AddJsonFile(beside, optional: true);
        if (!string.Equals(beside, local, StringComparison.Ordinal))
        {
            configuration.AddJsonFile(local, optional: true);
        }

        return configuration
            .AddEnvironmentVariables(prefix: EnvironmentPrefix)
            .AddInMemoryCollection(switches);
    }

    /// <summary>
    /// Binds <see cref="NodeOptions"/>, lists as wholes (<see cref="ConfigurationLists"/>). Throws
    /// <see cref="InvalidOperationException"/> naming the key on a value of the wrong type.
    /// </summary>
    public static NodeOptions Bind(IConfigurationRoot configuration)
    {
        var options = ConfigurationLists.Apply(configuration, configuration.Get<NodeOptions>() ?? new NodeOptions());
        return options with { Alerts = Alerts.AlertsConfiguration.Apply(configuration, options.Alerts) };
    }
}
