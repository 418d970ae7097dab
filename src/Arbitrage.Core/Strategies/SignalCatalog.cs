using System.Globalization;

namespace Arbitrage.Core.Strategies;

/// <summary>
/// The signals a strategy file may name, with their parameters. The order here is the order of every
/// score breakdown. Formulas live in <see cref="SignalScorer"/> and are documented in <c>strategies/README.md</c>.
/// </summary>
public static class SignalCatalog
{
    public const string Cvd = "cvd";
    public const string P99 = "p99";
    public const string Accel = "accel";
    public const string LsRatio = "ls_ratio";
    public const string Oi = "oi";
    public const string CoinbasePremium = "coinbase_premium";
    public const string FundingRate = "funding_rate";
    public const string Liquidation = "liquidation";

    /// <summary>The formula a signal name selects.</summary>
    public static SignalKind KindOf(string name) => name switch
    {
        Cvd => SignalKind.Cvd,
        P99 => SignalKind.P99,
        Accel => SignalKind.Accel,
        LsRatio => SignalKind.LsRatio,
        Oi => SignalKind.Oi,
        CoinbasePremium => SignalKind.CoinbasePremium,
        FundingRate => SignalKind.FundingRate,
        Liquidation => SignalKind.Liquidation,
        _ => SignalKind.Unknown,
    };

    public static IReadOnlyList<SignalSpec> All { get; } =
    [
        new(Cvd, [new ParamSpec("base_share", 0.7, 0, true, 1, true)]),
        new(P99, [new ParamSpec("full_imbalance", 0.5, 0, false, 1, true)]),
        new(Accel, [new ParamSpec("full_ratio", 1.0, 0, false, double.PositiveInfinity, false)]),
        new(LsRatio,
        [
            new ParamSpec("neutral", 1.0, 0, false, double.PositiveInfinity, false),
            new ParamSpec("full_deviation", 0.5, 0, false, double.PositiveInfinity, false),
            new ParamSpec("change_share", 0.5, 0, true, 1, true),
            new ParamSpec("full_change_pct", 5.0, 0, false, double.PositiveInfinity, false),
        ]),
        new(Oi, [new ParamSpec("full_change_pct", 2.0, 0, false, double.PositiveInfinity, false)]),
        new(CoinbasePremium, [new ParamSpec("full_pct", 0.1, 0, false, double.PositiveInfinity, false)]),
        new(FundingRate,
        [
            new ParamSpec("neutral_rate", 0.0001, -0.05, true, 0.05, true),
            new ParamSpec("full_deviation", 0.0004, 0, false, double.PositiveInfinity, false),
        ]),
        new(Liquidation,
        [
            new ParamSpec("full_imbalance", 0.5, 0, false, 1, true),
            new ParamSpec("min_total_usd", 0, 0, true, double.PositiveInfinity, false),
        ]),
    ];

    /// <summary>"cvd, p99, accel, ..." for error messages.</summary>
    public static string KnownNames { get; } = string.Join(", ", All.Select(s => s.Name));

    public static SignalSpec? Find(string name)
    {
        foreach (var s in All)
            if (s.Name == name)
                return s;
        return null;
    }

    /// <summary>Position in <see cref="All"/>; the canonical breakdown order.</summary>
    public static int IndexOf(string name)
    {
        for (var i = 0; i < All.Count; i++)
            if (All[i].Name == name)
                return i;
        return -1;
    }
}

/// <summary>A signal the scorer knows and the parameters its formula takes.</summary>
public sealed record SignalSpec(string Name, IReadOnlyList<ParamSpec> Params)
{
    public ParamSpec? FindParam(string name)
    {
        foreach (var p in Params)
            if (p.Name == name)
                return p;
        return null;
    }

    public string KnownParams => Params.Count == 0 ? "(none)" : string.Join(", ", Params.Select(p => p.Name));
}

/// <summary>A numeric parameter with its default and allowed range (each bound inclusive or not).</summary>
public sealed record ParamSpec(string Name, double Default, double Min, bool MinInclusive, double Max, bool MaxInclusive)
{
    public bool Allows(double value) =>
        double.IsFinite(value)
        && (MinInclusive ? value >= Min : value > Min)
        && (double.IsPositiveInfinity(Max) || (MaxInclusive ? value <= Max : value < Max));

    /// <summary>"&gt; 0", "≥ 0 and ≤ 1", ... as used in "must be a number … (got …)".</summary>
    public string RangeText => RangeDescription(Min, MinInclusive, Max, MaxInclusive);

    internal static string RangeDescription(double min, bool minInclusive, double max, bool maxInclusive)
    {
        var lower = (minInclusive ? "≥ " : "> ") + min.ToString(CultureInfo.InvariantCulture);
        return double.IsPositiveInfinity(max)
            ? lower
            : lower + " and " + (maxInclusive ? "≤ " : "< ") + max.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>The signals of <see cref="SignalCatalog"/> as a closed set (the scorer's switch).</summary>
public enum SignalKind
{
    Unknown,
    Cvd,
    P99,
    Accel,
    LsRatio,
    Oi,
    CoinbasePremium,
    FundingRate,
    Liquidation,
}
