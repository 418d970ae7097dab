using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Risk;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Risk;

/// <summary>Every rule of the §5 table tripping and resuming through the actor, on event time only.</summary>
public sealed class RiskGuardRuleTests(ITestOutputHelper output) : RiskGuardTestKit(output)
{
    private const long Minute = 60_000;

    [Fact]
    public void Consecutive_losses_pause_new_orders_for_60_minutes_of_event_time()
    {
        var guard = StartGuard();
        for (var i = 1; i <= 5; i++) guard.Tell(Result(i, -0.5m, T0 + i * Minute));
        var broken = Events.FishForMessage<CircuitBroken>(_ => true);
        Assert.Equal((RiskRule.ConsecutiveLosses, T0 + 5 * Minute, T0 + 65 * Minute), (broken.Rule, broken.AtMs, broken.UntilMs));

        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + 30 * Minute));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0 + 30 * Minute));
        Assert.Equal(RiskRule.ConsecutiveLosses, Events.FishForMessage<SignalBlocked>(_ => true).Rule);

        guard.Tell(new RiskTick(T0 + 65 * Minute - 1));
        guard.Tell(new RiskTick(T0 + 65 * Minute));
        var resumed = Events.FishForMessage<Resumed>(_ => true);
        Assert.Equal((RiskRule.ConsecutiveLosses, T0 + 65 * Minute), (resumed.Rule, resumed.AtMs));
        Assert.Empty(StatusOf(guard).State.Breakers);
    }

    [Fact]
    public void Daily_loss_flattens_everything_and_stops_until_the_next_utc_day()
    {
        var guard = StartGuard();
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + Minute));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0 + Minute));
        AwaitArmed("t-BTCUSDT-L-1");

        guard.Tell(Result(1, -5m, T0 + 2 * Minute));
        var broken = Events.FishForMessage<CircuitBroken>(b => b.Rule == RiskRule.DailyLoss);
        Assert.Equal(T0 + RiskState.DayMs, broken.UntilMs);
        var flattened = Events.FishForMessage<TradeClosed>(c => c.SignalId == "t-BTCUSDT-L-1");
        Assert.Equal(ExitReason.DailyLoss, flattened.ExitReason);
        Assert.StartsWith("daily loss ", flattened.ExitDetail, StringComparison.Ordinal);
        AwaitCondition(() => PaperPositions().Count == 0);

        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + 3 * Minute));
        guard.Tell(LongBtc("t-BTCUSDT-L-2", T0 + 3 * Minute));
        Assert.Equal(RiskRule.DailyLoss, Events.FishForMessage<SignalBlocked>(_ => true).Rule);

        guard.Tell(new RiskTick(T0 + RiskState.DayMs));
        Assert.Equal(RiskRule.DailyLoss, Events.FishForMessage<Resumed>(_ => true).Rule);
    }

    [Fact]
    public void Exchange_disconnect_longer_than_30_s_pauses_until_reconnected()
    {
        var guard = StartGuard(assumeConnected: false);
        guard.Tell(new ExchangeConnected(T0));
        guard.Tell(new ExchangeDisconnected(T0 + 1_000));
        guard.Tell(new RiskTick(T0 + 31_000)); // exactly 30 s: still allowed
        guard.Tell(new RiskTick(T0 + 31_001));
        var broken = Events.FishForMessage<CircuitBroken>(_ => true);
        Assert.Equal((RiskRule.ExchangeDisconnect, T0 + 31_001), (broken.Rule, broken.AtMs));

        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + 32_000));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0 + 32_000));
        Assert.Equal(RiskRule.ExchangeDisconnect, Events.FishForMessage<SignalBlocked>(_ => true).Rule);

        guard.Tell(new ExchangeConnected(T0 + 40_000));
        Assert.Equal(RiskRule.ExchangeDisconnect, Events.FishForMessage<Resumed>(_ => true).Rule);
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + 41_000));
        guard.Tell(LongBtc("t-BTCUSDT-L-2", T0 + 41_000));
        AwaitArmed("t-BTCUSDT-L-2");
    }

    [Fact]
    public void Balance_below_two_r_rejects_new_orders()
    {
        var guard = StartGuard(new PaperGatewaySettings(StartingBalanceUsd: 3.99m));
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0));
        var blocked = Events.FishForMessage<SignalBlocked>(_ => true);
        Assert.Equal(RiskRule.BalanceTooLow, blocked.Rule);
        Assert.Contains("3.99", blocked.Reason);
        Assert.Empty(PaperOrders());
    }

    [Fact]
    public void Stale_market_data_blocks_orders_on_that_symbol()
    {
        var guard = StartGuard();
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0));
        guard.Tell(new MarketTick("ETHUSDT", 50m, T0 + 30_001));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0));
        var blocked = Events.FishForMessage<SignalBlocked>(_ => true);
        Assert.Equal((RiskRule.StaleMarketData, "BTCUSDT"), (blocked.Rule, blocked.Symbol));

        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + 30_002));
        guard.Tell(LongBtc("t-BTCUSDT-L-2", T0 + 30_002));
        AwaitArmed("t-BTCUSDT-L-2");
    }

    [Fact]
    public void Hold_timeout_alerts_at_45_minutes_and_force_closes_at_70()
    {
        var guard = StartGuard();
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0));
        AwaitArmed("t-BTCUSDT-L-1");
        AwaitCondition(() => StatusOf(guard).Positions.Count == 1);

        guard.Tell(new RiskTick(T0 + 45 * Minute));
        var alert = Events.FishForMessage<HoldTimeoutAlerted>(_ => true);
        Assert.Equal(("BTCUSDT", T0, 45 * Minute), (alert.Symbol, alert.OpenedAtMs, alert.HeldMs));

        guard.Tell(new MarketTick("BTCUSDT", 100.5m, T0 + 70 * Minute));
        guard.Tell(new RiskTick(T0 + 70 * Minute));
        Events.FishForMessage<ForceCloseOrdered>(f => f.Symbol == "BTCUSDT");
        var closed = Events.FishForMessage<TradeClosed>(_ => true);
        Assert.Equal(ExitReason.HoldTimeout, closed.ExitReason);
        Assert.Contains("held 70 min", closed.ExitDetail, StringComparison.Ordinal);
        Assert.Equal(100.5m, closed.Exit);
        AwaitCondition(() => PaperPositions().Count == 0 && PaperOpenOrders().Count == 0);
    }
}
