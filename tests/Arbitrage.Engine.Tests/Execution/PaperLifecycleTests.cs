using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Tests.Risk;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Execution;

/// <summary>Signal → guard → executor → paper gateway, driven by event-time prices only.</summary>
public sealed class PaperLifecycleTests(ITestOutputHelper output) : RiskGuardTestKit(output)
{
    [Fact]
    public void Signal_entry_tp1_break_even_tp2_closes_with_hand_checked_pnl()
    {
        var guard = StartGuard();
        const string id = "t-BTCUSDT-L-1";
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0));
        guard.Tell(LongBtc(id, T0));
        AwaitCondition(() => PaperOrders().Any(o => o.ClientOrderId == ClientOrderIds.For(id, OrderLeg.TakeProfit2)));

        var orders = PaperOrders().ToDictionary(o => o.ClientOrderId);
        var entry = orders[id + "-E"];
        Assert.Equal((Side.Buy, OrderType.Market, 1m, GatewayOrderStatus.Filled), (entry.Side, entry.Type, entry.Quantity, entry.Status));
        Assert.Equal((OrderType.StopMarket, 1m, 98m, true), (orders[id + "-S"].Type, orders[id + "-S"].Quantity, orders[id + "-S"].StopPrice!.Value, orders[id + "-S"].ReduceOnly));
        Assert.Equal((OrderType.TakeProfitMarket, 0.5m, 102m), (orders[id + "-1"].Type, orders[id + "-1"].Quantity, orders[id + "-1"].StopPrice!.Value));
        Assert.Equal((OrderType.TakeProfitMarket, 0.5m, 104m), (orders[id + "-2"].Type, orders[id + "-2"].Quantity, orders[id + "-2"].StopPrice!.Value));

        guard.Tell(new MarketTick("BTCUSDT", 101m, T0 + 15_000));
        guard.Tell(new MarketTick("BTCUSDT", 102m, T0 + 30_000)); // TP1: half out, stop to break-even
        AwaitCondition(() => PaperOrders().Any(o => o.ClientOrderId == id + "-B")
            && PaperOrders().Single(o => o.ClientOrderId == id + "-S").Status == GatewayOrderStatus.Canceled);
        var be = PaperOrders().Single(o => o.ClientOrderId == id + "-B");
        Assert.Equal((OrderType.StopMarket, 0.5m, 100m), (be.Type, be.Quantity, be.StopPrice!.Value));

        guard.Tell(new MarketTick("BTCUSDT", 104m, T0 + 45_000)); // TP2: the rest
        var closed = Events.FishForMessage<TradeClosed>(_ => true);

        // By hand: 1 BTC long at 100 (fee 100 × 0.0004 = 0.04); 0.5 out at 102 (+1.00, fee 0.0204);
        // 0.5 out at 104 (+2.00, fee 0.0208). Net 3 − 0.0812 = 2.9188 USD = 1.4594 R (R = 2 USD).
        Assert.Equal(id, closed.SignalId);
        Assert.Equal(Direction.Long, closed.Direction);
        Assert.Equal((T0, 100m, 1m), (closed.EntryTimeMs, closed.Entry, closed.Quantity));
        Assert.Equal((T0 + 45_000, 103m, ExitReason.Tp2, ""), (closed.ExitTimeMs, closed.Exit, closed.ExitReason, closed.ExitDetail));
        Assert.Equal(0.0812m, closed.FeesUsd);
        Assert.Equal(2.9188m, closed.PnlUsd);
        Assert.Equal(1.4594m, closed.PnlR);

        AwaitCondition(() => PaperOrders().Single(o => o.ClientOrderId == id + "-B").Status == GatewayOrderStatus.Canceled);
        Assert.Equal(1_002.9188m, PaperBalance());
        Assert.Empty(PaperPositions());
        AwaitCondition(() => StatusOf(guard).State.DailyRealisedR == 1.4594m);
    }

    [Fact]
    public void Stop_loss_before_tp1_loses_about_one_r_and_a_rejected_size_is_reported_with_its_reason()
    {
        var guard = StartGuard();
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0));
        AwaitArmed("t-BTCUSDT-L-1");
        guard.Tell(new MarketTick("BTCUSDT", 97.9m, T0 + 15_000)); // through the 98 stop: fills at 97.9
        var closed = Events.FishForMessage<TradeClosed>(_ => true);
        Assert.Equal(ExitReason.StopLoss, closed.ExitReason);
        Assert.Equal(-2.1m - 0.04m - 0.03916m, closed.PnlUsd);

        // 2 USD of risk over a 49 USD stop distance is 0.04 ETH = 2 USD notional, below minNotional 5.
        guard.Tell(new MarketTick("ETHUSDT", 50m, T0 + 15_000));
        guard.Tell(Signal("t-ETHUSDT-L-1", "ETHUSDT", Direction.Long, 50, 1, 51, 52, T0 + 15_000));
        var rejected = Events.FishForMessage<SignalRejected>(_ => true);
        Assert.Equal(RejectCode.SizeBelowMinNotional, rejected.Code);
        Assert.Equal("size_below_min_notional", rejected.Code.Code());
        Assert.Contains("minNotional", rejected.Reason);
    }

    [Fact]
    public void Kill_switch_flattens_every_position_blocks_until_resumed_and_survives_a_restart()
    {
        var guard = StartGuard();
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0));
        guard.Tell(new MarketTick("ETHUSDT", 50m, T0));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0));
        guard.Tell(Signal("t-ETHUSDT-S-1", "ETHUSDT", Direction.Short, 50, 51, 49, 48, T0));
        AwaitArmed("t-BTCUSDT-L-1");
        AwaitArmed("t-ETHUSDT-S-1");
        AwaitCondition(() => StatusOf(guard).Positions.Count == 2);

        var reply = CreateTestProbe();
        guard.Tell(new EngageKillSwitch("ops", "manual test"), reply.Ref);
        Assert.NotNull(reply.ExpectMsg<RiskStatus>().State.KillSwitch);
        Events.FishForMessage<KillSwitchEngaged>(k => k.By == "ops");
        var closes = new[] { Events.FishForMessage<TradeClosed>(_ => true), Events.FishForMessage<TradeClosed>(_ => true) };
        Assert.Equal(["t-BTCUSDT-L-1", "t-ETHUSDT-S-1"], closes.Select(c => c.SignalId).Order().ToArray());
        Assert.All(closes, c => Assert.Equal((ExitReason.KillSwitch, "kill switch by ops: manual test"), (c.ExitReason, c.ExitDetail)));
        AwaitCondition(() => PaperPositions().Count == 0 && PaperOpenOrders().Count == 0);

        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + 15_000));
        guard.Tell(LongBtc("t-BTCUSDT-L-2", T0 + 15_000));
        Assert.Equal(RiskRule.KillSwitch, Events.FishForMessage<SignalBlocked>(_ => true).Rule);

        // The guard's journal keeps the switch engaged across a restart.
        Watch(guard);
        Sys.Stop(guard);
        ExpectTerminated(guard);
        var again = Sys.ActorOf(RiskGuardActor.Props(GuardSettings, Paper, Events.Ref));
        Events.FishForMessage<ExecutorReady>(_ => true);
        Assert.NotNull(StatusOf(again).State.KillSwitch);

        again.Tell(new ResumeTrading("ops"), reply.Ref);
        Assert.Null(reply.ExpectMsg<RiskStatus>().State.KillSwitch);
        Events.FishForMessage<KillSwitchReleased>(_ => true);
        again.Tell(new MarketTick("BTCUSDT", 100m, T0 + 30_000));
        again.Tell(LongBtc("t-BTCUSDT-L-3", T0 + 30_000));
        AwaitArmed("t-BTCUSDT-L-3");
    }
}
