using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Tests.Risk;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Execution.Paper;

/// <summary>
/// Issue 13, item 1: the paper account is an exchange like any other. Its orders, fills and balance survive a restart
/// (its own journal), reconciliation agrees with it, and an operator's close or kill clears a position the exchange does
/// not hold — recorded by the executor and alerted.
/// </summary>
public sealed class PaperRestartTests(ITestOutputHelper output) : RiskGuardTestKit(output)
{
    private const string Id = "t-BTCUSDT-L-1";

    private IActorRef Restart(IActorRef guard, PaperGatewaySettings venue)
    {
        Watch(guard);
        Sys.Stop(guard);
        ExpectTerminated(guard);
        Paper = new PaperGateway(venue); // a new process builds a new gateway: only the journals carry over
        return Sys.ActorOf(RiskGuardActor.Props(GuardSettings, Paper, Events.Ref));
    }

    private IActorRef OpenLongBtc()
    {
        var guard = StartGuard();
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0));
        guard.Tell(LongBtc(Id, T0));
        AwaitCondition(() => PaperOpenOrders().Count == 3 && StatusOf(guard).Positions.Count == 1);
        return guard;
    }

    [Fact]
    public async Task The_paper_account_survives_a_restart_reconciles_without_a_difference_and_its_stop_still_closes_the_trade()
    {
        var guard = OpenLongBtc();
        var before = await Paper.AccountAsync();

        var again = Restart(guard, Paper.Settings);
        var ready = Events.FishForMessage<ExecutorReady>(_ => true);
        Assert.Equal((1, 0), (ready.OpenTrades, ready.Differences));
        var after = await Paper.AccountAsync();
        Assert.Equal((before.BalanceUsd, 1_000m - 0.04m), (after.BalanceUsd, before.BalanceUsd));
        Assert.Equal(before.Positions, after.Positions);
        Assert.Equal(before.Orders, after.Orders);
        Assert.Equal(["BTCUSDT"], StatusOf(again).Positions.Select(p => p.Symbol));

        again.Tell(new MarketTick("BTCUSDT", 97.9m, T0 + 15_000)); // the stop the venue kept
        var closed = Events.FishForMessage<TradeClosed>(_ => true);
        Assert.Equal((Id, ExitReason.StopLoss, 97.9m), (closed.SignalId, closed.ExitReason, closed.Exit));
        AwaitCondition(() => StatusOf(again).Positions.Count == 0 && PaperOpenOrders().Count == 0);
        again.Tell(new MarketTick("BTCUSDT", 100m, T0 + 30_000));
        again.Tell(LongBtc("t-BTCUSDT-L-2", T0 + 30_000)); // the symbol is free
        AwaitArmed("t-BTCUSDT-L-2");
    }

    [Fact]
    public void An_operator_close_clears_a_position_the_exchange_does_not_hold_records_why_and_frees_the_symbol()
    {
        var guard = OpenLongBtc();

        // The node comes back to an exchange that holds nothing of it (here: a venue with an empty journal).
        var again = Restart(guard, Paper.Settings with { PersistenceId = "paper-exchange-" + Guid.NewGuid().ToString("N") });
        var mismatch = Events.FishForMessage<ReconciliationDifference>(d => d.Kind == DifferenceKind.PositionMismatch);
        Assert.Contains("journal expects 1, exchange holds 0", mismatch.Detail);
        Events.FishForMessage<ExecutorReady>(_ => true);
        Assert.Equal(["BTCUSDT"], StatusOf(again).Positions.Select(p => p.Symbol)); // a phantom: nothing held at the exchange

        var reply = CreateTestProbe();
        again.Tell(new ClosePositionCommand("BTCUSDT", "ops"), reply.Ref);
        reply.ExpectMsg<RiskStatus>();
        Events.FishForMessage<PositionCloseOrdered>(c => c.By == "ops");
        var cleared = Events.FishForMessage<PositionWrittenOff>(_ => true);
        Assert.Equal((Id, 1m, 0m, ExitReason.ManualClose, "closed by operator ops"),
            (cleared.SignalId, cleared.Quantity, cleared.ExchangeQuantity, cleared.Reason, cleared.Detail));
        var alert = Events.FishForMessage<ExecutionAlertRaised>(_ => true);
        Assert.Equal((ExecutionAlertKind.PositionCleared, "BTCUSDT", Id), (alert.Kind, alert.Symbol, alert.SignalId));
        Assert.Contains("the exchange holds 0 BTCUSDT, the journal had 1", alert.Detail);
        AwaitCondition(() => StatusOf(again).Positions.Count == 0);

        again.Tell(new MarketTick("BTCUSDT", 100m, T0 + 15_000));
        again.Tell(LongBtc("t-BTCUSDT-L-2", T0 + 15_000));
        AwaitArmed("t-BTCUSDT-L-2");
        Assert.Single(PaperPositions());
    }

    [Fact]
    public void The_kill_switch_clears_a_position_the_exchange_does_not_hold()
    {
        var guard = OpenLongBtc();
        var again = Restart(guard, Paper.Settings with { PersistenceId = "paper-exchange-" + Guid.NewGuid().ToString("N") });
        Events.FishForMessage<ExecutorReady>(_ => true);

        var reply = CreateTestProbe();
        again.Tell(new EngageKillSwitch("ops", "phantom"), reply.Ref);
        reply.ExpectMsg<RiskStatus>();
        var cleared = Events.FishForMessage<PositionWrittenOff>(_ => true);
        Assert.Equal((ExitReason.KillSwitch, "kill switch by ops: phantom"), (cleared.Reason, cleared.Detail));
        Events.FishForMessage<ExecutionAlertRaised>(a => a.Kind == ExecutionAlertKind.PositionCleared);
        AwaitCondition(() => StatusOf(again).Positions.Count == 0);
    }
}
