using System.Globalization;
using System.Text;
using Arbitrage.Core.Text;

namespace Arbitrage.Core.Strategies;

/// <summary>What <see cref="SignalDecision.EvaluateCandidate(StrategyDefinition, string, in Indicators.IndicatorValues, MarketInputs, CooldownBook, out CandidateScore)"/> computed for one tick.</summary>
/// <param name="Evaluated">False when the strategy is disabled or does not trade the symbol: the tick says nothing about it.</param>
/// <param name="Score">NaN when there is no direction (nothing scored).</param>
/// <param name="Missing">Bit <c>i</c> set when <c>strategy.Signals[i]</c> scored <c>missing</c>.</param>
public readonly record struct CandidateScore(bool Evaluated, SignalDirection Direction, double Score, uint Missing)
{
    public static CandidateScore NotEvaluated => new(false, SignalDirection.None, double.NaN, 0);

    public static CandidateScore NoDirection => new(true, SignalDirection.None, double.NaN, 0);
}

/// <summary>
/// How far a strategy's scores got since it (re)started: the best score and where, and which inputs scored
/// <c>missing</c> on every scored tick or on some — so "no signal" comes with a reason. A fixed-size value
/// updated per tick without allocating (<see cref="Observe"/>); <see cref="StrategyScoreReport.Of"/> puts it in words.
/// </summary>
/// <param name="Ticks">Ticks of the strategy's symbols while it was enabled.</param>
/// <param name="ScoredTicks">Of those, ticks with a direction (CVD 30 m and 4 h agree), which are scored.</param>
/// <param name="BestScore">NaN before the first scored tick.</param>
/// <param name="MissingEveryTick">Bit <c>i</c>: <c>Signals[i]</c> was missing on every scored tick (meaningless while <paramref name="ScoredTicks"/> is 0).</param>
/// <param name="MissingSomeTick">Bit <c>i</c>: <c>Signals[i]</c> was missing on at least one scored tick.</param>
/// <param name="Signals">Signals emitted.</param>
public readonly record struct ScoreWatch(
    long Ticks,
    long ScoredTicks,
    double BestScore,
    string? BestSymbol,
    long BestTimeMs,
    uint MissingEveryTick,
    uint MissingSomeTick,
    long Signals)
{
    public static ScoreWatch Empty => new(0, 0, double.NaN, null, 0, 0, 0, 0);

    /// <summary>The watch after one tick of <paramref name="symbol"/> at <paramref name="timeMs"/>.</summary>
    public ScoreWatch Observe(string symbol, long timeMs, in CandidateScore tick, bool emitted)
    {
        if (!tick.Evaluated)
            return this;
        var next = this with { Ticks = Ticks + 1, Signals = Signals + (emitted ? 1 : 0) };
        if (double.IsNaN(tick.Score))
            return next;
        next = next with
        {
            ScoredTicks = ScoredTicks + 1,
            MissingEveryTick = ScoredTicks == 0 ? tick.Missing : MissingEveryTick & tick.Missing,
            MissingSomeTick = MissingSomeTick | tick.Missing,
        };
        // The first time the best was reached (ties keep the earlier tick).
        return double.IsNaN(BestScore) || tick.Score > BestScore
            ? next with { BestScore = tick.Score, BestSymbol = symbol, BestTimeMs = timeMs }
            : next;
    }
}

/// <summary>One input that scored <c>missing</c>, with the points it could have given.</summary>
public sealed record MissingInput(string Name, double Weight);

/// <summary>
/// A strategy's <see cref="ScoreWatch"/> in names and numbers (the replay summary, <c>/api/strategies</c>).
/// <paramref name="MaxReachable"/> = 100 − the weights of the inputs missing on every scored tick: the best score
/// the strategy could have reached with the inputs it got.
/// </summary>
public sealed record StrategyScoreReport(
    string StrategyId,
    bool Enabled,
    double Threshold,
    long Ticks,
    long ScoredTicks,
    long Signals,
    double? BestScore,
    string? BestSymbol,
    long? BestTimeMs,
    IReadOnlyList<MissingInput> MissingEveryTick,
    IReadOnlyList<MissingInput> MissingSomeTicks,
    double MaxReachable)
{
    public static StrategyScoreReport Of(StrategyDefinition strategy, ScoreWatch watch)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        var always = new List<MissingInput>();
        var sometimes = new List<MissingInput>();
        var reachable = 100.0;
        for (var i = 0; i < strategy.Signals.Count; i++)
        {
            var bit = 1u << i;
            var input = new MissingInput(strategy.Signals[i].Name, strategy.Signals[i].Weight);
            if (watch.ScoredTicks > 0 && (watch.MissingEveryTick & bit) != 0)
            {
                always.Add(input);
                reachable -= input.Weight;
            }
            else if ((watch.MissingSomeTick & bit) != 0)
            {
                sometimes.Add(input);
            }
        }

        var scored = watch.ScoredTicks > 0;
        return new StrategyScoreReport(
            strategy.Id, strategy.Enabled, strategy.Threshold, watch.Ticks, watch.ScoredTicks, watch.Signals,
            scored ? watch.BestScore : null, scored ? watch.BestSymbol : null, scored ? watch.BestTimeMs : null,
            always, sometimes, Math.Max(0, reachable));
    }

    /// <summary>
    /// One line for people, e.g. <c>0 signals: best score 55 &lt; threshold 75 (BTCUSD_PERP at 2026-05-08T03:15:00.000Z);
    /// inputs missing on every scored tick: ls_ratio (20 points), oi (15), coinbase_premium (10), so at most 55 was reachable</c>.
    /// </summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append(Signals.ToString("N0", CultureInfo.InvariantCulture)).Append(Signals == 1 ? " signal" : " signals");
        if (Ticks == 0)
        {
            sb.Append(Enabled ? ": no tick of its symbols" : ": disabled");
            return sb.ToString();
        }

        if (BestScore is not { } best)
        {
            sb.Append(": no direction on any of its ")
                .Append(Ticks.ToString("N0", CultureInfo.InvariantCulture))
                .Append(" ticks (CVD 30 m and 4 h never agreed)");
            return sb.ToString();
        }

        var reached = best >= Threshold;
        sb.Append(Signals == 0 ? ": " : "; ")
            .Append("best score ").Append(Score(best, Threshold))
            .Append(reached ? " ≥ threshold " : " < threshold ").Append(Num(Threshold))
            .Append(" (").Append(BestSymbol).Append(" at ").Append(IsoTime.Utc(BestTimeMs!.Value)).Append(')');
        if (reached && Signals == 0)
            sb.Append(", but never with an ATR and a last price (the ATR needs 14 closed 5-minute candles)");
        if (MissingEveryTick.Count > 0)
        {
            sb.Append("; inputs missing on every scored tick: ").Append(List(MissingEveryTick));
            if (!reached)
                sb.Append(", so at most ").Append(Num(MaxReachable)).Append(" was reachable");
        }

        if (MissingSomeTicks.Count > 0)
            sb.Append("; missing on some ticks: ").Append(List(MissingSomeTicks));
        return sb.ToString();
    }

    private static string List(IReadOnlyList<MissingInput> inputs)
    {
        var parts = new string[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
            parts[i] = $"{inputs[i].Name} ({Num(inputs[i].Weight)}{(i == 0 ? " points" : "")})";
        return string.Join(", ", parts);
    }

    private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    // Two decimals, unless rounding would print a score below the threshold as the threshold itself.
    private static string Score(double score, double threshold) =>
        score < threshold && Num(score) == Num(threshold) ? score.ToString("R", CultureInfo.InvariantCulture) : Num(score);
}
