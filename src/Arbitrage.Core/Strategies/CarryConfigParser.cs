using System.Text.Json;
using System.Text.RegularExpressions;
using Arbitrage.Core.Funding;
using Arbitrage.Core.Funding.Carry;
using static Arbitrage.Core.Strategies.JsonValidator;

namespace Arbitrage.Core.Strategies;

/// <summary>
/// The carry strategy file over <see cref="JsonDocument"/> with the <see cref="JsonValidator"/> toolkit (as
/// <see cref="StrategyParser"/>): every error with its JSON path and rule, a <see cref="CarryConfig"/> only when there are none.
/// </summary>
internal sealed partial class CarryConfigParser
{
    private static readonly string[] TopLevelFields =
    [
        "id", "description", "symbols", "notional_usd", "entry_min_annualised", "entry_min_basis", "entry_max_basis", "exit_below_annualised",
        "max_holding_hours", "exit_basis_widening", "fee_rate", "funding_interval_hours", "spot_step", "perp_step", "enabled",
        "snapshot_every",
    ];

    [GeneratedRegex(StrategyParser.IdPattern)] private static partial Regex IdRegex();
    [GeneratedRegex(StrategyParser.SymbolPattern)] private static partial Regex SymbolRegex();

    private readonly JsonValidator _json;

    private CarryConfigParser(string file) => _json = new JsonValidator(file);

    public static CarryConfigLoadResult Parse(string file, string json)
    {
        var parser = new CarryConfigParser(file);
        using var doc = parser._json.Parse(json, maxDepth: 8, locate: false);
        var config = doc is null ? null : parser.ParseRoot(doc.RootElement);
        return parser._json.Count == 0 && config is not null
            ? new CarryConfigLoadResult(config, [])
            : new CarryConfigLoadResult(null, parser._json.Errors);
    }

    private CarryConfig? ParseRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            _json.Add("$", StrategyRules.Type, $"must be a JSON object (got {Shown(root)})");
            return null;
        }

        var fields = _json.Fields(root, "$", TopLevelFields, StrategyRules.UnknownField, "field");
        var id = _json.RequiredString(fields, "$", "id", IdRegex(), StrategyParser.IdPattern);
        _json.OptionalString(fields, "$", "description");
        var symbols = ParseSymbols(fields);

        var notional = _json.Decimal(fields, "$", "notional_usd", null, new(Min: 0m, MinExclusive: true));
        var enter = _json.Decimal(fields, "$", "entry_min_annualised", null, new());
        var minBasis = _json.Decimal(fields, "$", "entry_min_basis", null, new(Min: -1m, Max: 1m));
        var maxBasis = NullableDecimal(fields, "entry_max_basis", new(Min: -1m, Max: 1m));
        var exit = _json.Decimal(fields, "$", "exit_below_annualised", null, new());
        var maxHours = _json.Decimal(fields, "$", "max_holding_hours", null, new(Min: 0m, MinExclusive: true, Max: 24m * 366m));
        var widening = NullableDecimal(fields, "exit_basis_widening", new(Min: 0m, MinExclusive: true, Max: 1m));
        var fee = _json.Decimal(fields, "$", "fee_rate", 0.0004m, new(Min: 0m, Max: 0.01m));
        var interval = _json.Decimal(fields, "$", "funding_interval_hours", 8m, new(Min: 1m, Max: 24m, Integer: true));
        var spotStep = _json.Decimal(fields, "$", "spot_step", 0.00001m, new(Min: 0m, MinExclusive: true));
        var perpStep = _json.Decimal(fields, "$", "perp_step", 0.001m, new(Min: 0m, MinExclusive: true));
        var snapshotEvery = _json.Decimal(fields, "$", "snapshot_every", 100m, new(Min: 1m, Max: 100_000m, Integer: true));
        var enabled = _json.Bool(fields, "$", "enabled", fallback: true);

        if (_json.Count > 0 || id is null || symbols is null || notional is null || enter is null || minBasis is null || exit is null || maxHours is null)
            return null;

        if (exit > enter)
        {
            _json.Add("$.exit_below_annualised", CarryConfigRules.ThresholdOrder,
                $"must not exceed entry_min_annualised ({Num(enter.Value)}), or a fresh entry exits at once (got {Num(exit.Value)})");
            return null;
        }

        var parameters = new CarryParameters(enter.Value, minBasis.Value, exit.Value, (long)(maxHours.Value * 3_600_000m), widening, maxBasis);
        if (parameters.Validate() is { } problem)
        {
            _json.Add("$", StrategyRules.Range, problem);
            return null;
        }

        return new CarryConfig(id, parameters, notional.Value, symbols, fee!.Value, (int)interval!.Value, spotStep!.Value, perpStep!.Value, enabled,
            (int)snapshotEvery!.Value);
    }

    /// <summary>Perpetuals to trade: a non-empty array of distinct symbols.</summary>
    private List<string>? ParseSymbols(Dictionary<string, JsonElement> fields)
    {
        const string path = "$.symbols";
        if (!fields.TryGetValue("symbols", out var el))
        {
            _json.Add(path, StrategyRules.Required, "required field is missing");
            return null;
        }

        if (el.ValueKind != JsonValueKind.Array)
        {
            _json.Add(path, StrategyRules.Type, $"must be an array of symbols (got {Shown(el)})");
            return null;
        }

        if (el.GetArrayLength() == 0)
        {
            _json.Add(path, StrategyRules.Range, "must not be empty");
            return null;
        }

        var symbols = new List<string>();
        var ok = true;
        var i = 0;
        foreach (var item in el.EnumerateArray())
        {
            var itemPath = $"{path}[{i++}]";
            var symbol = _json.CheckString(item, itemPath, SymbolRegex(), StrategyParser.SymbolPattern);
            if (symbol is null)
            {
                ok = false;
            }
            else if (symbols.Contains(symbol))
            {
                _json.Add(itemPath, StrategyRules.DuplicateSymbol, $"duplicate symbol \"{symbol}\"");
                ok = false;
            }
            else
            {
                symbols.Add(symbol);
            }
        }

        return ok ? symbols : null;
    }

    /// <summary>An optional limit: absent or <c>null</c> = none.</summary>
    private decimal? NullableDecimal(Dictionary<string, JsonElement> fields, string name, DecimalBounds bounds) =>
        fields.TryGetValue(name, out var el) && el.ValueKind != JsonValueKind.Null ? _json.CheckDecimal(el, Prop("$", name), bounds) : null;
}
