using Arbitrage.Testing.Faults;

namespace Arbitrage.FaultSuite.Scenarios;

/// <summary>Issue #13 items 5 and 6: hostile requests and a viewer's reads of symbols the node does not trade.</summary>
public sealed class HostileRequestsScenario : IFaultScenario
{
    public string Name => "hostile-requests";

    public string Description => "malformed, mistyped, non-JSON and oversized requests on auth/ops/reads, and 20 unknown symbols read as a viewer";

    public async Task<ScenarioResult> RunAsync(FaultContext context, CancellationToken ct)
    {
        var run = await HostileRequestsDrill.RunAsync(context.Work).WaitAsync(ct);
        var passed = run.ServerErrors == 0 && run.WithoutProblem == 0 && run.UnknownSymbolAnswersNot404 == 0 && run.NewSessions == 0 && run.StackTraces == 0;
        return new ScenarioResult(
            Name, context.Round, $"{run.Sent} requests", null, 0, run.WithoutProblem, null, passed,
            $"5xx: {run.ServerErrors}; 4xx without a problem body: {run.WithoutProblem}; unknown symbols not 404: {run.UnknownSymbolAnswersNot404}; " +
            $"feeds opened for them: {run.NewSessions}; stack traces logged: {run.StackTraces}{(run.Examples.Length > 0 ? "; e.g. " + run.Examples : string.Empty)}");
    }
}
