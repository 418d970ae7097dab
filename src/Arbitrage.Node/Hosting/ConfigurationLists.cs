namespace Arbitrage.Node.Hosting;

/// <summary>
/// The node's list settings. A list replaces its default as a whole: the highest-priority source that names
/// the list (appsettings.json, <c>ARB__Exchange__Symbols__0</c>..., repeated switches) gives all of it.
/// The configuration binder alone would append the configured elements to the record's default array and
/// merge layered sources element by element (<c>--symbol SOLUSDT</c> over the file's two symbols gave
/// <c>BTCUSDT, ETHUSDT, SOLUSDT, ETHUSDT</c>), so the lists are read here, per source.
/// </summary>
public static class ConfigurationLists
{
    public const string Symbols = "Exchange:Symbols";
    public const string Tapes = "Exchange:Tapes";
    public const string Seeds = "Cluster:Seeds";
    public const string Roles = "Cluster:Roles";
    public const string CorsOrigins = "Http:CorsOrigins";

    /// <summary>
    /// The list under <paramref name="key"/> from the highest-priority source that names it, or null when
    /// no source does. A source names a list with elements (<c>key:0</c>, <c>key:1</c>, ...), with an empty
    /// JSON array or an empty value (an empty list), or with one comma-separated value.
    /// </summary>
    public static string[]? Read(IConfigurationRoot configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var provider in configuration.Providers.Reverse())
        {
            var children = provider.GetChildKeys([], key).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (children.Count > 0)
            {
                children.Sort(ConfigurationKeyComparer.Instance);
                return children
                    .Select(child => provider.TryGet($"{key}:{child}", out var value) ? value?.Trim() : null)
                    .OfType<string>()
                    .Where(value => value.Length > 0)
                    .ToArray();
            }

            if (provider.TryGet(key, out var scalar))
            {
                return (scalar ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            }
        }

        return null;
    }

    /// <summary><paramref name="bound"/> with every list setting read by <see cref="Read"/> (else its default); symbols upper-cased, each once.</summary>
    public static NodeOptions Apply(IConfigurationRoot configuration, NodeOptions bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        var defaults = new NodeOptions();
        return bound with
        {
            Http = bound.Http with { CorsOrigins = Read(configuration, CorsOrigins) ?? defaults.Http.CorsOrigins },
            Cluster = bound.Cluster with
            {
                Seeds = Read(configuration, Seeds) ?? defaults.Cluster.Seeds,
                Roles = Read(configuration, Roles) ?? defaults.Cluster.Roles,
            },
            Exchange = bound.Exchange with
            {
                Symbols = DistinctSymbols(Read(configuration, Symbols) ?? defaults.Exchange.Symbols),
                Tapes = Read(configuration, Tapes) ?? defaults.Exchange.Tapes,
            },
        };
    }

    /// <summary>Upper-cased, each symbol once (case-insensitively), in the order given.</summary>
    public static string[] DistinctSymbols(IEnumerable<string> symbols) =>
        symbols.Select(s => s.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToArray();
}
