namespace Arbitrage.Core.Strategies;

/// <summary>
/// One problem found in a strategy file. <see cref="Rule"/> is a stable code (for tests, metrics and
/// scripts); <see cref="Message"/> is what a user reads and acts on.
/// </summary>
/// <param name="File">The path as given to the loader, e.g. <c>strategies/v51_baseline.json</c>.</param>
/// <param name="JsonPath">Where in the document, e.g. <c>$.signals.cvd.weight</c>; <c>$</c> for the whole file.</param>
/// <param name="Rule">One of <see cref="StrategyRules"/>.</param>
/// <param name="Message">e.g. <c>must be a number ≥ 0 (got "abc")</c>.</param>
public sealed record StrategyError(string File, string JsonPath, string Rule, string Message)
{
    /// <summary><c>strategies/v51_baseline.json: $.signals.cvd.weight: must be a number ≥ 0 (got "abc")</c></summary>
    public override string ToString() => $"{File}: {JsonPath}: {Message}";
}

/// <summary>The stable codes of <see cref="StrategyError.Rule"/>.</summary>
public static class StrategyRules
{
    public const string Io = "io";
    public const string JsonSyntax = "json-syntax";
    public const string Required = "required";
    public const string Type = "type";
    public const string Range = "range";
    public const string Format = "format";
    public const string UnknownField = "unknown-field";
    public const string DuplicateKey = "duplicate-key";
    public const string DuplicateSymbol = "duplicate-symbol";
    public const string UnknownSignal = "unknown-signal";
    public const string UnknownParam = "unknown-param";
    public const string WeightsSum = "weights-sum";
    public const string TpOrder = "tp-order";
    public const string DuplicateId = "duplicate-id";
    public const string DuplicateSignalPrefix = "duplicate-signal-prefix";
}
