using Arbitrage.Core.Strategies;

namespace Arbitrage.Core.Triangles;

/// <summary>A triangle config, or the errors that prevent it (never both). Errors have the strategy files' shape: file, JSON path, rule, message.</summary>
public sealed record TriangleConfigLoadResult(TriangleConfig? Config, IReadOnlyList<StrategyError> Errors)
{
    public bool IsValid => Config is not null;
}

/// <summary>The valid configs of a folder (file-name order) and the errors of the files left out.</summary>
public sealed record TriangleConfigSetLoadResult(IReadOnlyList<TriangleConfig> Configs, IReadOnlyList<StrategyError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>Rules beyond <see cref="StrategyRules"/> that only a triangle config can break.</summary>
public static class TriangleConfigRules
{
    /// <summary>A start asset that none of the listed symbols trades.</summary>
    public const string UnknownAsset = "unknown-asset";

    /// <summary>Two symbols over the same two assets (<c>BTC/USD</c> and <c>USD/BTC</c>): a cycle id would name two paths.</summary>
    public const string DuplicatePair = "duplicate-pair";
}

/// <summary>
/// Validates <c>strategies/triangles/*.json</c> (<see cref="TriangleConfig"/>): every error at once, strict JSON,
/// unknown fields and duplicate keys rejected, the same wording as the other strategy files. Pure: the caller reads
/// the files (the node at load and on hot reload, <c>arbctl</c> for a replay) and passes their text.
/// </summary>
public static class TriangleConfigLoader
{
    /// <summary>Validates one file's JSON text; <paramref name="file"/> names it in errors.</summary>
    public static TriangleConfigLoadResult LoadText(string file, string json)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(json);
        return TriangleConfigParser.Parse(file, json);
    }

    /// <summary>
    /// Validates a folder's files (name, JSON text) in ordinal file-name order. An invalid file is left out with its
    /// errors; so is a file whose id an earlier file already uses (<c>duplicate-id</c>).
    /// </summary>
    public static TriangleConfigSetLoadResult LoadSet(IEnumerable<(string File, string Json)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var ordered = files.ToList();
        ordered.Sort(static (a, b) => string.CompareOrdinal(a.File, b.File));
        var configs = new List<TriangleConfig>();
        var errors = new List<StrategyError>();
        var byId = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, json) in ordered)
        {
            var result = LoadText(file, json);
            if (result.Config is not { } config)
            {
                errors.AddRange(result.Errors);
                continue;
            }

            if (byId.TryGetValue(config.Id, out var first))
            {
                errors.Add(new StrategyError(file, "$.id", StrategyRules.DuplicateId, $"duplicate id \"{config.Id}\" (already defined in {first})"));
                continue;
            }

            byId.Add(config.Id, file);
            configs.Add(config);
        }

        return new TriangleConfigSetLoadResult(configs, errors);
    }
}
