namespace Arbitrage.Core.Strategies;

/// <summary>Outcome of loading one file: a definition, or the errors that prevent it (never both).</summary>
public sealed record StrategyLoadResult(StrategyDefinition? Definition, IReadOnlyList<StrategyError> Errors)
{
    public bool IsValid => Definition is not null;
}

/// <summary>Outcome of loading a directory: the valid strategies and the errors of the rejected files.</summary>
public sealed record StrategySetLoadResult(IReadOnlyList<StrategyDefinition> Strategies, IReadOnlyList<StrategyError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Reads and validates strategy files. The only I/O in Core: reading the text of a file the caller names.
/// </summary>
public static class StrategyLoader
{
    /// <summary>Loads one file; <paramref name="path"/> is also the file name the errors show.</summary>
    public static StrategyLoadResult Load(string path) =>
        ReadText(path, out var text) is { } error ? new StrategyLoadResult(null, [error]) : LoadText(path, text);

    /// <summary>The text of a strategy file (signal or carry), or the <c>io</c> error that prevents reading it.</summary>
    internal static StrategyError? ReadText(string path, out string text)
    {
        try
        {
            text = File.ReadAllText(path);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            text = string.Empty;
            // Not found: the full path looked in (a relative path alone hides the working directory).
            return ex is FileNotFoundException or DirectoryNotFoundException
                ? new StrategyError(Path.GetFullPath(path), "$", StrategyRules.Io, "file not found")
                : new StrategyError(path, "$", StrategyRules.Io, "cannot read file: " + ex.Message);
        }
    }

    /// <summary>Validates JSON text; <paramref name="file"/> names it in errors (used for hot reload and tests).</summary>
    public static StrategyLoadResult LoadText(string file, string json) => StrategyParser.Parse(file, json);

    /// <summary>
    /// Loads every <c>*.json</c> in <paramref name="directory"/> in ordinal file-name order. An invalid file is
    /// left out with its errors; so is a file whose id (or signal-id prefix) a previous file already uses.
    /// </summary>
    public static StrategySetLoadResult LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            return new StrategySetLoadResult([], [new StrategyError(Path.GetFullPath(directory), "$", StrategyRules.Io, "strategies directory not found")]);

        var files = Directory.GetFiles(directory, "*.json").Select(Path.GetFileName).OfType<string>().ToList();
        files.Sort(StringComparer.Ordinal);

        var strategies = new List<StrategyDefinition>();
        var errors = new List<StrategyError>();
        var byId = new Dictionary<string, string>(StringComparer.Ordinal);
        var byPrefix = new Dictionary<string, (string Id, string File)>(StringComparer.Ordinal);
        foreach (var name in files)
        {
            var file = Path.Combine(directory, name);
            var result = Load(file);
            if (result.Definition is not { } def)
            {
                errors.AddRange(result.Errors);
                continue;
            }

            if (byId.TryGetValue(def.Id, out var firstFile))
            {
                errors.Add(new StrategyError(file, "$.id", StrategyRules.DuplicateId,
                    $"duplicate id \"{def.Id}\" (already defined in {firstFile})"));
                continue;
            }

            if (byPrefix.TryGetValue(def.SignalPrefix, out var owner))
            {
                errors.Add(new StrategyError(file, def.Tag is null ? "$.id" : "$.tag", StrategyRules.DuplicateSignalPrefix,
                    $"signal-id prefix \"{def.SignalPrefix}\" is already used by strategy \"{owner.Id}\" ({owner.File}); set a distinct \"tag\""));
                continue;
            }

            byId.Add(def.Id, file);
            byPrefix.Add(def.SignalPrefix, (def.Id, file));
            strategies.Add(def);
        }

        return new StrategySetLoadResult(strategies, errors);
    }
}
