using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Arbitrage.Core.Funding;
using Arbitrage.Core.Strategies;

namespace Arbitrage.Engine.Funding.Carry;

/// <summary>A carry config, or the errors that prevent it (never both). Errors use the strategy files' shape: file, JSON path, rule, message.</summary>
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
/// Reads <c>strategies/carry/*.json</c>. Lives in a subfolder because the signal-strategy loader reads every
/// top-level <c>*.json</c> of <c>strategies/</c> and would reject this shape. Collects every error, strict JSON,
/// unknown fields rejected (a typo is an error, not a silently ignored setting).
/// </summary>
public static partial class CarryConfigLoader
{
    private static readonly string[] Fields =
    [
        "id", "description", "symbols", "notional_usd", "entry_min_annualised", "entry_min_basis", "entry_max_basis", "exit_below_annualised",
        "max_holding_hours", "exit_basis_widening", "fee_rate", "funding_interval_hours", "spot_step", "perp_step", "enabled",
        "snapshot_every",
    ];

    [GeneratedRegex("^[a-z0-9][a-z0-9_]{0,63}$")] private static partial Regex IdRegex();
    [GeneratedRegex("^[A-Z0-9_]{2,30}$")] private static partial Regex SymbolRegex();

    public static CarryConfigLoadResult Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex is FileNotFoundException or DirectoryNotFoundException
                ? new CarryConfigLoadResult(null, [new StrategyError(Path.GetFullPath(path), "$", StrategyRules.Io, "file not found")])
                : new CarryConfigLoadResult(null, [new StrategyError(path, "$", StrategyRules.Io, "cannot read file: " + ex.Message)]);
        }

        return LoadText(path, text);
    }

    /// <summary>Validates JSON text; <paramref name="file"/> names it in errors.</summary>
    public static CarryConfigLoadResult LoadText(string file, string json)
    {
        var errors = new List<StrategyError>();
        void Add(string path, string rule, string message) => errors.Add(new StrategyError(file, path, rule, message));

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            var reason = ex.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) reason = reason[..cut];
            Add("$", StrategyRules.JsonSyntax, $"invalid JSON at line {(ex.LineNumber ?? 0) + 1}, position {(ex.BytePositionInLine ?? 0) + 1}: {reason}");
            return new CarryConfigLoadResult(null, errors);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Add("$", StrategyRules.Type, $"must be an object (got {Kind(root)})");
                return new CarryConfigLoadResult(null, errors);
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in root.EnumerateObject())
            {
                if (!seen.Add(p.Name)) Add("$." + p.Name, StrategyRules.DuplicateKey, $"duplicate key \"{p.Name}\"");
                else if (Array.IndexOf(Fields, p.Name) < 0) Add("$." + p.Name, StrategyRules.UnknownField, $"unknown field (known: {string.Join(", ", Fields)})");
            }

            var id = String(root, "id", required: true, Add);
            if (id is not null && !IdRegex().IsMatch(id)) Add("$.id", StrategyRules.Format, $"must match ^[a-z0-9][a-z0-9_]{{0,63}}$ (got \"{id}\")");
            String(root, "description", required: false, Add);

            var symbols = new List<string>();
            if (!root.TryGetProperty("symbols", out var s)) Add("$.symbols", StrategyRules.Required, "required: a non-empty array of symbols");
            else if (s.ValueKind != JsonValueKind.Array) Add("$.symbols", StrategyRules.Type, $"must be an array of strings (got {Kind(s)})");
            else
            {
                var i = 0;
                foreach (var e in s.EnumerateArray())
                {
                    var path = $"$.symbols[{i++}]";
                    if (e.ValueKind != JsonValueKind.String) Add(path, StrategyRules.Type, $"must be a string (got {Kind(e)})");
                    else if (!SymbolRegex().IsMatch(e.GetString()!)) Add(path, StrategyRules.Format, $"must match ^[A-Z0-9_]{{2,30}}$ (got \"{e.GetString()}\")");
                    else if (symbols.Contains(e.GetString()!)) Add(path, StrategyRules.DuplicateSymbol, $"duplicate symbol \"{e.GetString()}\"");
                    else symbols.Add(e.GetString()!);
                }

                if (i == 0) Add("$.symbols", StrategyRules.Range, "must not be empty");
            }

            var notional = Number(root, "notional_usd", null, Add, min: 0m, minExclusive: true);
            var enter = Number(root, "entry_min_annualised", null, Add);
            var minBasis = Number(root, "entry_min_basis", null, Add, min: -1m, max: 1m);
            var maxBasis = root.TryGetProperty("entry_max_basis", out var mb) && mb.ValueKind == JsonValueKind.Null
                ? null
                : Number(root, "entry_max_basis", decimal.MinValue, Add, min: -1m, max: 1m);
            var exit = Number(root, "exit_below_annualised", null, Add);
            var maxHours = Number(root, "max_holding_hours", null, Add, min: 0m, minExclusive: true, max: 24m * 366m);
            var widening = root.TryGetProperty("exit_basis_widening", out var w) && w.ValueKind == JsonValueKind.Null
                ? null
                : Number(root, "exit_basis_widening", decimal.MinValue, Add, min: 0m, minExclusive: true, max: 1m);
            var fee = Number(root, "fee_rate", 0.0004m, Add, min: 0m, max: 0.01m);
            var interval = Number(root, "funding_interval_hours", 8m, Add, min: 1m, max: 24m, integer: true);
            var spotStep = Number(root, "spot_step", 0.00001m, Add, min: 0m, minExclusive: true);
            var perpStep = Number(root, "perp_step", 0.001m, Add, min: 0m, minExclusive: true);
            var snapshotEvery = Number(root, "snapshot_every", 100m, Add, min: 1m, max: 100_000m, integer: true);
            var enabled = true;
            if (root.TryGetProperty("enabled", out var en))
            {
                if (en.ValueKind is JsonValueKind.True or JsonValueKind.False) enabled = en.GetBoolean();
                else Add("$.enabled", StrategyRules.Type, $"must be true or false (got {Kind(en)})");
            }

            if (errors.Count > 0 || id is null || notional is null || enter is null || minBasis is null || exit is null || maxHours is null)
                return new CarryConfigLoadResult(null, errors);

            var parameters = new CarryParameters(enter.Value, minBasis.Value, exit.Value, (long)(maxHours.Value * 3_600_000m),
                widening == decimal.MinValue ? null : widening,
                maxBasis == decimal.MinValue ? null : maxBasis);
            if (exit > enter)
            {
                Add("$.exit_below_annualised", CarryConfigRules.ThresholdOrder,
                    $"must not exceed entry_min_annualised ({Num(enter.Value)}), or a fresh entry exits at once (got {Num(exit.Value)})");
                return new CarryConfigLoadResult(null, errors);
            }

            if (parameters.Validate() is { } problem)
            {
                Add("$", StrategyRules.Range, problem);
                return new CarryConfigLoadResult(null, errors);
            }

            return new CarryConfigLoadResult(
                new CarryConfig(id, parameters, notional.Value, symbols, fee!.Value, (int)interval!.Value, spotStep!.Value, perpStep!.Value, enabled, (int)snapshotEvery!.Value),
                []);
        }
    }

    private static string? String(JsonElement root, string name, bool required, Action<string, string, string> add)
    {
        if (!root.TryGetProperty(name, out var v))
        {
            if (required) add("$." + name, StrategyRules.Required, "required: a string");
            return null;
        }

        if (v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
        {
            add("$." + name, StrategyRules.Type, $"must be a non-empty string (got {Kind(v)})");
            return null;
        }

        return v.GetString();
    }

    /// <param name="fallback">Value when absent; null = required.</param>
    private static decimal? Number(
        JsonElement root, string name, decimal? fallback, Action<string, string, string> add,
        decimal? min = null, bool minExclusive = false, decimal? max = null, bool integer = false)
    {
        var path = "$." + name;
        if (!root.TryGetProperty(name, out var v))
        {
            if (fallback is null) add(path, StrategyRules.Required, "required: a number");
            return fallback;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var d))
        {
            add(path, StrategyRules.Type, $"must be a number (got {Kind(v)})");
            return null;
        }

        var low = min is { } m && (minExclusive ? d <= m : d < m);
        var high = max is { } x && d > x;
        if (low || high || (integer && d != decimal.Truncate(d)))
        {
            var range = (min, max) switch
            {
                ({ } a, { } b) => $"{(minExclusive ? ">" : "≥")} {Num(a)} and ≤ {Num(b)}",
                ({ } a, null) => $"{(minExclusive ? ">" : "≥")} {Num(a)}",
                (null, { } b) => $"≤ {Num(b)}",
                _ => "valid",
            };
            add(path, StrategyRules.Range, $"must be {(integer ? "an integer" : "a number")} {range} (got {v.GetRawText()})");
            return null;
        }

        return d;
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"\"{e.GetString()}\"",
        JsonValueKind.Number => e.GetRawText(),
        _ => e.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Num(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}
