using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Risk;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Risk;

/// <summary>The operator commands beyond kill/resume: risk parameters, closing one position, trading on/off; each survives a restart.</summary>
public sealed class RiskGuardOpsCommandTests(ITestOutputHelper output) : RiskGuardTestKit(output)
{
    private IActorRef Restart(IActorRef guard)
    {
        // The account at rest before the stop: the guard knows the venue's positions, and a flat account has no working order left.
        AwaitCondition(() => StatusOf(guard).Positions.Count == PaperPositions().Count && (PaperPositions().Count > 0 || PaperOpenOrders().Count == 0));
        Watch(guard);
        Sys.Stop(guard);
        ExpectTerminated(guard);
        var again = Sys.ActorOf(RiskGuardActor.Props(GuardSettings, Paper, Events.Ref));
        Events.FishForMessage<ExecutorReady>(_ => true);
        return again;
    }

    private object Ask(IActorRef guard, object command)
    {
        var reply = CreateTestProbe();
        guard.Tell(command, reply.Ref);
        return reply.ExpectMsg<object>();
    }

    [Fact]
    public void Set_parameters_is_persisted_before_it_applies_and_survives_a_restart()
    {
        var guard = StartGuard();
        var wanted = new RiskParameters() with { RiskPerTradeUsd = 3m, MaxConsecutiveLosses = 2 };

        var status = Assert.IsType<RiskStatus>(Ask(guard, new SetRiskParameters(wanted, "ops")));
        Assert.Equal(wanted, status.State.Parameters);
        var set = Events.FishForMessage<RiskParametersSet>(_ => true);
        Assert.Equal((wanted, "ops"), (set.Parameters, set.By));

        // The new thresholds are the ones the rules use: two losses now pause.
        guard.Tell(Result(1, -0.5m, T0 + 60_000));
        guard.Tell(Result(2, -0.5m, T0 + 120_000));
        Assert.Equal(RiskRule.ConsecutiveLosses, Events.FishForMessage<CircuitBroken>(_ => true).Rule);

        var again = Restart(guard);
        Assert.Equal(wanted, StatusOf(again).State.Parameters);
    }

    [Theory]
    [InlineData(0, 5, 45, 70, "RiskPerTradeUsd")]
    [InlineData(2, 0, 45, 70, "MaxConsecutiveLosses")]
    [InlineData(2, 5, 0, 70, "HoldAlertMs")]
    [InlineData(2, 5, 80, 70, "HoldForceCloseMs")]
    public void Invalid_parameters_are_rejected_naming_the_parameter_and_change_nothing(
        decimal riskUsd, int maxLosses, int holdAlertMin, int holdCloseMin, string parameter)
    {
        var guard = StartGuard();
        var bad = new RiskParameters() with
        {
            RiskPerTradeUsd = riskUsd, MaxConsecutiveLosses = maxLosses, HoldAlertMs = holdAlertMin * 60_000L, HoldForceCloseMs = holdCloseMin * 60_000L,
        };

        var rejected = Assert.IsType<RiskParametersRejected>(Ask(guard, new SetRiskParameters(bad, "ops")));
        Assert.Equal(parameter, rejected.Parameter);
        Assert.Contains(parameter, rejected.Reason);
        Assert.Equal(new RiskParameters(), StatusOf(guard).State.Parameters);
    }

    [Fact]
    public void Set_parameters_based_on_stale_values_is_refused_with_the_current_ones()
    {
        var guard = StartGuard();
        var first = new RiskParameters() with { StaleDataMs = 10_000 };
        Assert.IsType<RiskStatus>(Ask(guard, new SetRiskParameters(first, "a", new RiskParameters())));

        var changed = Assert.IsType<RiskParametersChanged>(Ask(guard, new SetRiskParameters(new RiskParameters() with { DisconnectGraceMs = 1 }, "b", new RiskParameters())));
        Assert.Equal(first, changed.Current);
        Assert.Equal(first, StatusOf(guard).State.Parameters);
    }

    [Fact]
    public void Close_position_is_recorded_then_sent_to_the_executor_and_unknown_symbols_are_not_found()
    {
        var guard = StartGuard();
        Assert.Equal(new PositionNotFound("BTCUSDT"), Ask(guard, new ClosePositionCommand("BTCUSDT", "ops")));

        guard.Tell(new MarketTick("BTCUSDT", 100m, T0));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0));
        AwaitArmed("t-BTCUSDT-L-1");
        AwaitCondition(() => StatusOf(guard).Positions.Count == 1);
        Assert.Equal(new PositionNotFound("ETHUSDT"), Ask(guard, new ClosePositionCommand("ETHUSDT", "ops")));

        Assert.IsType<RiskStatus>(Ask(guard, new ClosePositionCommand("BTCUSDT", "ops")));
        var ordered = Events.FishForMessage<PositionCloseOrdered>(_ => true);
        Assert.Equal(("BTCUSDT", "ops"), (ordered.Symbol, ordered.By));
        var closed = Events.FishForMessage<TradeClosed>(c => c.SignalId == "t-BTCUSDT-L-1");
        Assert.Equal((ExitReason.ManualClose, "closed by operator ops"), (closed.ExitReason, closed.ExitDetail));
        AwaitCondition(() => PaperPositions().Count == 0 && StatusOf(guard).Positions.Count == 0);
        Assert.Equal(new PositionNotFound("BTCUSDT"), Ask(guard, new ClosePositionCommand("BTCUSDT", "ops")));

        // Recovery replays the audit event without acting on it again.
        var again = Restart(guard);
        Assert.Empty(StatusOf(again).Positions);
    }

    [Fact]
    public void Trading_off_blocks_new_signals_keeps_open_positions_managed_and_survives_a_restart()
    {
        var guard = StartGuard();
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0));
        AwaitArmed("t-BTCUSDT-L-1");

        var off = Assert.IsType<RiskStatus>(Ask(guard, new SetTradingEnabled(false, "ops")));
        Assert.False(off.TradingEnabled);
        Assert.Equal((false, "ops"), Events.FishForMessage<TradingEnabledSet>(_ => true) is var e ? (e.Enabled, e.By) : default);

        guard.Tell(new MarketTick("ETHUSDT", 50m, T0 + 1_000));
        guard.Tell(Signal("t-ETHUSDT-S-1", "ETHUSDT", Direction.Short, 50, 51, 49, 48, T0 + 1_000));
        var blocked = Events.FishForMessage<SignalBlocked>(_ => true);
        Assert.Equal(("t-ETHUSDT-S-1", null), (blocked.SignalId, blocked.Rule));
        Assert.Contains("trading is switched off", blocked.Reason);

        // The open position is still managed: its stop still closes it (a small loss: no daily-loss halt).
        guard.Tell(new MarketTick("BTCUSDT", 97.9m, T0 + 2_000));
        Assert.Equal("t-BTCUSDT-L-1", Events.FishForMessage<TradeClosed>(_ => true).SignalId);
        AwaitCondition(() => PaperPositions().Count == 0);

        // Still off after a restart; switching it off again is no new event.
        var again = Restart(guard);
        Assert.False(StatusOf(again).TradingEnabled);
        Assert.False(Assert.IsType<RiskStatus>(Ask(again, new SetTradingEnabled(false, "ops"))).TradingEnabled);
        again.Tell(new MarketTick("BTCUSDT", 100m, T0 + 3_000));
        again.Tell(LongBtc("t-BTCUSDT-L-2", T0 + 3_000));
        Assert.Null(Events.FishForMessage<SignalBlocked>(_ => true).Rule);

        Assert.True(Assert.IsType<RiskStatus>(Ask(again, new SetTradingEnabled(true, "ops"))).TradingEnabled);
        Assert.True(Events.FishForMessage<TradingEnabledSet>(_ => true).Enabled);
        again.Tell(new MarketTick("BTCUSDT", 100m, T0 + 4_000));
        again.Tell(LongBtc("t-BTCUSDT-L-3", T0 + 4_000));
        AwaitArmed("t-BTCUSDT-L-3");
    }
}
