using System.Text.Json.Serialization;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Serialization;

namespace Arbitrage.Core.Strategies;

/// <summary>A breakdown line as persisted (a stable copy of <see cref="SignalContribution"/>).</summary>
public sealed record SignalContributionRecord(string Name, double Points, double Weight, string Status, double? Input);

/// <summary>
/// A strategy decided to trade: persisted (tag <c>signal</c>) before anyone else hears of it, then
/// published on the <c>signals</c> topic and sent to the risk guard. Carries the full score breakdown.
/// <paramref name="Direction"/> is written <c>Long</c>/<c>Short</c> (its enum name), as when it was text: journals of either
/// version read in both.
/// </summary>
[Manifest("signal-emitted.v1")]
public sealed record SignalEmitted(
    string SignalId,
    string StrategyId,
    string StrategyVersion,
    string Symbol,
    [property: JsonConverter(typeof(JsonStringEnumConverter<Direction>))] Direction Direction,
    long TimeMs,
    double Score,
    double Threshold,
    double Entry,
    double Atr,
    double StopLoss,
    double TakeProfit1,
    double TakeProfit2,
    IReadOnlyList<SignalContributionRecord> Breakdown) : IPersistedEvent
{
    public static SignalEmitted From(EmittedSignal s, StrategyDefinition strategy) => new(
        s.SignalId,
        s.StrategyId,
        strategy.Version,
        s.Symbol,
        s.Direction.ToDirection(),
        s.TimeMs,
        s.Score,
        s.Threshold,
        s.Entry,
        s.Atr,
        s.Levels.StopLoss,
        s.Levels.TakeProfit1,
        s.Levels.TakeProfit2,
        s.Breakdown.Select(c => new SignalContributionRecord(c.Name, c.Points, c.Weight, c.Status, c.Input)).ToArray());

    /// <summary>The breakdown as compact, stable JSON (the replay CSV column).</summary>
    public string BreakdownJson() =>
        Strategies.BreakdownJson.Write(Breakdown.Select(c => new SignalContribution(c.Name, c.Points, c.Weight, c.Status, c.Input)).ToArray());
}
