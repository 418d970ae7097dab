using System.Globalization;
using System.Text.Json;

namespace Arbitrage.Core.Sweeps;

/// <summary>The objectives a sweep ranks by: the <see cref="Backtest.BacktestMetrics"/> of the same name (higher is better).</summary>
public enum SweepObjective
{
    Sortino,
    Sharpe,
    ProfitFactor,
    PnlR,
    PnlUsd,
    ExpectancyR,
    Calmar,
}

/// <summary>One swept strategy-file value: its dotted JSON path and the values to try, each as JSON text (<c>1.5</c>, <c>true</c>).</summary>
public sealed record SweepParameter(string Path, IReadOnlyList<string> Values);

/// <summary>How the configurations are chosen: every combination, or <see cref="Samples"/> of them drawn with <see cref="Seed"/>.</summary>
public sealed record SweepSearch(bool Random, int Samples, ulong Seed)
{
    public static SweepSearch Grid { get; } = new(false, 0, 0);
}

/// <summary>
/// The validation windows: a train/test split of the tapes' span at <see cref="TrainShare"/>, or walk-forward windows of
/// <see cref="TrainMs"/> train then <see cref="TestMs"/> test, rolled by <see cref="TestMs"/>.
/// </summary>
public sealed record SweepValidation(bool WalkForward, double TrainShare, long TrainMs, long TestMs)
{
    public static SweepValidation Split(double trainShare) => new(false, trainShare, 0, 0);

    public static SweepValidation Rolling(long trainMs, long testMs) => new(true, 0, trainMs, testMs);
}

/// <summary>
/// When a configuration is flagged as overfit (<see cref="SweepOverfit"/>): its test objective fell below
/// (1 − <see cref="MaxDegradation"/>) × its train objective; the mean rank correlation of train and test across the
/// configurations is below <see cref="MinRankCorrelation"/> (null: not checked); its test rank moved more than
/// <see cref="MaxRankSpread"/> (a share of the ranking) between walk-forward windows (null: not checked).
/// </summary>
public sealed record SweepOverfitRule(double MaxDegradation, double? MinRankCorrelation, double? MaxRankSpread)
{
    public static SweepOverfitRule Default { get; } = new(0.5, null, null);
}

/// <summary>
/// A sweep's <c>SPEC.json</c> (README "Parameter sweeps"), parsed and checked. Relative paths are resolved against the
/// spec file's folder. Parsing is pure: whether the files exist is the caller's check.
/// </summary>
public sealed record SweepSpec(
    string Strategy,
    IReadOnlyList<string> Tapes,
    IReadOnlyList<SweepParameter> Parameters,
    SweepSearch Search,
    SweepObjective Objective,
    SweepValidation Validation,
    SweepOverfitRule Overfit,
    decimal StartingBalanceUsd,
    int Parallelism)
{
    public const decimal DefaultStartingBalanceUsd = 1_000m;

    /// <summary>The most configurations a grid may expand to (a typo in a range should not start a week of replays).</summary>
    public const int MaxConfigurations = 100_000;

    private const long HourMs = 3_600_000L;

    private static readonly string[] Fields = ["strategy", "tapes", "parameters", "search", "objective", "validation", "overfit", "starting_balance_usd", "parallelism"];

    /// <summary>The objective's name in the spec and in the CSV columns (<c>profit_factor</c>).</summary>
    public static string NameOf(SweepObjective objective) => objective switch
    {
        SweepObjective.Sortino => "sortino",
        SweepObjective.Sharpe => "sharpe",
        SweepObjective.ProfitFactor => "profit_factor",
        SweepObjective.PnlR => "pnl_r",
        SweepObjective.PnlUsd => "pnl_usd",
        SweepObjective.ExpectancyR => "expectancy_r",
        SweepObjective.Calmar => "calmar",
        _ => throw new ArgumentOutOfRangeException(nameof(objective)),
    };

    /// <summary>Parses <paramref name="json"/>; the error (one line naming the field) is set when the spec is refused.</summary>
    public static SweepSpec? Parse(string json, string specDirectory, int processorCount, out string? error)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            error = null;
            return Read(doc.RootElement, specDirectory, processorCount);
        }
        catch (JsonException e)
        {
            error = "not valid JSON: " + e.Message;
            return null;
        }
        catch (SpecException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static SweepSpec Read(JsonElement root, string dir, int processorCount)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SpecException("$: the spec must be a JSON object");
        }

        foreach (var p in root.EnumerateObject())
        {
            if (Array.IndexOf(Fields, p.Name) < 0)
            {
                throw new SpecException($"{p.Name}: unknown field (known: {string.Join(", ", Fields)})");
            }
        }

        var strategy = Path.GetFullPath(Path.Combine(dir, String(Required(root, "strategy"), "strategy")));
        var tapesElement = Required(root, "tapes");
        if (tapesElement.ValueKind != JsonValueKind.Array || tapesElement.GetArrayLength() == 0)
        {
            throw new SpecException("tapes: must be a non-empty array of tape file paths");
        }

        var tapes = tapesElement.EnumerateArray().Select((t, i) => Path.GetFullPath(Path.Combine(dir, String(t, $"tapes[{i}]")))).ToArray();
        var parameters = ReadParameters(Required(root, "parameters"));
        var search = root.TryGetProperty("search", out var s) ? ReadSearch(s) : SweepSearch.Grid;
        var objectiveName = String(Required(root, "objective"), "objective");
        var objective = Enum.GetValues<SweepObjective>().Where(o => NameOf(o) == objectiveName).Select(o => (SweepObjective?)o).FirstOrDefault()
            ?? throw new SpecException($"objective: \"{objectiveName}\" is not one of {string.Join(", ", Enum.GetValues<SweepObjective>().Select(NameOf))}");
        var validation = ReadValidation(Required(root, "validation"));
        var overfit = root.TryGetProperty("overfit", out var o) ? ReadOverfit(o) : SweepOverfitRule.Default;
        var balance = DefaultStartingBalanceUsd;
        if (root.TryGetProperty("starting_balance_usd", out var b))
        {
            balance = b.ValueKind == JsonValueKind.Number && b.TryGetDecimal(out var d) && d > 0m
                ? d
                : throw new SpecException($"starting_balance_usd: must be a positive number of USD (got {b.GetRawText()})");
        }

        var parallelism = processorCount;
        if (root.TryGetProperty("parallelism", out var par))
        {
            parallelism = par.ValueKind == JsonValueKind.Number && par.TryGetInt32(out var n) && n >= 1
                ? n
                : throw new SpecException($"parallelism: must be a whole number ≥ 1 (got {par.GetRawText()})");
        }

        var combinations = parameters.Aggregate(1L, (acc, p) => Math.Min(acc * p.Values.Count, long.MaxValue / 2));
        if (!search.Random && combinations > MaxConfigurations)
        {
            throw new SpecException($"parameters: the grid has {combinations:N0} configurations (more than {MaxConfigurations:N0}): use search.type \"random\" with samples");
        }

        return new SweepSpec(strategy, tapes, parameters, search, objective, validation, overfit, balance, parallelism);
    }

    private static List<SweepParameter> ReadParameters(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.EnumerateObject().Any())
        {
            throw new SpecException("parameters: must be an object naming at least one strategy-file path (e.g. \"tp_sl.sl_atr\")");
        }

        var list = new List<SweepParameter>();
        foreach (var p in e.EnumerateObject())
        {
            var field = "parameters." + p.Name;
            if (p.Name.Length == 0 || p.Name.Split('.').Any(s => s.Length == 0))
            {
                throw new SpecException($"{field}: a dotted path of strategy-file keys is needed (e.g. signals.cvd.params.base_share)");
            }

            if (p.Value.ValueKind != JsonValueKind.Object)
            {
                throw new SpecException($"{field}: must be {{\"values\": [..]}} or {{\"min\": .., \"max\": .., \"step\": ..}}");
            }

            var values = p.Value.TryGetProperty("values", out var v) ? ReadValues(v, field) : ReadRange(p.Value, field);
            foreach (var key in p.Value.EnumerateObject().Select(k => k.Name))
            {
                if (key is not ("values" or "min" or "max" or "step") || (key == "values") != p.Value.TryGetProperty("values", out _))
                {
                    throw new SpecException($"{field}.{key}: unknown or mixed field (use either values, or min, max and step)");
                }
            }

            if (values.Distinct(StringComparer.Ordinal).Count() != values.Count)
            {
                throw new SpecException($"{field}.values: a value is listed twice");
            }

            list.Add(new SweepParameter(p.Name, values));
        }

        return list;
    }

    private static List<string> ReadValues(JsonElement v, string field)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0)
        {
            throw new SpecException($"{field}.values: must be a non-empty array");
        }

        var values = new List<string>();
        foreach (var x in v.EnumerateArray())
        {
            values.Add(x.ValueKind switch
            {
                JsonValueKind.Number => x.TryGetDecimal(out var d) ? Number(d) : x.GetRawText(),
                JsonValueKind.String or JsonValueKind.True or JsonValueKind.False => x.GetRawText(),
                _ => throw new SpecException($"{field}.values: {x.GetRawText()}: only numbers, strings and booleans can be swept"),
            });
        }

        return values;
    }

    private static List<string> ReadRange(JsonElement e, string field)
    {
        decimal Get(string key) => e.TryGetProperty(key, out var x) && x.ValueKind == JsonValueKind.Number && x.TryGetDecimal(out var d)
            ? d
            : throw new SpecException($"{field}.{key}: a number is needed (a range is {{\"min\": .., \"max\": .., \"step\": ..}})");
        var min = Get("min");
        var max = Get("max");
        var step = Get("step");
        if (step <= 0m)
        {
            throw new SpecException($"{field}.step: must be > 0 (got {Number(step)})");
        }

        if (max < min)
        {
            throw new SpecException($"{field}.max: {Number(max)} is below min {Number(min)}");
        }

        if ((max - min) / step >= MaxConfigurations)
        {
            throw new SpecException($"{field}.step: the range has more than {MaxConfigurations:N0} values");
        }

        // Decimal steps are exact: 0.1 × 3 is 0.3, so max is reached when the range says so.
        var values = new List<string>();
        for (var x = min; x <= max; x += step)
        {
            values.Add(Number(x));
        }

        return values;
    }

    private static SweepSearch ReadSearch(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new SpecException("search: must be {\"type\": \"grid\"} or {\"type\": \"random\", \"samples\": N, \"seed\": S}");
        }

        var type = String(Required(e, "type", "search.type"), "search.type");
        if (type is not ("grid" or "random"))
        {
            throw new SpecException($"search.type: \"{type}\" is not grid or random");
        }

        Only(e, "search", type == "random" ? ["type", "samples", "seed"] : ["type"]);
        switch (type)
        {
            case "grid":
                return SweepSearch.Grid;
            case "random":
                var samples = Required(e, "samples", "search.samples");
                var seed = Required(e, "seed", "search.seed");
                return new SweepSearch(
                    true,
                    samples.ValueKind == JsonValueKind.Number && samples.TryGetInt32(out var n) && n >= 1 && n <= MaxConfigurations
                        ? n
                        : throw new SpecException($"search.samples: must be a whole number in [1, {MaxConfigurations}] (got {samples.GetRawText()})"),
                    seed.ValueKind == JsonValueKind.Number && seed.TryGetUInt64(out var u)
                        ? u
                        : throw new SpecException($"search.seed: must be a whole number ≥ 0 (got {seed.GetRawText()})"));
            default:
                throw new SpecException($"search.type: \"{type}\" is not grid or random");
        }
    }

    private static SweepValidation ReadValidation(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new SpecException("validation: must be {\"type\": \"split\", \"train_share\": 0.7} or {\"type\": \"walk_forward\", \"train_days\": N, \"test_days\": M}");
        }

        var type = String(Required(e, "type", "validation.type"), "validation.type");
        switch (type)
        {
            case "split":
                Only(e, "validation", ["type", "train_share"]);
                var share = Positive(Required(e, "train_share", "validation.train_share"), "validation.train_share");
                return share < 1.0 ? SweepValidation.Split(share) : throw new SpecException($"validation.train_share: must be in (0, 1) (got {share.ToString(CultureInfo.InvariantCulture)})");
            case "walk_forward":
                Only(e, "validation", ["type", "train_days", "test_days", "train_hours", "test_hours"]);
                return SweepValidation.Rolling(Length(e, "train"), Length(e, "test"));
            default:
                throw new SpecException($"validation.type: \"{type}\" is not split or walk_forward");
        }
    }

    /// <summary>A walk-forward length: <c>X_days</c> or <c>X_hours</c> (fractions allowed), exactly one of them.</summary>
    private static long Length(JsonElement e, string prefix)
    {
        var hasDays = e.TryGetProperty(prefix + "_days", out var days);
        var hasHours = e.TryGetProperty(prefix + "_hours", out var hours);
        if (hasDays == hasHours)
        {
            throw new SpecException($"validation.{prefix}_days: give either {prefix}_days or {prefix}_hours (exactly one)");
        }

        var ms = hasDays ? Positive(days, $"validation.{prefix}_days") * 24 * HourMs : Positive(hours, $"validation.{prefix}_hours") * HourMs;
        return ms >= 1_000 ? (long)Math.Round(ms) : throw new SpecException($"validation.{prefix}_{(hasDays ? "days" : "hours")}: at least one second is needed");
    }

    private static SweepOverfitRule ReadOverfit(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new SpecException("overfit: must be an object (max_degradation, min_rank_correlation, max_rank_spread)");
        }

        Only(e, "overfit", ["max_degradation", "min_rank_correlation", "max_rank_spread"]);
        var rule = SweepOverfitRule.Default;
        if (e.TryGetProperty("max_degradation", out var d))
        {
            var v = Number(d, "overfit.max_degradation");
            rule = v is >= 0 and <= 1 ? rule with { MaxDegradation = v } : throw new SpecException($"overfit.max_degradation: must be in [0, 1] (got {d.GetRawText()})");
        }

        if (e.TryGetProperty("min_rank_correlation", out var c))
        {
            var v = Number(c, "overfit.min_rank_correlation");
            rule = v is >= -1 and <= 1 ? rule with { MinRankCorrelation = v } : throw new SpecException($"overfit.min_rank_correlation: must be in [-1, 1] (got {c.GetRawText()})");
        }

        if (e.TryGetProperty("max_rank_spread", out var r))
        {
            var v = Number(r, "overfit.max_rank_spread");
            rule = v is > 0 and <= 1 ? rule with { MaxRankSpread = v } : throw new SpecException($"overfit.max_rank_spread: must be in (0, 1] (got {r.GetRawText()})");
        }

        return rule;
    }

    private static void Only(JsonElement e, string field, string[] known)
    {
        foreach (var p in e.EnumerateObject())
        {
            if (Array.IndexOf(known, p.Name) < 0)
            {
                throw new SpecException($"{field}.{p.Name}: unknown field here (known: {string.Join(", ", known)})");
            }
        }
    }

    private static JsonElement Required(JsonElement e, string key, string? field = null) =>
        e.TryGetProperty(key, out var v) ? v : throw new SpecException($"{field ?? key}: required");

    private static string String(JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s ? s : throw new SpecException($"{field}: a non-empty string is needed (got {e.GetRawText()})");

    private static double Number(JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.Number ? e.GetDouble() : throw new SpecException($"{field}: a number is needed (got {e.GetRawText()})");

    private static double Positive(JsonElement e, string field)
    {
        var v = Number(e, field);
        return v > 0 && double.IsFinite(v) ? v : throw new SpecException($"{field}: must be > 0 (got {e.GetRawText()})");
    }

    /// <summary>A decimal as the shortest JSON number: 1.50 → 1.5 (the CSV and the strategy file show the same text).</summary>
    internal static string Number(decimal d) => (d / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    private sealed class SpecException(string message) : Exception(message);
}
