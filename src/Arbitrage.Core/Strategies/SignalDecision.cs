using System.Globalization;
using Arbitrage.Core.Indicators;

namespace Arbitrage.Core.Strategies;

/// <summary>Why a tick did or did not produce a signal, in the order the checks run.</summary>
public enum DecisionOutcome
{
    Emitted,
    Disabled,
    SymbolNotCovered,
    NoDirection,
    BelowThreshold,
    NoAtr,
    NoPrice,
    CoolingDown,
}

/// <summary>A signal to persist (<c>SignalEmitted</c>) and hand to the risk guard.</summary>
/// <param name="Entry">The last trade price before the tick (<see cref="IndicatorValues.LastPrice"/>).</param>
public sealed record EmittedSignal(
    string SignalId,
    string StrategyId,
    string Symbol,
    SignalDirection Direction,
    long TimeMs,
    double Score,
    double Threshold,
    double Entry,
    double Atr,
    TpSlLevels Levels,
    IReadOnlyList<SignalContribution> Breakdown);

/// <summary>
/// The whole decision for one (strategy, symbol, tick): score, threshold, TP/SL preconditions, cooldown.
/// Pure: the cooldown book goes in and the (possibly updated) book comes out in <see cref="Cooldowns"/>.
/// </summary>
public sealed record SignalDecision(
    DecisionOutcome Outcome,
    ScoreResult Score,
    EmittedSignal? Signal,
    CooldownBook Cooldowns)
{
    private Func<string> _reason = () => "";

    private SignalDecision(DecisionOutcome outcome, Func<string> reason, ScoreResult score, EmittedSignal? signal, CooldownBook cooldowns)
        : this(outcome, score, signal, cooldowns) => _reason = reason;

    public SignalDecision(DecisionOutcome outcome, string reason, ScoreResult score, EmittedSignal? signal, CooldownBook cooldowns)
        : this(outcome, score, signal, cooldowns) => _reason = () => reason;

    public bool Emitted => Outcome == DecisionOutcome.Emitted;

    /// <summary>
    /// Why, in words. Built on demand: the replay rejects most ticks, and formatting the numbers of every
    /// rejection (score, threshold, cooldown times) cost more than the decision itself.
    /// </summary>
    public string Reason => _reason();

    /// <summary>
    /// Checks in order: enabled, symbol covered, direction, <c>score ≥ threshold</c>, ATR present, price present,
    /// cooldown (event time: <c>values.TimeMs − last ≥ cooldown</c> for the same strategy, symbol and direction).
    /// Only an emitted signal starts a cooldown.
    /// </summary>
    public static SignalDecision Evaluate(
        StrategyDefinition strategy, string symbol, in IndicatorValues values, MarketInputs inputs, CooldownBook cooldowns)
    {
        var score = SignalScorer.Score(strategy, values, inputs);
        SignalDecision Reject(DecisionOutcome outcome, Func<string> reason) => new(outcome, reason, score, null, cooldowns);

        if (!strategy.Enabled)
            return Reject(DecisionOutcome.Disabled, () => $"strategy {strategy.Id} is disabled");
        if (!strategy.AppliesTo(symbol))
            return Reject(DecisionOutcome.SymbolNotCovered, () => $"strategy {strategy.Id} does not trade {symbol}");
        if (score.Direction == SignalDirection.None)
            return Reject(DecisionOutcome.NoDirection, static () => "no direction: CVD 30m and 4h do not agree");
        if (!(score.Score >= strategy.Threshold))
            return Reject(DecisionOutcome.BelowThreshold,
                () => $"score {Num(score.Score)} below threshold {Num(strategy.Threshold)}");
        if (values.Atr is not { } atr || !double.IsFinite(atr) || atr <= 0)
            return Reject(DecisionOutcome.NoAtr, static () => "no ATR yet (fewer than 14 closed 5-minute candles): cannot place TP/SL");
        var entry = values.LastPrice;
        if (!double.IsFinite(entry) || entry <= 0)
            return Reject(DecisionOutcome.NoPrice, static () => "no last trade price");

        var key = new CooldownKey(strategy.Id, symbol, score.Direction);
        if (cooldowns.BlockedUntil(key, values.TimeMs, strategy.CooldownMs) is { } until)
            return Reject(DecisionOutcome.CoolingDown,
                () => $"cooling down: {symbol} {score.Direction} emitted at {cooldowns.LastEmitted(key)}, next allowed at {until}");

        var signal = new EmittedSignal(
            SignalId.Create(strategy, symbol, score.Direction, values.TimeMs),
            strategy.Id,
            symbol,
            score.Direction,
            values.TimeMs,
            score.Score,
            strategy.Threshold,
            entry,
            atr,
            TpSl.Compute(score.Direction, entry, atr, strategy.TpSl),
            score.Breakdown);
        return new SignalDecision(DecisionOutcome.Emitted, static () => "emitted", score, signal, cooldowns.Record(key, values.TimeMs));
    }

    /// <summary>
    /// The actors' form of <see cref="Evaluate"/>: null when the tick does not emit (disabled, symbol not covered,
    /// no direction, score below threshold, no ATR or price, cooling down) — decided without allocating, with the
    /// score computed bit-identically (<c>SignalScorer.ScoreOnly</c>) — otherwise exactly <see cref="Evaluate"/>'s decision.
    /// </summary>
    public static SignalDecision? EvaluateCandidate(
        StrategyDefinition strategy, string symbol, in IndicatorValues values, MarketInputs inputs, CooldownBook cooldowns) =>
        EvaluateCandidate(strategy, symbol, values, inputs, cooldowns, out _);

    /// <summary>
    /// <see cref="EvaluateCandidate(StrategyDefinition, string, in IndicatorValues, MarketInputs, CooldownBook)"/>, also
    /// handing out what it computed on the way (for <see cref="ScoreWatch"/>): <paramref name="scored"/> is
    /// <see cref="CandidateScore.NotEvaluated"/> when the strategy is disabled or does not trade the symbol.
    /// </summary>
    public static SignalDecision? EvaluateCandidate(
        StrategyDefinition strategy, string symbol, in IndicatorValues values, MarketInputs inputs, CooldownBook cooldowns, out CandidateScore scored)
    {
        if (!strategy.Enabled || !strategy.AppliesTo(symbol))
        {
            scored = CandidateScore.NotEvaluated;
            return null;
        }

        var direction = SignalScorer.DirectionOf(values);
        if (direction == SignalDirection.None)
        {
            scored = CandidateScore.NoDirection;
            return null;
        }

        var score = SignalScorer.ScoreOnly(strategy, values, inputs, out var missing);
        scored = new CandidateScore(true, direction, score, missing);
        if (!(score >= strategy.Threshold))
        {
            return null;
        }

        // Evaluate's later rejections that need no breakdown (no ATR, no price, cooling down: most candidate
        // ticks of an emitting strategy are inside its cooldown), decided before it builds one.
        if (values.Atr is not { } atr || !double.IsFinite(atr) || atr <= 0 || !double.IsFinite(values.LastPrice) || values.LastPrice <= 0
            || !cooldowns.Allows(new CooldownKey(strategy.Id, symbol, direction), values.TimeMs, strategy.CooldownMs))
        {
            return null;
        }

        return Evaluate(strategy, symbol, values, inputs, cooldowns);
    }

    private static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);
}
