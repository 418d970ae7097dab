using Arbitrage.Testing.Faults;

namespace Arbitrage.FaultSuite.Scenarios;

/// <summary>
/// Issue #13 item 4: a live node on the simulator's account meets a 429 storm on the move to break-even, or 6 s of REST
/// latency when the break-even stop fills; nothing may stay at the exchange and nothing may be sent twice.
/// </summary>
public sealed class OrderFaultScenario(OrderFault fault) : IFaultScenario
{
    public string Name => fault == OrderFault.RateLimitStormOnBreakEven ? "order-429-storm" : "order-latency";

    public string Description => fault == OrderFault.RateLimitStormOnBreakEven
        ? "30 × 429 (Retry-After 1 s) on /fapi/v1/order when TP1 fills and the stop moves to break-even (live mode, PostgreSQL)"
        : "6 s on every REST answer (over the 5 s order timeout) when the break-even stop fills (live mode, PostgreSQL)";

    public async Task<ScenarioResult> RunAsync(FaultContext context, CancellationToken ct)
    {
        var run = await ExecutionFaultDrill.OrderFaultAsync(context.Work, fault, postgres: true).WaitAsync(ct);
        var expected = fault == OrderFault.RateLimitStormOnBreakEven ? "tp2" : "break_even";
        var passed = run.OrdersLeftOpen == 0 && run.DuplicateOrders == 0 && run.PositionAtEnd == 0m && run.FaultSeen && !run.AttemptsExhausted
            && run.ExitReasons.Count == 1 && run.ExitReasons[0] == expected;
        return new ScenarioResult(
            Name, context.Round, fault == OrderFault.RateLimitStormOnBreakEven ? "30 × 429" : "6 s latency", run.OrdersLeftOpen, run.DuplicateOrders,
            run.ExitReasons.Count == 0 ? 1 : 0, run.TimeToRecover, passed,
            $"position at the end {run.PositionAtEnd}; exits [{string.Join(", ", run.ExitReasons)}]{(run.FaultSeen ? "" : "; the fault was not seen")}{(run.AttemptsExhausted ? "; an order was given up" : "")}");
    }
}
