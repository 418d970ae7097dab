using Arbitrage.Testing.Faults;

namespace Arbitrage.FaultSuite.Scenarios;

/// <summary>Issue #13 item 3: a 429 storm on the trade catch-up after a dropped connection.</summary>
public sealed class RateLimitedCatchUpScenario(int storm = 100, int retryAfterSeconds = 2) : IFaultScenario
{
    public string Name => "429-catch-up";

    public string Description => $"{storm} × 429 (Retry-After {retryAfterSeconds} s) on aggTrades while the WebSocket drops and 1,000 trades happen";

    public async Task<ScenarioResult> RunAsync(FaultContext context, CancellationToken ct)
    {
        var run = await CatchUpStormDrill.RunAsync(context.Work, storm, retryAfterSeconds).WaitAsync(ct);
        var lost = run.TapeIds.Except(run.RecordedIds).LongCount();
        var duplicates = Math.Max(0, run.IndicatorTrades - run.TapeIds.Count);
        var indicatorsLost = Math.Max(0, run.TapeIds.Count - run.IndicatorTrades);
        var passed = lost == 0 && duplicates == 0 && indicatorsLost == 0 && run.TradeGaps == 0 && run.HeldAtGap && run.SawRetryAfter
            && !run.NodeOutput.Contains("abandoned", StringComparison.Ordinal);
        return new ScenarioResult(
            Name, context.Round, $"{storm} × 429 + 1 drop", null, duplicates, lost + indicatorsLost, run.TimeToRecover, passed,
            $"{run.RecordedIds.Count}/{run.TapeIds.Count} ids recorded, {run.IndicatorTrades} in the indicators; held at the gap: {run.HeldAtGap}");
    }
}
