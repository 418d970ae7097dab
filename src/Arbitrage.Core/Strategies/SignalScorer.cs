using Arbitrage.Core.Indicators;

namespace Arbitrage.Core.Strategies;

/// <summary>How one signal scored: <see cref="Points"/> ∈ [0, <see cref="Weight"/>].</summary>
/// <param name="Status"><c>ok</c> = confirms the direction (earned points, possibly partial);
/// <c>against</c> = input present but earned nothing (opposes, neutral, or there is no direction);
/// <c>missing</c> = input not available.</param>
/// <param name="Input">The raw input the formula read (see strategies/README.md), null when missing.</param>
public sealed record SignalContribution(string Name, double Points, double Weight, string Status, double? Input)
{
    public const string Ok = "ok";
    public const string Missing = "missing";
    public const string Against = "against";
}

/// <summary>Direction, total score (0–100, the sum of the breakdown's points) and the per-signal breakdown.</summary>
public sealed record ScoreResult(SignalDirection Direction, double Score, IReadOnlyList<SignalContribution> Breakdown);

/// <summary>
/// Scores a tick for a strategy: pure and deterministic. Direction comes from CVD (30 m and 4 h agree);
/// each configured signal then earns <c>weight × credit</c> with credit ∈ [0, 1] when it confirms that
/// direction. Formulas are documented per signal in <c>strategies/README.md</c>.
/// </summary>
public static class SignalScorer
{
    /// <summary>Long when CVD 30 m and 4 h are both &gt; 0, Short when both &lt; 0, else None.</summary>
    public static SignalDirection DirectionOf(in IndicatorValues v) =>
        v.Cvd30m > 0 && v.Cvd4h > 0 ? SignalDirection.Long
        : v.Cvd30m < 0 && v.Cvd4h < 0 ? SignalDirection.Short
        : SignalDirection.None;

    public static ScoreResult Score(StrategyDefinition strategy, in IndicatorValues values, MarketInputs inputs)
    {
        var direction = DirectionOf(values);
        var d = Sign(direction);
        var breakdown = new SignalContribution[strategy.Signals.Count];
        var sum = 0.0;
        for (var i = 0; i < breakdown.Length; i++)
        {
            var signal = strategy.Signals[i];
            var points = Points(signal, d, values, inputs, out var input, out var credit);
            var status = input is null ? SignalContribution.Missing
                : credit > 0 ? SignalContribution.Ok
                : SignalContribution.Against;
            breakdown[i] = new SignalContribution(signal.Name, points, signal.Weight, status, input);
            sum += points;
        }

        return new ScoreResult(direction, Total(sum), breakdown);
    }

    /// <summary>
    /// <see cref="ScoreResult.Score"/> of <see cref="Score"/> without building the breakdown (no allocation):
    /// the same points summed in the same order, so the value is bit-identical. For the ticks that cannot emit.
    /// </summary>
    public static double ScoreOnly(StrategyDefinition strategy, in IndicatorValues values, MarketInputs inputs) =>
        ScoreOnly(strategy, values, inputs, out _);

    /// <summary>
    /// <see cref="ScoreOnly(StrategyDefinition, in IndicatorValues, MarketInputs)"/>, also saying which signals scored
    /// <c>missing</c>: bit <c>i</c> of <paramref name="missing"/> is <c>strategy.Signals[i]</c>.
    /// </summary>
    public static double ScoreOnly(StrategyDefinition strategy, in IndicatorValues values, MarketInputs inputs, out uint missing)
    {
        var d = Sign(DirectionOf(values));
        var sum = 0.0;
        var signals = strategy.Signals;
        missing = 0;
        for (var i = 0; i < signals.Count; i++)
        {
            sum += Points(signals[i], d, values, inputs, out var input, out _);
            if (input is null)
                missing |= 1u << i;
        }

        return Total(sum);
    }

    // d = +1 long, −1 short, 0 none: every formula is written once for longs and mirrored by d.
    private static double Sign(SignalDirection direction) =>
        direction switch { SignalDirection.Long => 1.0, SignalDirection.Short => -1.0, _ => 0.0 };

    // Weights sum to 100 (± 1e-9, checked at load): the clamp only absorbs that tolerance.
    private static double Total(double sum) => Math.Clamp(sum, 0, 100);

    /// <summary>One signal's points = weight × credit (credit clamped to [0, 1]; 0 without a direction or input).</summary>
    private static double Points(SignalDefinition signal, double d, in IndicatorValues values, MarketInputs inputs, out double? input, out double credit)
    {
        (input, credit) = Evaluate(signal, d, values, inputs);
        if (d == 0 || double.IsNaN(credit))
            credit = 0;
        credit = Math.Clamp(credit, 0, 1);
        return input is null ? 0 : signal.Weight * credit;
    }

    private static (double? Input, double Credit) Evaluate(SignalDefinition s, double d, in IndicatorValues v, MarketInputs m) =>
        s.Kind switch
        {
            SignalKind.Cvd => Cvd(s, d, v),
            SignalKind.P99 => P99(s, d, v),
            SignalKind.Accel => Accel(s, d, v),
            SignalKind.LsRatio => LsRatio(s, d, m),
            SignalKind.Oi => Oi(s, m),
            SignalKind.CoinbasePremium => CoinbasePremium(s, d, m),
            SignalKind.FundingRate => FundingRate(s, d, m),
            SignalKind.Liquidation => Liquidation(s, d, m),
            _ => throw new InvalidOperationException($"signal \"{s.Name}\" passed validation but has no formula"),
        };

    /// <summary>0 at x ≤ 0, linear to 1 at x = full, 1 above.</summary>
    internal static double Ramp(double x, double full) => x <= 0 ? 0 : x >= full ? 1 : x / full;

    private static double? Known(double? x) => x is { } value && double.IsFinite(value) ? value : null;

    // base_share for the direction itself (30 m and 4 h agree), the rest when 24 h agrees as well.
    private static (double?, double) Cvd(SignalDefinition s, double d, in IndicatorValues v)
    {
        if (Known(v.Cvd30m) is not { } cvd30 || !double.IsFinite(v.Cvd24h))
            return (null, 0);
        var share = s.Param("base_share");
        return (cvd30, share + (d * v.Cvd24h > 0 ? 1 - share : 0));
    }

    // Large-trade imbalance (buy − sell)/(buy + sell) in [−1, 1]; full credit at full_imbalance in the direction.
    private static (double?, double) P99(SignalDefinition s, double d, in IndicatorValues v)
    {
        if (Known(v.P99Qty) is null || !double.IsFinite(v.LargeBuyQty) || !double.IsFinite(v.LargeSellQty))
            return (null, 0);
        var total = v.LargeBuyQty + v.LargeSellQty;
        var imbalance = total > 0 ? (v.LargeBuyQty - v.LargeSellQty) / total : 0;
        return (imbalance, Ramp(d * imbalance, s.Param("full_imbalance")));
    }

    // Acceleration relative to the mean 5-minute CVD of the last 30 minutes (|cvd_30m| / 6).
    private static (double?, double) Accel(SignalDefinition s, double d, in IndicatorValues v)
    {
        if (Known(v.CvdAccel) is not { } accel || !double.IsFinite(v.Cvd30m))
            return (null, 0);
        var mean5m = Math.Abs(v.Cvd30m) / 6;
        var credit = mean5m > 0 ? Ramp(d * accel / mean5m, s.Param("full_ratio")) : 0;
        return (accel, credit);
    }

    // Contrarian crowding: the other side crowded (level) and accounts moving against the flow (change).
    private static (double?, double) LsRatio(SignalDefinition s, double d, MarketInputs m)
    {
        if (Known(m.LongShortRatio) is not { } ratio || ratio <= 0)
            return (null, 0);
        var share = s.Param("change_share");
        var level = Ramp(d * (s.Param("neutral") - ratio), s.Param("full_deviation"));
        var change = Known(m.LongShortRatioChangePct) is { } pct ? Ramp(-d * pct, s.Param("full_change_pct")) : 0;
        return (ratio, (1 - share) * level + share * change);
    }

    // Rising open interest = new positions behind the move, whichever the direction.
    private static (double?, double) Oi(SignalDefinition s, MarketInputs m) =>
        Known(m.OpenInterestChangePct) is { } pct ? (pct, Ramp(pct, s.Param("full_change_pct"))) : (null, 0);

    // US spot paying up confirms longs, a discount confirms shorts.
    private static (double?, double) CoinbasePremium(SignalDefinition s, double d, MarketInputs m) =>
        Known(m.CoinbasePremiumPct) is { } pct ? (pct, Ramp(d * pct, s.Param("full_pct"))) : (null, 0);

    // Contrarian: funding below neutral (shorts crowded, paying) confirms longs; above neutral confirms shorts.
    private static (double?, double) FundingRate(SignalDefinition s, double d, MarketInputs m) =>
        Known(m.FundingRate) is { } rate
            ? (rate, Ramp(d * (s.Param("neutral_rate") - rate), s.Param("full_deviation")))
            : (null, 0);

    // Liquidations of the opposite side (forced orders in our direction) confirm. Input = (short − long)/(short + long).
    private static (double?, double) Liquidation(SignalDefinition s, double d, MarketInputs m)
    {
        if (Known(m.LiquidatedLongUsd) is not { } longUsd || Known(m.LiquidatedShortUsd) is not { } shortUsd
            || longUsd < 0 || shortUsd < 0)
            return (null, 0);
        var total = longUsd + shortUsd;
        var imbalance = total > 0 ? (shortUsd - longUsd) / total : 0;
        var credit = total > 0 && total >= s.Param("min_total_usd") ? Ramp(d * imbalance, s.Param("full_imbalance")) : 0;
        return (imbalance, credit);
    }
}
