using Arbitrage.Core.Funding.Carry;

namespace Arbitrage.Core.Strategies;

/// <summary>A carry config, or the errors that prevent it (never both). Errors have the strategy files' shape: file, JSON path, rule, message.</summary>
public sealed record CarryConfigLoadResult(CarryConfig? Config, IReadOnlyList<StrategyError> Errors)
{
    public bool IsValid => Config is not null;
}

/// <summary>Rules beyond <see cref="StrategyRules"/> that only a carry file can break.</summary>
public static class CarryConfigRules
{
    /// <summary>Exit threshold above the entry threshold: a fresh entry would exit at once.</summary>
    public const string ThresholdOrder = "threshold-order";
}

/// <summary>
/// Reads <c>strategies/carry/*.json</c>, the carry strategy (<see cref="CarryConfig"/>). It lives in a subfolder because
/// <see cref="StrategyLoader.LoadDirectory"/> reads every top-level <c>*.json</c> of <c>strategies/</c> as a signal
/// strategy. Collects every error; strict JSON; unknown fields are rejected (a typo is an error, not a silently ignored setting).
/// </summary>
public static class CarryConfigLoader
{
    /// <summary>Loads one file; <paramref name="path"/> is also the file name the errors show.</summary>
    public static CarryConfigLoadResult Load(string path) =>
        StrategyLoader.ReadText(path, out var text) is { } error ? new CarryConfigLoadResult(null, [error]) : LoadText(path, text);

    /// <summary>Validates JSON text; <paramref name="file"/> names it in errors.</summary>
    public static CarryConfigLoadResult LoadText(string file, string json) => CarryConfigParser.Parse(file, json);
}
