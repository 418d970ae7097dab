using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Arbitrage.Core.Strategies;

/// <summary>
/// The JSON validation toolkit of the strategy files (signal strategies and the carry): parses a file's text and reads
/// strings, numbers (double or decimal), integers and booleans at a JSON path, collecting every problem as a
/// <see cref="StrategyError"/> (file, <c>$.path</c>, rule, message) instead of stopping at the first. The parsers
/// (<see cref="StrategyParser"/>, <see cref="CarryConfigParser"/>) say what a file holds; this class says how a value is
/// read and how a problem is worded.
/// </summary>
internal sealed partial class JsonValidator(string file)
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")] private static partial Regex PlainNameRegex();

    private readonly List<StrategyError> _errors = [];

    /// <summary>Everything found so far, in the order found.</summary>
    public IReadOnlyList<StrategyError> Errors => _errors;

    /// <summary>How many problems were found so far (compare before and after reading a section).</summary>
    public int Count => _errors.Count;

    public void Add(string path, string rule, string message) => _errors.Add(new StrategyError(file, path, rule, message));

    /// <summary>The document, or null after recording the syntax error (rule <c>json-syntax</c>).</summary>
    /// <param name="locate">True: the error's path is the last value or property read before it; false: <c>$</c>.</param>
    public JsonDocument? Parse(string json, int maxDepth, bool locate)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var position = (ex.BytePositionInLine ?? 0) + 1;
            var reason = ex.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
                reason = reason[..cut];
            Add(locate ? SyntaxErrorPath(json, maxDepth) : "$", StrategyRules.JsonSyntax, $"invalid JSON at line {line}, position {position}: {reason}");
            return null;
        }
    }

    /// <summary>
    /// JsonDocument reports line and position but no path: re-read the text token by token up to the error and
    /// return the path of the last value or property seen there (e.g. <c>$.version</c> for <c>"version": ,</c>).
    /// </summary>
    private static string SyntaxErrorPath(string json, int maxDepth)
    {
        var frames = new List<(bool IsArray, int Index, string? Property)>();
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token is not (JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.PropertyName)
                    && frames.Count > 0 && frames[^1].IsArray)
                    frames[^1] = frames[^1] with { Index = frames[^1].Index + 1 };

                switch (token)
                {
                    case JsonTokenType.PropertyName:
                        frames[^1] = frames[^1] with { Property = reader.GetString() };
                        break;
                    case JsonTokenType.StartObject:
                        frames.Add((false, -1, null));
                        break;
                    case JsonTokenType.StartArray:
                        frames.Add((true, -1, null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Expected: the reader stops where JsonDocument did.
        }

        var path = "$";
        foreach (var f in frames)
        {
            if (f.IsArray && f.Index >= 0)
                path += $"[{f.Index}]";
            else if (!f.IsArray && f.Property is not null)
                path = Prop(path, f.Property);
        }

        return path;
    }

    /// <summary>
    /// The object's properties; flags duplicate keys and, when <paramref name="known"/> is given, unknown ones
    /// (which are then left out of the result).
    /// </summary>
    public Dictionary<string, JsonElement> Fields(JsonElement obj, string path, string[]? known, string? unknownRule, string? what)
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

    // ---- strings ----

    public string? RequiredString(Dictionary<string, JsonElement> fields, string parent, string name, Regex? pattern, string? patternText)
    {
        if (!fields.TryGetValue(name, out var el))
        {
            Add(Prop(parent, name), StrategyRules.Required, "required field is missing");
            return null;
        }

        return CheckString(el, Prop(parent, name), pattern, patternText);
    }

    public string? OptionalString(Dictionary<string, JsonElement> fields, string parent, string name) =>
        fields.TryGetValue(name, out var el) ? CheckString(el, Prop(parent, name), null, null) : null;

    /// <summary>A string matching <paramref name="pattern"/>, or any non-blank string when there is none.</summary>
    public string? CheckString(JsonElement el, string path, Regex? pattern, string? patternText)
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

    // ---- numbers ----

    public double? RequiredNumber(Dictionary<string, JsonElement> fields, string parent, string name,
        double min, bool minInclusive, double max, bool maxInclusive)
    {
        if (!fields.TryGetValue(name, out var el))
        {
            Add(Prop(parent, name), StrategyRules.Required, "required field is missing");
            return null;
        }

        return CheckNumber(el, Prop(parent, name), min, minInclusive, max, maxInclusive);
    }

    /// <summary>A finite double within the bounds (<paramref name="max"/> = +∞: no upper bound).</summary>
    public double? CheckNumber(JsonElement el, string path, double min, bool minInclusive, double max, bool maxInclusive)
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

    public int? CheckInteger(JsonElement el, string path, int min, int max)
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

    /// <summary>
    /// An exact decimal (money, rates, steps: values that reach the exchange or are compared with its exact numbers).
    /// Absent: <paramref name="fallback"/>, or a <c>required</c> error when that is null.
    /// </summary>
    public decimal? Decimal(Dictionary<string, JsonElement> fields, string parent, string name, decimal? fallback, DecimalBounds bounds)
    {
        if (!fields.TryGetValue(name, out var el))
        {
            if (fallback is null) Add(Prop(parent, name), StrategyRules.Required, "required field is missing");
            return fallback;
        }

        return CheckDecimal(el, Prop(parent, name), bounds);
    }

    public decimal? CheckDecimal(JsonElement el, string path, DecimalBounds bounds)
    {
        if (el.ValueKind != JsonValueKind.Number || !el.TryGetDecimal(out var d))
        {
            Add(path, StrategyRules.Type, $"{bounds.Rule} (got {Shown(el)})");
            return null;
        }

        if (!bounds.Allows(d))
        {
            Add(path, StrategyRules.Range, $"{bounds.Rule} (got {Shown(el)})");
            return null;
        }

        return d;
    }

    // ---- booleans ----

    /// <summary>A boolean; absent: <paramref name="fallback"/>.</summary>
    public bool Bool(Dictionary<string, JsonElement> fields, string parent, string name, bool fallback)
    {
        if (!fields.TryGetValue(name, out var el)) return fallback;
        if (el.ValueKind is JsonValueKind.True or JsonValueKind.False) return el.GetBoolean();
        Add(Prop(parent, name), StrategyRules.Type, $"must be true or false (got {Shown(el)})");
        return fallback;
    }

    // ---- words ----

    /// <summary>The offending value as written in the file, cut to a readable length.</summary>
    public static string Shown(JsonElement el)
    {
        var raw = el.GetRawText();
        return raw.Length <= 60 ? raw : raw[..57] + "...";
    }

    public static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);

    public static string Num(decimal v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>$.a.b</c>, or <c>$.a['odd name']</c> when the name is not a plain identifier.</summary>
    public static string Prop(string parent, string name) =>
        PlainNameRegex().IsMatch(name)
            ? parent + "." + name
            : parent + "['" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";
}

/// <summary>Bounds of a decimal field: <c>&gt;</c> or <c>≥</c> a minimum, <c>≤</c> a maximum, whole numbers only.</summary>
internal readonly record struct DecimalBounds(decimal? Min = null, bool MinExclusive = false, decimal? Max = null, bool Integer = false)
{
    public bool Allows(decimal d) =>
        !(Min is { } m && (MinExclusive ? d <= m : d < m))
        && !(Max is { } x && d > x)
        && (!Integer || d == decimal.Truncate(d));

    /// <summary>e.g. <c>must be a number &gt; 0</c>, <c>must be an integer ≥ 1 and ≤ 24</c>.</summary>
    public string Rule
    {
        get
        {
            var what = Integer ? "must be an integer" : "must be a number";
            var lower = Min is { } a ? $" {(MinExclusive ? ">" : "≥")} {JsonValidator.Num(a)}" : "";
            var upper = Max is { } b ? $"{(Min is null ? "" : " and")} ≤ {JsonValidator.Num(b)}" : "";
            return what + lower + upper;
        }
    }
}
