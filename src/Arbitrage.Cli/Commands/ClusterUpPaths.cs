namespace Arbitrage.Cli.Commands;

/// <summary>Where <c>arbctl cluster up</c> finds the node and simulator it starts, the strategies, and the tape's symbol.</summary>
internal static class ClusterUpPaths
{
    /// <summary>
    /// <c>PROJECT.dll</c> beside arbctl (a publish folder with all three), else the same build output of the project:
    /// <c>src/Arbitrage.Cli/bin/Release/net10.0/</c> → <c>src/PROJECT/bin/Release/net10.0/</c>, and the artifacts layout
    /// <c>artifacts/bin/Arbitrage.Cli/release/</c> → <c>artifacts/bin/PROJECT/release/</c>. The path returned is the one
    /// tried last, so a missing binary names where it was looked for.
    /// </summary>
    public static string Find(string project, string arbctlDirectory)
    {
        var beside = Path.Combine(arbctlDirectory, project + ".dll");
        if (File.Exists(beside))
        {
            return beside;
        }

        var parts = Path.GetFullPath(arbctlDirectory).TrimEnd(Path.DirectorySeparatorChar).Split(Path.DirectorySeparatorChar);
        var at = Array.LastIndexOf(parts, "Arbitrage.Cli");
        if (at < 0)
        {
            return beside;
        }

        parts[at] = project;
        var root = Path.GetFullPath(arbctlDirectory).StartsWith(Path.DirectorySeparatorChar) ? Path.DirectorySeparatorChar.ToString() : string.Empty;
        return root + Path.Combine([.. parts.Where(p => p.Length > 0), project + ".dll"]);
    }

    /// <summary>The repository's <c>strategies/</c> (the nearest ancestor of arbctl's folder holding Arbitrage.sln), or null.</summary>
    public static string? RepositoryStrategies(string arbctlDirectory)
    {
        for (var dir = new DirectoryInfo(arbctlDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Arbitrage.sln")) && Directory.Exists(Path.Combine(dir.FullName, "strategies")))
            {
                return Path.Combine(dir.FullName, "strategies");
            }
        }

        return null;
    }

    /// <summary>The symbol a Binance data file is named after: <c>BTCUSD_PERP-aggTrades-2026-05-08.zip</c> → BTCUSD_PERP; null when the name has none.</summary>
    public static string? SymbolOfTape(string fileName)
    {
        var dash = fileName.IndexOf('-', StringComparison.Ordinal);
        var symbol = dash > 0 ? fileName[..dash] : null;
        return symbol is not null && symbol.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_') ? symbol : null;
    }
}
