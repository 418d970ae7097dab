using Arbitrage.Testing.Faults;

namespace Arbitrage.FaultSuite.Scenarios;

/// <summary>Issue #13 item 1: a node with an open paper position SIGKILLed and restarted on PostgreSQL.</summary>
public sealed class PaperRestartScenario : IFaultScenario
{
    public string Name => "paper-restart";

    public string Description => "a paper position (entry, stop, take-profits) SIGKILLed with the node, restarted on the same PostgreSQL, then through its stop";

    public async Task<ScenarioResult> RunAsync(FaultContext context, CancellationToken ct)
    {
        var run = await ExecutionFaultDrill.PaperRestartAsync(context.Work, postgres: true).WaitAsync(ct);
        var passed = run.ReconcileDifferences == 0 && run.PositionsAfterRestart is [ExecutionFaultDrill.Symbol] && run.PositionsAtEnd == 0
            && run.ExitReasons is ["stop_loss"];
        return new ScenarioResult(
            Name, context.Round, "1 × SIGKILL", run.PositionsAtEnd, Math.Max(0, run.ExitReasons.Count - 1), run.PositionsAfterRestart.Count == 1 ? 0 : 1,
            run.TimeToRecover, passed,
            $"{run.ReconcileDifferences} reconciliation differences; after restart [{string.Join(", ", run.PositionsAfterRestart)}]; exits [{string.Join(", ", run.ExitReasons)}]");
    }
}
