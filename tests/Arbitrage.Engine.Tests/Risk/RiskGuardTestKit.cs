using Akka.Actor;
using Akka.TestKit;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Tests.Execution;
using Arbitrage.Engine.Tests.Symbols;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Risk;

/// <summary>A risk guard over a paper account on a temp SQLite journal; every published event goes to <see cref="Events"/>.</summary>
public abstract class RiskGuardTestKit : SqliteTestKit
{
    protected RiskGuardTestKit(ITestOutputHelper output)
        : base(output)
    {
        Events = CreateTestProbe("risk-events");
    }

    protected TestProbe Events { get; }

    protected PaperGateway Paper { get; set; } = null!;

    protected RiskGuardSettings GuardSettings { get; private set; } = null!;

    protected IActorRef StartGuard(PaperGatewaySettings? paper = null, RiskParameters? parameters = null, bool assumeConnected = true,
        bool awaitBalance = true)
    {
        Paper = new PaperGateway(paper ?? new PaperGatewaySettings(1_000m, 0.0004m, 0m));
        GuardSettings = new RiskGuardSettings(parameters ?? new RiskParameters(), ExecutionTestData.Settings(),
            "risk-guard-" + Guid.NewGuid().ToString("N"), assumeConnected);
        var guard = Sys.ActorOf(RiskGuardActor.Props(GuardSettings, Paper, Events.Ref), "risk-guard");
        Events.FishForMessage<ExecutorReady>(_ => true);
        if (awaitBalance) AwaitCondition(() => StatusOf(guard).State.BalanceUsd is not null);
        return guard;
    }

    protected RiskStatus StatusOf(IActorRef guard)
    {
        var probe = CreateTestProbe();
        guard.Tell(new GetRiskStatus(), probe.Ref);
        return probe.ExpectMsg<RiskStatus>();
    }

    protected void AwaitArmed(string signalId) =>
        AwaitCondition(() => PaperOrders().Any(o => o.ClientOrderId == ClientOrderIds.For(signalId, OrderLeg.StopLoss)));

    // What the paper venue holds, read from the venue actor (the test thread may block; actors never do).
    protected IReadOnlyList<GatewayOrder> PaperOrders() => Paper.AccountAsync().GetAwaiter().GetResult().Orders;

    protected decimal PaperBalance() => Paper.BalanceAsync().GetAwaiter().GetResult().Value;

    protected IReadOnlyList<GatewayPosition> PaperPositions() => Paper.PositionsAsync().GetAwaiter().GetResult().Value!;

    protected IReadOnlyList<GatewayOrder> PaperOpenOrders() => Paper.OpenOrdersAsync().GetAwaiter().GetResult().Value!;

    protected static TradeClosed Result(int n, decimal pnlR, long timeMs) =>
        new($"x-{n}", "XRPUSDT", "test", Core.Execution.Direction.Long, timeMs - 60_000, 1m, 1m, timeMs, 1m, Core.Execution.ExitReason.StopLoss, "", pnlR * 2m, pnlR, 0m, timeMs);
}
