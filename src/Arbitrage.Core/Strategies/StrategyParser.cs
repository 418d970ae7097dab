using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Arbitrage.Core.Strategies;

/// <summary>
/// Hand-written validator over <see cref="JsonDocument"/>: collects every error (not just the first) with the
/// JSON path and the rule, then builds the definition only when there are none.
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
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")] private static partial Regex PlainNameRegex();

    private readonly string _file;
    private readonly List<StrategyError> _errors = [];

    private StrategyParser(string file) => _file = file;

    public static StrategyLoadResult Parse(string file, string json)
    {
        var parser = new StrategyParser(file);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var position = (ex.BytePositionInLine ?? 0) + 1;
            var reason = ex.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
                reason = reason[..cut];
            parser.Add(string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path, StrategyRules.JsonSyntax,
                $"invalid JSON at line {line}, position {position}: {reason}");
            return new StrategyLoadResult(null, parser._errors);
        }

        using (doc)
        {
            var def = parser.ParseRoot(doc.RootElement);
            return parser._errors.Count == 0 && def is not null
                ? new StrategyLoadResult(def, [])
                : new StrategyLoadResult(null, parser._errors);
        }
    }

    private StrategyDefinition? ParseRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Add("$", StrategyRules.Type, $"must be a JSON object (got {Shown(root)})");
            return null;
        }

        var fields = Fields(root, "$", TopLevelFields, StrategyRules.UnknownField, "field");

        var id = RequiredString(fields, "$", "id", IdRegex(), IdPattern);
        var version = RequiredString(fields, "$", "version", null, null);
        var description = OptionalString(fields, "$", "description");
        string? tag = null;
        if (fields.TryGetValue("tag", out var tagElement))
            tag = CheckString(tagElement, Prop("$", "tag"), TagRegex(), TagPattern);

        var symbols = ParseSymbols(fields);
        var threshold = RequiredNumber(fields, "$", "threshold", 0, true, 100, true);

        var cooldown = StrategyDefinition.DefaultCooldownMinutes;
        if (fields.TryGetValue("cooldown_minutes", out var cd))
            cooldown = CheckInteger(cd, Prop("$", "cooldown_minutes"), 0, MaxCooldownMinutes) ?? cooldown;

        var signals = ParseSignals(fields);
        var tpSl = ParseTpSl(fields);

        var enabled = true;
        if (fields.TryGetValue("enabled", out var en))
        {
            if (en.ValueKind is JsonValueKind.True or JsonValueKind.False)
                enabled = en.GetBoolean();
            else
                Add(Prop("$", "enabled"), StrategyRules.Type, $"must be true or false (got {Shown(en)})");
        }

        if (_errors.Count > 0 || id is null || version is null || symbols is null || threshold is null
            || signals is null || tpSl is null)
            return null;

        return new StrategyDefinition(id, version, symbols, threshold.Value, cooldown, signals, tpSl, enabled, tag, description);
    }

    private List<string>? ParseSymbols(Dictionary<string, JsonElement> fields)
    {
        const string path = "$.symbols";
        if (!fields.TryGetValue("symbols", out var el))
        {
            Add(path, StrategyRules.Required, "required field is missing");
            return null;
        }

        if (el.ValueKind != JsonValueKind.Array || el.GetArrayLength() == 0)
        {
            Add(path, StrategyRules.Type, $"must be a non-empty array of symbols, or [\"*\"] for all configured symbols (got {Shown(el)})");
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
                    Add(itemPath, StrategyRules.Format, "\"*\" (all configured symbols) must be the only entry");
                    ok = false;
                }
                result.Add("*");
                continue;
            }

            var symbol = CheckString(item, itemPath, SymbolRegex(), SymbolPattern);
            if (symbol is null)
            {
                ok = false;
                continue;
            }

            if (result.Contains(symbol))
            {
                Add(itemPath, StrategyRules.DuplicateSymbol, $"duplicate symbol \"{symbol}\"");
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
            Add(path, StrategyRules.Required, "required field is missing");
            return null;
        }

        if (el.ValueKind != JsonValueKind.Object)
        {
            Add(path, StrategyRules.Type, $"must be an object of {{\"signal name\": {{\"weight\": …, \"params\": {{…}}}}}} (got {Shown(el)})");
            return null;
        }

        var entries = Fields(el, path, null, null, null);
        if (entries.Count == 0)
        {
            Add(path, StrategyRules.Range, $"must name at least one signal; known signals: {SignalCatalog.KnownNames}");
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
                Add(signalPath, StrategyRules.UnknownSignal, $"unknown signal \"{name}\"; known signals: {SignalCatalog.KnownNames}");
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
            Add(path, StrategyRules.WeightsSum,
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
            Add(path, StrategyRules.Type, $"must be an object {{\"weight\": …, \"params\": {{…}}}} (got {Shown(el)})");
            return null;
        }

        var errorsBefore = _errors.Count;
        var fields = Fields(el, path, SignalFields, StrategyRules.UnknownField, "field");
        var weight = RequiredNumber(fields, path, "weight", 0, true, double.PositiveInfinity, false);

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in spec.Params)
            values[p.Name] = p.Default;

        if (fields.TryGetValue("params", out var paramsEl))
        {
            var paramsPath = Prop(path, "params");
            if (paramsEl.ValueKind != JsonValueKind.Object)
            {
                Add(paramsPath, StrategyRules.Type, $"must be an object (got {Shown(paramsEl)})");
            }
            else
            {
                foreach (var (name, value) in Fields(paramsEl, paramsPath, null, null, null))
                {
                    var paramPath = Prop(paramsPath, name);
                    var pspec = spec.FindParam(name);
                    if (pspec is null)
                    {
                        Add(paramPath, StrategyRules.UnknownParam,
                            $"unknown parameter \"{name}\" of signal \"{spec.Name}\"; known: {spec.KnownParams}");
                        continue;
                    }

                    if (CheckNumber(value, paramPath, pspec.Min, pspec.MinInclusive, pspec.Max, pspec.MaxInclusive) is { } v)
                        values[name] = v;
                }
            }
        }

        if (_errors.Count > errorsBefore || weight is null)
            return null;
        return new SignalDefinition(spec.Name, weight.Value, values);
    }

    private TpSlConfig? ParseTpSl(Dictionary<string, JsonElement> fields)
    {
        const string path = "$.tp_sl";
        if (!fields.TryGetValue("tp_sl", out var el))
        {
            Add(path, StrategyRules.Required, "required field is missing");
            return null;
        }

        if (el.ValueKind != JsonValueKind.Object)
        {
            Add(path, StrategyRules.Type, $"must be an object {{\"sl_atr\": …, \"tp1_atr\": …, \"tp2_atr\": …}} (got {Shown(el)})");
            return null;
        }

        var tp = Fields(el, path, TpSlFields, StrategyRules.UnknownField, "field");
        var sl = RequiredNumber(tp, path, "sl_atr", 0, false, double.PositiveInfinity, false);
        var tp1 = RequiredNumber(tp, path, "tp1_atr", 0, false, double.PositiveInfinity, false);
        var tp2 = RequiredNumber(tp, path, "tp2_atr", 0, false, double.PositiveInfinity, false);
        if (sl is null || tp1 is null || tp2 is null)
            return null;

        if (!(tp1.Value < tp2.Value))
        {
            Add(Prop(path, "tp2_atr"), StrategyRules.TpOrder,
                $"must be greater than tp1_atr (got tp1_atr {Num(tp1.Value)}, tp2_atr {Num(tp2.Value)})");
            return null;
        }

        return new TpSlConfig(sl.Value, tp1.Value, tp2.Value);
    }

    // ---- primitives -------------------------------------------------------------------------------------

    /// <summary>
    /// The object's properties; flags duplicate keys and, when <paramref name="known"/> is given, unknown ones
    /// (which are then left out of the result).
    /// </summary>
    private Dictionary<string, JsonElement> Fields(JsonElement obj, string path, string[]? known, string? unknownRule, string? what)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            var propPath = Prop(path, p.Name);
            if (result.ContainsKey(p.Name))
            {
                Add(propPath, StrategyRules.DuplicateKey, $"key \"{p.Name}\" appears more than once");
                continue;
            }

            if (known is not null && Array.IndexOf(known, p.Name) < 0)
            {
                Add(propPath, unknownRule!, $"unknown {what} \"{p.Name}\"; known: {string.Join(", ", known)}");
                continue;
            }

            result.Add(p.Name, p.Value);
        }

        return result;
    }

    private string? RequiredString(Dictionary<string, JsonElement> fields, string parent, string name, Regex? pattern, string? patternText)
    {
        if (!fields.TryGetValue(name, out var el))
        {
            Add(Prop(parent, name), StrategyRules.Required, "required field is missing");
            return null;
        }

        return CheckString(el, Prop(parent, name), pattern, patternText);
    }

    private string? OptionalString(Dictionary<string, JsonElement> fields, string parent, string name) =>
        fields.TryGetValue(name, out var el) ? CheckString(el, Prop(parent, name), null, null) : null;

    private string? CheckString(JsonElement el, string path, Regex? pattern, string? patternText)
    {
        if (el.ValueKind != JsonValueKind.String)
        {
            Add(path, StrategyRules.Type, $"must be a string (got {Shown(el)})");
            return null;
        }

        var s = el.GetString()!;
        if (pattern is null)
        {
            if (s.Trim().Length == 0)
            {
                Add(path, StrategyRules.Format, "must not be empty");
                return null;
            }

            return s;
        }

        if (!pattern.IsMatch(s))
        {
            Add(path, StrategyRules.Format, $"must match {patternText} (got {Shown(el)})");
            return null;
        }

        return s;
    }

    private double? RequiredNumber(Dictionary<string, JsonElement> fields, string parent, string name,
        double min, bool minInclusive, double max, bool maxInclusive)
    {
        if (!fields.TryGetValue(name, out var el))
        {
            Add(Prop(parent, name), StrategyRules.Required, "required field is missing");
            return null;
        }

        return CheckNumber(el, Prop(parent, name), min, minInclusive, max, maxInclusive);
    }

    private double? CheckNumber(JsonElement el, string path, double min, bool minInclusive, double max, bool maxInclusive)
    {
        var range = ParamSpec.RangeDescription(min, minInclusive, max, maxInclusive);
        if (el.ValueKind != JsonValueKind.Number || !el.TryGetDouble(out var v) || !double.IsFinite(v))
        {
            Add(path, StrategyRules.Type, $"must be a number {range} (got {Shown(el)})");
            return null;
        }

        var spec = new ParamSpec("", 0, min, minInclusive, max, maxInclusive);
        if (!spec.Allows(v))
        {
            Add(path, StrategyRules.Range, $"must be a number {range} (got {Shown(el)})");
            return null;
        }

        return v;
    }

    private int? CheckInteger(JsonElement el, string path, int min, int max)
    {
        var rule = $"must be an integer ≥ {min} and ≤ {max}";
        if (el.ValueKind != JsonValueKind.Number)
        {
            Add(path, StrategyRules.Type, $"{rule} (got {Shown(el)})");
            return null;
        }

        if (!el.TryGetInt32(out var v) || v < min || v > max)
        {
            Add(path, StrategyRules.Range, $"{rule} (got {Shown(el)})");
            return null;
        }

        return v;
    }

    private void Add(string path, string rule, string message) => _errors.Add(new StrategyError(_file, path, rule, message));

    /// <summary>The offending value as written in the file, cut to a readable length.</summary>
    private static string Shown(JsonElement el)
    {
        var raw = el.GetRawText();
        return raw.Length <= 60 ? raw : raw[..57] + "...";
    }

    private static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>$.a.b</c>, or <c>$.a['odd name']</c> when the name is not a plain identifier.</summary>
    internal static string Prop(string parent, string name) =>
        PlainNameRegex().IsMatch(name)
            ? parent + "." + name
            : parent + "['" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";
}
