using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Replay;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Tests.Symbols;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Replay;

/// <summary>
/// The tape clock's barrier (<see cref="TradingBarrier"/>) over the production risk guard, executor and paper venue on a
/// SQLite journal, with the backtest's counted mailboxes and counted paper calls: it must not return before the executor
/// has journaled its decisions, the venue has answered and filled, and the guard has heard the reports — no polling after it.
/// </summary>
public sealed class TradingBarrierTests(ITestOutputHelper output) : SqliteTestKit(output, ConfigurationFactory.ParseString(CountingMailbox.Hocon))
{
    private const long Minute = 60_000;

    private readonly PaperGateway _paper = new(new PaperGatewaySettings(1_000m, 0.0004m, 0m));

    [Fact]
    public async Task Settled_means_the_entry_is_filled_the_bracket_armed_and_the_position_reported()
    {
        var (guard, barrier, _) = await StartAsync();
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + Minute));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0 + Minute));
        var status = await barrier.SettleAsync(CancellationToken.None);

        var account = await _paper.AccountAsync();
        Assert.Contains(account.Orders, o => o.ClientOrderId == ClientOrderIds.For("t-BTCUSDT-L-1", OrderLeg.Entry) && o.Status == GatewayOrderStatus.Filled);
        Assert.Equal(
            new[] { OrderLeg.StopLoss, OrderLeg.TakeProfit1, OrderLeg.TakeProfit2 }.Select(l => ClientOrderIds.For("t-BTCUSDT-L-1", l)).Order(StringComparer.Ordinal),
            account.Orders.Where(o => o.Status == GatewayOrderStatus.New).Select(o => o.ClientOrderId).Order(StringComparer.Ordinal));
        Assert.Equal(["BTCUSDT"], status.Positions.Select(p => p.Symbol));
    }

    [Fact]
    public async Task Settled_means_a_stop_hit_by_a_price_closed_the_trade_and_the_guard_counted_it()
    {
        var (guard, barrier, events) = await StartAsync();
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + Minute));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0 + Minute));
        await barrier.SettleAsync(CancellationToken.None);

        guard.Tell(new MarketTick("BTCUSDT", 1m, T0 + (2 * Minute))); // through the stop
        var status = await barrier.SettleAsync(CancellationToken.None);

        Assert.Empty(status.Positions);
        Assert.Equal(1, status.State.ConsecutiveLosses);
        Assert.DoesNotContain((await _paper.AccountAsync()).Orders, o => o.Status == GatewayOrderStatus.New);
        events.FishForMessage<TradeClosed>(c => c.SignalId == "t-BTCUSDT-L-1" && c.ExitReason == ExitReason.StopLoss);
    }

    [Fact]
    public async Task The_backtest_mailboxes_count_what_the_guard_and_its_executor_receive()
    {
        var (guard, _, _) = await StartAsync();
        var count = MessageCount.Get(Sys);
        var before = count.Enqueued;
        await guard.Ask<RiskStatus>(new GetRiskStatus(), TimeSpan.FromSeconds(10));
        await Sys.ActorSelection("/user/risk-guard/executor").Ask<ExecutorStatus>(new GetExecutorStatus(), TimeSpan.FromSeconds(10));
        Assert.Equal(2, count.Enqueued - before);
    }

    private async Task<(IActorRef Guard, TradingBarrier Barrier, TestProbe Events)> StartAsync()
    {
        var events = CreateTestProbe();
        var gateway = new CallCountingGateway(_paper);
        var settings = new RiskGuardSettings(new Core.Risk.RiskParameters(), Settings(), "risk-guard-" + Guid.NewGuid().ToString("N"), AssumeConnected: true);
        var guard = Sys.ActorOf(RiskGuardActor.Props(settings, gateway, events.Ref), "risk-guard");
        await guard.Ask<RiskStatus>(new GetRiskStatus(), TimeSpan.FromSeconds(10));
        var executor = await Sys.ActorSelection("/user/risk-guard/" + RiskGuardActor.ExecutorName).ResolveOne(TimeSpan.FromSeconds(10));
        var barrier = new TradingBarrier(guard, executor, gateway, MessageCount.Get(Sys));
        var start = await barrier.SettleAsync(CancellationToken.None);
        Assert.True(start.ExecutorReady && start.State.BalanceUsd is not null, "settled after start: reconciled, balance known");
        return (guard, barrier, events);
    }
}
