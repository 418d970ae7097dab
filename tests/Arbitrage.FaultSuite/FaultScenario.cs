namespace Arbitrage.FaultSuite;

/// <summary>One fault of issue #13, injected for real and measured.</summary>
public interface IFaultScenario
{
    /// <summary>The <c>--scenario</c> name and the table's first column.</summary>
    string Name { get; }

    /// <summary>What the scenario does, one line.</summary>
    string Description { get; }

    Task<ScenarioResult> RunAsync(FaultContext context, CancellationToken ct);
}

/// <summary>A scenario's temp folder, round number and the suite's options.</summary>
public sealed record FaultContext(string Work, int Round, SuiteOptions Options);

/// <summary>
/// One row of the table. <paramref name="OrdersLeftOpen"/>: orders still working at the exchange when they should not
/// (null when the scenario places none); <paramref name="Duplicates"/>: anything counted twice (orders, signals, trades);
/// <paramref name="RowsLost"/>: trades, signals or rows that never arrived; <paramref name="TimeToRecover"/>: from the end of
/// the fault to the node answering for everything again.
/// </summary>
public sealed record ScenarioResult(
    string Scenario, int Round, string FaultsInjected, int? OrdersLeftOpen, long Duplicates, long RowsLost, TimeSpan? TimeToRecover, bool Passed, string Notes)
{
    public static ScenarioResult Broken(string scenario, int round, string why) => new(scenario, round, "?", null, 0, 0, null, false, why);
}
