using Arbitrage.Testing.Faults;

namespace Arbitrage.FaultSuite.Scenarios;

/// <summary>Issue #13 item 7: SIGKILLs while trades stream; the recorded tape and the indicators must stay exact.</summary>
public sealed class SigkillRecordingScenario : IFaultScenario
{
    public string Name => "sigkill-recording";

    public string Description => "the offline demo SIGKILLed three times mid-tape (at 1000×), restarted on the same data";

    public async Task<ScenarioResult> RunAsync(FaultContext context, CancellationToken ct)
    {
        // Kill points move with the round, so several rounds hit different moments of the recorder's batching.
        var offset = (context.Round - 1) * 731L;
        var run = await SigkillRecordingDrill.RunAsync(context.Work, [3_000 + offset, 9_000 + offset, 15_000 + offset]).WaitAsync(ct);
        var lost = run.TapeIds.Except(run.RecordedIds).LongCount();
        var duplicates = Math.Max(0, run.IndicatorTrades - run.TapeIds.Count);
        var indicatorsLost = Math.Max(0, run.TapeIds.Count - run.IndicatorTrades);
        var passed = lost == 0 && duplicates == 0 && indicatorsLost == 0 && run.TradeGaps == 0 && run.FeedStatus == "connected";
        return new ScenarioResult(
            Name, context.Round, $"{run.Kills} × SIGKILL", null, duplicates, lost + indicatorsLost, run.TimeToRecover, passed,
            $"{run.RecordedIds.Count}/{run.TapeIds.Count} ids recorded, {run.IndicatorTrades} in the indicators");
    }
}
