using System.Text.Json;
using System.Text.RegularExpressions;
using Arbitrage.Core.Strategies;
using Arbitrage.Core.Triangles.Execution;
using static Arbitrage.Core.Strategies.JsonValidator;

namespace Arbitrage.Core.Triangles;

/// <summary>
/// A triangle config over <see cref="JsonDocument"/> with the strategy files' <see cref="JsonValidator"/> toolkit (as
/// <see cref="CarryConfigParser"/>): every error with its JSON path and rule, a <see cref="TriangleConfig"/> only when
/// there are none.
/// </summary>
internal sealed partial class TriangleConfigParser
{
    internal const string VenuePattern = "^[a-z0-9][a-z0-9_-]{0,39}$";
    internal const string AssetPattern = "^[A-Z0-9]{1,20}$";
    internal const string PairPattern = "^[A-Z0-9]{1,20}/[A-Z0-9]{1,20}$";
    internal const string AllSymbols = "*";
    internal const string AccountFee = "account";

    private const decimal MaxTakerFee = 0.1m;

    private static readonly string[] TopLevelFields =
    [
        "id", "venue", "symbols", "start_assets", "taker_fee", "min_net_return", "staleness_ms", "enabled", "execute_min_net_return",
        "max_slippage_bps", "leg_order_type", "unwind", "cooldown_ms", "leg_timeout_ms", "paper_balances", "paper_latency_ms", "execute",
    ];

    [GeneratedRegex(StrategyParser.IdPattern)] private static partial Regex IdRegex();
    [GeneratedRegex(VenuePattern)] private static partial Regex VenueRegex();
    [GeneratedRegex(AssetPattern)] private static partial Regex AssetRegex();
    [GeneratedRegex(PairPattern)] private static partial Regex PairRegex();

    private readonly JsonValidator _json;

    private TriangleConfigParser(string file) => _json = new JsonValidator(file);

    public static TriangleConfigLoadResult Parse(string file, string json)
    {
        var parser = new TriangleConfigParser(file);
        using var doc = parser._json.Parse(json, maxDepth: 8, locate: true);
        var config = doc is null ? null : parser.ParseRoot(doc.RootElement);
        return parser._json.Count == 0 && config is not null
            ? new TriangleConfigLoadResult(config, [])
            : new TriangleConfigLoadResult(null, parser._json.Errors);
    }

    private TriangleConfig? ParseRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            _json.Add("$", StrategyRules.Type, $"must be a JSON object (got {Shown(root)})");
            return null;
        }

        var fields = _json.Fields(root, "$", TopLevelFields, StrategyRules.UnknownField, "field");
        var id = _json.RequiredString(fields, "$", "id", IdRegex(), StrategyParser.IdPattern);
        var venue = _json.RequiredString(fields, "$", "venue", VenueRegex(), VenuePattern);
        var symbolsOk = ParseSymbols(fields, out var symbols);
        var startAssets = ParseStartAssets(fields);
        var feeOk = ParseTakerFee(fields, out var fee);
        var minNet = _json.Decimal(fields, "$", "min_net_return", null, new(Min: -1m, MinExclusive: true));
        var staleness = fields.TryGetValue("staleness_ms", out var st) ? _json.CheckInteger(st, "$.staleness_ms", 1, int.MaxValue) : (int)TriangleConfig.DefaultStalenessMs;
        var enabled = _json.Bool(fields, "$", "enabled", fallback: true);
        var executeMin = _json.Decimal(fields, "$", "execute_min_net_return", TriangleConfig.DefaultExecuteMinNetReturn, new(Min: 0m, MinExclusive: true));

        var execution = ParseExecution(fields);

        if (_json.Count > 0 || id is null || venue is null || !symbolsOk || startAssets is null || !feeOk || minNet is null || staleness is null || executeMin is null || execution is null)
        {
            return null;
        }

        if (symbols is not null)
        {
            // A start asset no listed pair trades has no cycle: almost surely a typo.
            var assets = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var s in symbols)
            {
                var slash = s.IndexOf('/', StringComparison.Ordinal);
                assets.Add(s[..slash]);
                assets.Add(s[(slash + 1)..]);
            }

            foreach (var start in startAssets)
            {
                if (!assets.Contains(start.Asset))
                {
                    _json.Add(Prop("$.start_assets", start.Asset), TriangleConfigRules.UnknownAsset,
                        $"start asset {start.Asset} is in none of the symbols (assets: {string.Join(", ", assets)})");
                }
            }

            if (_json.Count > 0)
            {
                return null;
            }
        }

        return new TriangleConfig(id, venue, symbols, startAssets, fee, minNet.Value, staleness.Value, enabled, executeMin.Value, execution);
    }

    /// <summary>The execution keys (all optional); null when one is invalid (its error is added).</summary>
    private TriangleExecutionSettings? ParseExecution(Dictionary<string, JsonElement> fields)
    {
        var before = _json.Count;
        var slippage = _json.Decimal(fields, "$", "max_slippage_bps", TriangleExecutionSettings.DefaultMaxSlippageBps,
            new(Min: 0m, Max: TriangleExecutionSettings.MaxMaxSlippageBps));
        var orderType = Choice(fields, "leg_order_type", LegOrderType.LimitIoc, ("limit_ioc", LegOrderType.LimitIoc), ("market", LegOrderType.Market));
        var unwind = Choice(fields, "unwind", UnwindPolicy.Market, ("market", UnwindPolicy.Market), ("none", UnwindPolicy.None));
        var cooldown = Integer(fields, "cooldown_ms", TriangleExecutionSettings.DefaultCooldownMs, 0);
        var timeout = Integer(fields, "leg_timeout_ms", TriangleExecutionSettings.DefaultLegTimeoutMs, 1);
        var latency = Integer(fields, "paper_latency_ms", 0, 0);
        var execute = _json.Bool(fields, "$", "execute", fallback: false);
        var balances = ParsePaperBalances(fields);
        if (_json.Count > before || slippage is null)
        {
            return null;
        }

        return new TriangleExecutionSettings(slippage.Value, orderType, unwind, cooldown, timeout, balances, latency, execute);
    }

    private T Choice<T>(Dictionary<string, JsonElement> fields, string name, T fallback, params (string Text, T Value)[] choices)
    {
        if (!fields.TryGetValue(name, out var el))
        {
            return fallback;
        }

        var words = string.Join(" or ", choices.Select(c => $"\"{c.Text}\""));
        if (el.ValueKind != JsonValueKind.String)
        {
            _json.Add(Prop("$", name), StrategyRules.Type, $"must be {words} (got {Shown(el)})");
            return fallback;
        }

        foreach (var (text, value) in choices)
        {
            if (el.GetString() == text)
            {
                return value;
            }
        }

        _json.Add(Prop("$", name), StrategyRules.Format, $"must be {words} (got {Shown(el)})");
        return fallback;
    }

    private long Integer(Dictionary<string, JsonElement> fields, string name, long fallback, int min) =>
        fields.TryGetValue(name, out var el) ? _json.CheckInteger(el, Prop("$", name), min, int.MaxValue) ?? fallback : fallback;

    /// <summary>An object asset → amount ≥ 0; absent = null (ten times each start asset's notional).</summary>
    private Dictionary<string, decimal>? ParsePaperBalances(Dictionary<string, JsonElement> fields)
    {
        const string path = "$.paper_balances";
        if (!fields.TryGetValue("paper_balances", out var el))
        {
            return null;
        }

        if (el.ValueKind != JsonValueKind.Object)
        {
            _json.Add(path, StrategyRules.Type, $"must be an object of asset: amount (got {Shown(el)})");
            return null;
        }

        var balances = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (asset, value) in _json.Fields(el, path, null, null, null))
        {
            var assetPath = Prop(path, asset);
            if (!AssetRegex().IsMatch(asset))
            {
                _json.Add(assetPath, StrategyRules.Format, $"asset must match {AssetPattern} (got \"{asset}\")");
                continue;
            }

            if (_json.CheckDecimal(value, assetPath, new DecimalBounds(Min: 0m)) is { } amount)
            {
                balances.Add(asset, amount);
            }
        }

        return balances;
    }

    /// <summary><c>"*"</c> (or <c>["*"]</c>) → null = every pair; else a non-empty array of distinct <c>BASE/QUOTE</c>.</summary>
    private bool ParseSymbols(Dictionary<string, JsonElement> fields, out List<string>? symbols)
    {
        const string path = "$.symbols";
        symbols = null;
        if (!fields.TryGetValue("symbols", out var el))
        {
            _json.Add(path, StrategyRules.Required, "required field is missing");
            return false;
        }

        if (el.ValueKind == JsonValueKind.String && el.GetString() == AllSymbols)
        {
            return true;
        }

        if (el.ValueKind != JsonValueKind.Array)
        {
            _json.Add(path, StrategyRules.Type, $"must be \"*\" or an array of BASE/QUOTE symbols (got {Shown(el)})");
            return false;
        }

        if (el.GetArrayLength() == 0)
        {
            _json.Add(path, StrategyRules.Range, "must not be empty");
            return false;
        }

        if (el.GetArrayLength() == 1 && el[0].ValueKind == JsonValueKind.String && el[0].GetString() == AllSymbols)
        {
            return true;
        }

        var list = new List<string>();
        var byAssets = new Dictionary<(string, string), string>();
        var ok = true;
        var i = 0;
        foreach (var item in el.EnumerateArray())
        {
            var itemPath = $"{path}[{i++}]";
            var symbol = _json.CheckString(item, itemPath, PairRegex(), PairPattern);
            if (symbol is null)
            {
                ok = false;
                continue;
            }

            var slash = symbol.IndexOf('/', StringComparison.Ordinal);
            var (b, q) = (symbol[..slash], symbol[(slash + 1)..]);
            if (b == q)
            {
                _json.Add(itemPath, StrategyRules.Format, $"base and quote must differ (got \"{symbol}\")");
                ok = false;
            }
            else if (list.Contains(symbol))
            {
                _json.Add(itemPath, StrategyRules.DuplicateSymbol, $"duplicate symbol \"{symbol}\"");
                ok = false;
            }
            else if (byAssets.TryGetValue(string.CompareOrdinal(b, q) < 0 ? (b, q) : (q, b), out var other))
            {
                _json.Add(itemPath, TriangleConfigRules.DuplicatePair, $"\"{symbol}\" trades the same two assets as \"{other}\"; keep one");
                ok = false;
            }
            else
            {
                list.Add(symbol);
                byAssets.Add(string.CompareOrdinal(b, q) < 0 ? (b, q) : (q, b), symbol);
            }
        }

        symbols = list;
        return ok;
    }

    /// <summary>A non-empty object asset → notional &gt; 0, in file order.</summary>
    private List<StartAsset>? ParseStartAssets(Dictionary<string, JsonElement> fields)
    {
        const string path = "$.start_assets";
        if (!fields.TryGetValue("start_assets", out var el))
        {
            _json.Add(path, StrategyRules.Required, "required field is missing");
            return null;
        }

        if (el.ValueKind != JsonValueKind.Object)
        {
            _json.Add(path, StrategyRules.Type, $"must be an object of asset: notional (got {Shown(el)})");
            return null;
        }

        var before = _json.Count;
        var entries = _json.Fields(el, path, null, null, null);
        if (entries.Count == 0 && _json.Count == before)
        {
            _json.Add(path, StrategyRules.Range, "must name at least one start asset");
            return null;
        }

        var list = new List<StartAsset>();
        foreach (var (asset, value) in entries)
        {
            var assetPath = Prop(path, asset);
            if (!AssetRegex().IsMatch(asset))
            {
                _json.Add(assetPath, StrategyRules.Format, $"asset must match {AssetPattern} (got \"{asset}\")");
                continue;
            }

            if (_json.CheckDecimal(value, assetPath, new DecimalBounds(Min: 0m, MinExclusive: true)) is { } notional)
            {
                list.Add(new StartAsset(asset, notional));
            }
        }

        return _json.Count == before ? list : null;
    }

    /// <summary>A number in [0, 0.1), or <c>"account"</c> (null).</summary>
    private bool ParseTakerFee(Dictionary<string, JsonElement> fields, out decimal? fee)
    {
        const string path = "$.taker_fee";
        const string rule = "must be a number ≥ 0 and < 0.1, or \"account\"";
        fee = null;
        if (!fields.TryGetValue("taker_fee", out var el))
        {
            _json.Add(path, StrategyRules.Required, "required field is missing");
            return false;
        }

        if (el.ValueKind == JsonValueKind.String && el.GetString() == AccountFee)
        {
            return true;
        }

        if (el.ValueKind != JsonValueKind.Number || !el.TryGetDecimal(out var d))
        {
            _json.Add(path, StrategyRules.Type, $"{rule} (got {Shown(el)})");
            return false;
        }

        if (d < 0 || d >= MaxTakerFee)
        {
            _json.Add(path, StrategyRules.Range, $"{rule} (got {Shown(el)})");
            return false;
        }

        fee = d;
        return true;
    }
}
