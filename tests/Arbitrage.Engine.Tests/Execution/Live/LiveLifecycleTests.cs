using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Tests.Symbols;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Execution.Live;

/// <summary>Signal → risk guard → executor → LiveGateway → Binance simulator (REST + user-data stream) → TradeClosed.</summary>
public sealed class LiveLifecycleTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private async Task<(IActorRef Guard, Akka.TestKit.TestProbe Events)> StartGuardAsync(LiveSim sim)
    {
        var events = CreateTestProbe("risk-events");
        var settings = new RiskGuardSettings(new RiskParameters(), Settings(), "risk-guard-" + Guid.NewGuid().ToString("N"), AssumeConnected: true);
        var guard = Sys.ActorOf(RiskGuardActor.Props(settings, sim.Gateway, events.Ref), "risk-guard");
        await events.FishForMessageAsync<ExecutorReady>(_ => true, Wait);
        await AwaitConditionAsync(async () =>
        {
            var probe = CreateTestProbe();
            guard.Tell(new GetRiskStatus(), probe.Ref);
            return (await probe.ExpectMsgAsync<RiskStatus>()).State.BalanceUsd is not null;
        }, Wait);
        return (guard, events);
    }

    /// <summary>The legs (concurrent placements, any order) are all at the simulator.</summary>
    private static bool Placed(LiveSim sim, string signalId, params string[] suffixes) =>
        suffixes.All(s => sim.Host.Exchange.FindByClientId(signalId + s).Count == 1);

    /// <summary>Plays the next tape trade at the simulator and tells the guard the same tick.</summary>
    private static void Play(LiveSim sim, IActorRef guard, decimal price, int index)
    {
        sim.Host.Control.Step(1);
        guard.Tell(new MarketTick(LiveTape.Symbol, price, T0 + (index + 1) * 1000L));
    }

    [Fact]
    public async Task Signal_entry_brackets_tp1_break_even_tp2_close_against_the_simulator()
    {
        decimal[] tape = [100m, 101m, 102m, 103m, 104m];
        await using var sim = await LiveSim.StartAsync(new LiveTape().Trades(tape));
        var (guard, events) = await StartGuardAsync(sim);
        const string id = "t-BTCUSDT-L-1";

        Play(sim, guard, tape[0], 0);
        guard.Tell(LongBtc(id, T0 + 1000));
        await sim.UntilAsync(() => Placed(sim, id, "-S", "-1", "-2"), "brackets placed at the simulator");

        var orders = sim.Host.Exchange.Orders.ToDictionary(o => o.ClientOrderId);
        Assert.Equal(("BUY", "MARKET", 1m, "FILLED"), (orders[id + "-E"].Side, orders[id + "-E"].Type, orders[id + "-E"].OrigQty, orders[id + "-E"].Status));
        Assert.Equal(("SELL", "STOP_MARKET", 1m, 98m, true), (orders[id + "-S"].Side, orders[id + "-S"].Type, orders[id + "-S"].OrigQty, orders[id + "-S"].StopPrice, orders[id + "-S"].ReduceOnly));
        Assert.Equal(("TAKE_PROFIT_MARKET", 0.5m, 102m), (orders[id + "-1"].Type, orders[id + "-1"].OrigQty, orders[id + "-1"].StopPrice));
        Assert.Equal(("TAKE_PROFIT_MARKET", 0.5m, 104m), (orders[id + "-2"].Type, orders[id + "-2"].OrigQty, orders[id + "-2"].StopPrice));
        Assert.Equal(1m, sim.Host.Exchange.Position(LiveTape.Symbol).Amount);

        Play(sim, guard, tape[1], 1);
        Play(sim, guard, tape[2], 2); // TP1 at 102: half out, stop moved to break-even
        await sim.UntilAsync(() => sim.Host.Exchange.FindByClientId(id + "-B").Count == 1
            && sim.Host.Exchange.FindByClientId(id + "-S").Single().Status == "CANCELED", "stop moved to break-even");
        var be = sim.Host.Exchange.FindByClientId(id + "-B").Single();
        Assert.Equal(("STOP_MARKET", 0.5m, 100m), (be.Type, be.OrigQty, be.StopPrice));
        Assert.Equal(0.5m, sim.Host.Exchange.Position(LiveTape.Symbol).Amount);

        Play(sim, guard, tape[3], 3);
        Play(sim, guard, tape[4], 4); // TP2 at 104: the rest
        var closed = await events.FishForMessageAsync<TradeClosed>(_ => true, Wait);

        // By hand, simulator taker fee 5 bps: 1 BTC long at 100 (fee 0.05); 0.5 out at 102 (+1.00, fee 0.0255);
        // 0.5 out at 104 (+2.00, fee 0.026). Net 3 − 0.1015 = 2.8985 USD = 1.44925 R (R = 2 USD). Real commissions, not estimates.
        Assert.Equal((id, Direction.Long, ExitReason.Tp2, ""), (closed.SignalId, closed.Direction, closed.ExitReason, closed.ExitDetail));
        Assert.Equal((100m, 1m, 103m), (closed.Entry, closed.Quantity, closed.Exit));
        Assert.Equal(0.1015m, closed.FeesUsd);
        Assert.Equal(2.8985m, closed.PnlUsd);
        Assert.Equal(1.44925m, closed.PnlR);

        await sim.UntilAsync(() => sim.Host.Exchange.FindByClientId(id + "-B").Single().Status == "CANCELED", "break-even stop canceled");
        Assert.Equal(0m, sim.Host.Exchange.Position(LiveTape.Symbol).Amount);
        Assert.Empty(sim.Host.Exchange.OpenOrders(null));
        Assert.Equal(10_000m + 2.8985m, sim.Host.Exchange.WalletBalance());
        Assert.Equal(3, sim.Host.Exchange.Fills.Count); // entry, TP1, TP2 (nothing doubled)
    }

    [Fact]
    public async Task Stop_loss_before_tp1_closes_the_trade_against_the_simulator()
    {
        decimal[] tape = [100m, 97.9m];
        await using var sim = await LiveSim.StartAsync(new LiveTape().Trades(tape));
        var (guard, events) = await StartGuardAsync(sim);
        const string id = "t-BTCUSDT-L-2";

        Play(sim, guard, tape[0], 0);
        guard.Tell(LongBtc(id, T0 + 1000));
        await sim.UntilAsync(() => Placed(sim, id, "-S", "-1", "-2"), "brackets placed");
        Play(sim, guard, tape[1], 1); // through the 98 stop: fills at 97.9

        var closed = await events.FishForMessageAsync<TradeClosed>(_ => true, Wait);
        Assert.Equal(ExitReason.StopLoss, closed.ExitReason);
        Assert.Equal(97.9m, closed.Exit);
        Assert.Equal(-2.1m - 0.05m - 0.04895m, closed.PnlUsd);
        await sim.UntilAsync(() => sim.Host.Exchange.OpenOrders(null).Count == 0, "take-profits canceled");
        Assert.Equal(0m, sim.Host.Exchange.Position(LiveTape.Symbol).Amount);
    }
}
