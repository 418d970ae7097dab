using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Arbitrage.Core.Strategies.JsonValidator;

namespace Arbitrage.Core.Strategies;

/// <summary>
/// The signal-strategy file over <see cref="JsonDocument"/> with the <see cref="JsonValidator"/> toolkit: collects every
/// error (not just the first) with the JSON path and the rule, then builds the definition only when there are none.
/// </summary>
internal sealed partial class StrategyParser
{
    internal const string IdPattern = "^[a-z0-9][a-z0-9_]{0,63}$";
    internal const string TagPattern = "^[a-z0-9_]{1,10}$";
    internal const string SymbolPattern = "^[A-Z0-9_]{2,30}$";
    internal const int MaxCooldownMinutes = 1440;
    private const double WeightsTotal = 100;
    private const double WeightsTolerance = 1e-9;

    private static readonly string[] TopLevelFields =
        ["id", "version", "description", "tag", "symbols", "threshold", "cooldown_minutes", "signals", "tp_sl", "enabled"];
    private static readonly string[] SignalFields = ["weight", "params"];
    private static readonly string[] TpSlFields = ["sl_atr", "tp1_atr", "tp2_atr"];

    [GeneratedRegex(IdPattern)] private static partial Regex IdRegex();
    [GeneratedRegex(TagPattern)] private static partial Regex TagRegex();
    [GeneratedRegex(SymbolPattern)] private static partial Regex SymbolRegex();

    private readonly JsonValidator _json;

    private StrategyParser(string file) => _json = new JsonValidator(file);

    public static StrategyLoadResult Parse(string file, string json)
    {
        var parser = new StrategyParser(file);
        using var doc = parser._json.Parse(json, maxDepth: 32, locate: true);
        var def = doc is null ? null : parser.ParseRoot(doc.RootElement);
        return parser._json.Count == 0 && def is not null
            ? new StrategyLoadResult(def, [])
            : new StrategyLoadResult(null, parser._json.Errors);
    }

    private StrategyDefinition? ParseRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            _json.Add("$", StrategyRules.Type, $"must be a JSON object (got {Shown(root)})");
            return null;
        }

        var fields = _json.Fields(root, "$", TopLevelFields, StrategyRules.UnknownField, "field");

        var id = _json.RequiredString(fields, "$", "id", IdRegex(), IdPattern);
        var version = _json.RequiredString(fields, "$", "version", null, null);
        var description = _json.OptionalString(fields, "$", "description");
        string? tag = null;
        if (fields.TryGetValue("tag", out var tagElement))
            tag = _json.CheckString(tagElement, Prop("$", "tag"), TagRegex(), TagPattern);

        var symbols = ParseSymbols(fields);
        var threshold = _json.RequiredNumber(fields, "$", "threshold", 0, true, 100, true);

        var cooldown = StrategyDefinition.DefaultCooldownMinutes;
        if (fields.TryGetValue("cooldown_minutes", out var cd))
            cooldown = _json.CheckInteger(cd, Prop("$", "cooldown_minutes"), 0, MaxCooldownMinutes) ?? cooldown;

        var signals = ParseSignals(fields);
        var tpSl = ParseTpSl(fields);

        var enabled = _json.Bool(fields, "$", "enabled", fallback: true);

        if (_json.Count > 0 || id is null || version is null || symbols is null || threshold is null
            || signals is null || tpSl is null)
            return null;

        return new StrategyDefinition(id, version, symbols, threshold.Value, cooldown, signals, tpSl, enabled, tag, description);
    }

    private List<string>? ParseSymbols(Dictionary<string, JsonElement> fields)
    {
        const string path = "$.symbols";
        if (!fields.TryGetValue("symbols", out var el))
        {
            _json.Add(path, StrategyRules.Required, "required field is missing");
            return null;
        }

        if (el.ValueKind != JsonValueKind.Array || el.GetArrayLength() == 0)
        {
            _json.Add(path, StrategyRules.Type, $"must be a non-empty array of symbols, or [\"*\"] for all configured symbols (got {Shown(el)})");
            return null;
        }

        var result = new List<string>();
        var ok = true;
        var count = el.GetArrayLength();
        var i = 0;
        foreach (var item in el.EnumerateArray())
        {
            var itemPath = $"{path}[{i}]";
            i++;
            if (item.ValueKind == JsonValueKind.String && item.GetString() == "*")
            {
                if (count != 1)
                {
                    _json.Add(itemPath, StrategyRules.Format, "\"*\" (all configured symbols) must be the only entry");
                    ok = false;
                }
                result.Add("*");
                continue;
            }

            var symbol = _json.CheckString(item, itemPath, SymbolRegex(), SymbolPattern);
            if (symbol is null)
            {
                ok = false;
                continue;
            }

            if (result.Contains(symbol))
            {
                _json.Add(itemPath, StrategyRules.DuplicateSymbol, $"duplicate symbol \"{symbol}\"");
                ok = false;
                continue;
            }

            result.Add(symbol);
        }

        return ok ? result : null;
    }

    private List<SignalDefinition>? ParseSignals(Dictionary<string, JsonElement> fields)
    {
        const string path = "$.signals";
        if (!fields.TryGetValue("signals", out var el))
        {
            _json.Add(path, StrategyRules.Required, "required field is missing");
            return null;
        }

        if (el.ValueKind != JsonValueKind.Object)
        {
            _json.Add(path, StrategyRules.Type, $"must be an object of {{\"signal name\": {{\"weight\": …, \"params\": {{…}}}}}} (got {Shown(el)})");
            return null;
        }

        var entries = _json.Fields(el, path, null, null, null);
        if (entries.Count == 0)
        {
            _json.Add(path, StrategyRules.Range, $"must name at least one signal; known signals: {SignalCatalog.KnownNames}");
            return null;
        }

        var result = new List<SignalDefinition>();
        var ok = true;
        foreach (var (name, value) in entries)
        {
            var signalPath = Prop(path, name);
            var spec = SignalCatalog.Find(name);
            if (spec is null)
            {
                _json.Add(signalPath, StrategyRules.UnknownSignal, $"unknown signal \"{name}\"; known signals: {SignalCatalog.KnownNames}");
                ok = false;
                continue;
            }

            var signal = ParseSignal(spec, value, signalPath);
            if (signal is null)
                ok = false;
            else
                result.Add(signal);
        }

        if (!ok)
            return null;

        var total = 0.0;
        foreach (var s in result)
            total += s.Weight;
        if (Math.Abs(total - WeightsTotal) > WeightsTolerance)
        {
            _json.Add(path, StrategyRules.WeightsSum,
                $"weights must sum to 100 (got {total.ToString(CultureInfo.InvariantCulture)})");
            return null;
        }

        result.Sort((a, b) => SignalCatalog.IndexOf(a.Name).CompareTo(SignalCatalog.IndexOf(b.Name)));
        return result;
    }

    private SignalDefinition? ParseSignal(SignalSpec spec, JsonElement el, string path)
    {
        if (el.ValueKind != JsonValueKind.Object)
        {
            _json.Add(path, StrategyRules.Type, $"must be an object {{\"weight\": …, \"params\": {{…}}}} (got {Shown(el)})");
            return null;
        }

        var errorsBefore = _json.Count;
        var fields = _json.Fields(el, path, SignalFields, StrategyRules.UnknownField, "field");
        var weight = _json.RequiredNumber(fields, path, "weight", 0, true, double.PositiveInfinity, false);

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in spec.Params)
            values[p.Name] = p.Default;

        if (fields.TryGetValue("params", out var paramsEl))
        {
            var paramsPath = Prop(path, "params");
            if (paramsEl.ValueKind != JsonValueKind.Object)
            {
                _json.Add(paramsPath, StrategyRules.Type, $"must be an object (got {Shown(paramsEl)})");
            }
            else
            {
                foreach (var (name, value) in _json.Fields(paramsEl, paramsPath, null, null, null))
                {
                    var paramPath = Prop(paramsPath, name);
                    var pspec = spec.FindParam(name);
                    if (pspec is null)
                    {
                        _json.Add(paramPath, StrategyRules.UnknownParam,
                            $"unknown parameter \"{name}\" of signal \"{spec.Name}\"; known: {spec.KnownParams}");
                        continue;
                    }

                    if (_json.CheckNumber(value, paramPath, pspec.Min, pspec.MinInclusive, pspec.Max, pspec.MaxInclusive) is { } v)
                        values[name] = v;
                }
            }
        }

        if (_json.Count > errorsBefore || weight is null)
            return null;
        return new SignalDefinition(spec.Name, weight.Value, values);
    }

    private TpSlConfig? ParseTpSl(Dictionary<string, JsonElement> fields)
    {
        const string path = "$.tp_sl";
        if (!fields.TryGetValue("tp_sl", out var el))
        {
            _json.Add(path, StrategyRules.Required, "required field is missing");
            return null;
        }

        if (el.ValueKind != JsonValueKind.Object)
        {
            _json.Add(path, StrategyRules.Type, $"must be an object {{\"sl_atr\": …, \"tp1_atr\": …, \"tp2_atr\": …}} (got {Shown(el)})");
            return null;
        }

        var tp = _json.Fields(el, path, TpSlFields, StrategyRules.UnknownField, "field");
        var sl = _json.RequiredNumber(tp, path, "sl_atr", 0, false, double.PositiveInfinity, false);
        var tp1 = _json.RequiredNumber(tp, path, "tp1_atr", 0, false, double.PositiveInfinity, false);
        var tp2 = _json.RequiredNumber(tp, path, "tp2_atr", 0, false, double.PositiveInfinity, false);
        if (sl is null || tp1 is null || tp2 is null)
            return null;

        if (!(tp1.Value < tp2.Value))
        {
            _json.Add(Prop(path, "tp2_atr"), StrategyRules.TpOrder,
                $"must be greater than tp1_atr (got tp1_atr {Num(tp1.Value)}, tp2_atr {Num(tp2.Value)})");
            return null;
        }

        return new TpSlConfig(sl.Value, tp1.Value, tp2.Value);
    }
}
