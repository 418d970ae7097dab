using Arbitrage.Testing.Faults;

namespace Arbitrage.FaultSuite.Scenarios;

/// <summary>Issue #13 item 2: PostgreSQL goes away mid-tape; compared with a run without the outage (made once).</summary>
public sealed class PostgresOutageScenario : IFaultScenario
{
    private PostgresOutageRun? _reference;

    public string Name => "pg-outage";

    // 67 minutes of tape at 200×: a 20-second outage, as the probe had.
    private const int Speed = 200;
    private const int OutageTapeMinutes = 67;

    public string Description => "PostgreSQL cut by a proxy for 20 s (67 min of tape) while signals flow (offline demo at 200×), then restored";

    public async Task<ScenarioResult> RunAsync(FaultContext context, CancellationToken ct)
    {
        _reference ??= await PostgresOutageDrill.RunAsync(Path.Combine(context.Work, "reference"), outage: false, speed: Speed).WaitAsync(ct);
        var run = await PostgresOutageDrill.RunAsync(
            Path.Combine(context.Work, "outage"), outage: true, _reference.Signals, Speed, OutageTapeMinutes).WaitAsync(ct);

        var missing = _reference.Signals.Except(run.Signals).Count();
        var extra = run.Signals.Count - run.Signals.Distinct().Count() + run.Signals.Except(_reference.Signals).Count();
        var tradesLost = PostgresOutageDrill.TapeTrades - run.DistinctTrades;
        var passed = missing == 0 && extra == 0 && tradesLost == 0 && run.TradesRecorded == run.DistinctTrades;
        return new ScenarioResult(
            Name, context.Round, $"1 outage, {run.OutageSeconds:0} s", null, extra + (run.TradesRecorded - run.DistinctTrades), missing + tradesLost,
            run.TimeToRecover, passed,
            $"{run.Signals.Count}/{_reference.Signals.Count} signals, {run.DistinctTrades}/{PostgresOutageDrill.TapeTrades} trades recorded; during: {run.HealthDuringOutage}");
    }
}
