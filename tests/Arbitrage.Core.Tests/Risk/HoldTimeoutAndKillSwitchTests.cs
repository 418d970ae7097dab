using Arbitrage.Core.Risk;
using static Arbitrage.Core.Tests.Risk.RiskFixture;

namespace Arbitrage.Core.Tests.Risk;

public class HoldTimeoutAndKillSwitchTests
{
    [Fact]
    public void Hold_timeout_alerts_at_45_min_and_force_closes_at_70_min_once_each()
    {
        var opened = T0;
        HeldPosition[] open = [new(Btc, opened)];
        var s = Healthy(T0);

        Assert.Empty(RiskRules.OnTick(s, opened + 45 * Min - 1, open).Transitions);

        var (alerted, t45) = RiskRules.OnTick(s, opened + 45 * Min, open);
        Assert.Equal(new RiskTransition.HoldTimeoutAlert(Btc, opened, 45 * Min, opened + 45 * Min), Assert.Single(t45));
        Assert.Empty(RiskRules.OnTick(alerted, opened + 50 * Min, open).Transitions);
        Assert.Empty(RiskRules.OnTick(alerted, opened + 70 * Min - 1, open).Transitions);

        var at70 = RiskRules.OnTick(alerted, opened + 70 * Min, open);
        var fc = Assert.IsType<RiskTransition.ForceClose>(Assert.Single(at70.Transitions));
        Assert.Equal(Btc, fc.Symbol);
        Assert.Contains("held 70 min", fc.Reason);
        var close = Assert.IsType<RiskAction.ClosePosition>(Assert.Single(at70.Actions));
        Assert.Equal((Btc, RiskRule.HoldTimeout), (close.Symbol, close.Rule));

        var again = RiskRules.OnTick(at70.State, opened + 71 * Min, open);
        Assert.Empty(again.Transitions);
        Assert.Empty(again.Actions);
    }

    [Fact]
    public void A_tick_after_a_silent_gap_emits_alert_and_force_close_together()
    {
        var o = RiskRules.OnTick(Healthy(T0), T0 + 80 * Min, [new HeldPosition(Btc, T0)]);
        Assert.Collection(o.Transitions,
            t => Assert.IsType<RiskTransition.HoldTimeoutAlert>(t),
            t => Assert.IsType<RiskTransition.ForceClose>(t));
    }

    [Fact]
    public void A_new_position_on_the_same_symbol_is_timed_afresh()
    {
        var s = RiskRules.OnTick(Healthy(T0), T0 + 70 * Min, [new HeldPosition(Btc, T0)]).State;
        s = RiskRules.OnTick(s, T0 + 71 * Min, []).State; // closed: bookkeeping dropped
        Assert.Empty(s.HoldAlerted);
        var reopened = T0 + 72 * Min;
        var o = RiskRules.OnTick(s, reopened + 45 * Min, [new HeldPosition(Btc, reopened)]);
        Assert.IsType<RiskTransition.HoldTimeoutAlert>(Assert.Single(o.Transitions));
    }

    [Fact]
    public void Kill_switch_flattens_blocks_and_waits_for_an_operator()
    {
        var engaged = RiskRules.EngageKillSwitch(Healthy(T0), "ops-alice", "exchange incident", T0);
        var (killed, t) = engaged;
        Assert.Equal(new RiskTransition.KillSwitchEngaged("ops-alice", "exchange incident", T0), Assert.Single(t));
        Assert.IsType<RiskAction.FlattenAll>(Assert.Single(engaged.Actions));

        var v = Assert.IsType<RiskVerdict.Rejected>(Check(killed, T0 + 1));
        Assert.Equal(RiskRule.KillSwitch, v.Rule);
        Assert.Contains("ops-alice", v.Reason);
        // Event time alone never releases it, not even a new UTC day.
        Assert.Empty(RiskRules.OnTick(killed, T0 + 30 * 24 * 60 * Min, []).Transitions);
        Assert.Equal(RiskRule.KillSwitch, RejectedBy(Check(killed, T0 + 30L * 24 * 60 * Min)));

        // Flattening (reduce-only) orders still pass.
        Assert.True(RiskRules.EvaluateOrder(killed, new OrderCheck(Btc, ReducesPosition: true), T0 + 1).IsAllowed);

        // Pressing it again flattens again without a new event.
        var twice = RiskRules.EngageKillSwitch(killed, "ops-bob", "again", T0 + 2);
        Assert.Empty(twice.Transitions);
        Assert.Single(twice.Actions);
        Assert.Equal("ops-alice", twice.State.KillSwitch!.By);

        var (released, rt) = RiskRules.ReleaseKillSwitch(killed, "ops-bob", T0 + 3);
        Assert.Equal(new RiskTransition.KillSwitchReleased("ops-bob", T0 + 3), Assert.Single(rt));
        Assert.True(Check(released, T0 + 3).IsAllowed);
    }

    [Fact]
    public void Resume_releases_kill_switch_and_manual_breakers_but_not_the_disconnect()
    {
        var s = Losses(Healthy(T0), T0, -6m);
        s = RiskRules.EngageKillSwitch(s, "ops", "test", T0).State;
        s = RiskRules.OnExchangeDisconnected(s, T0);
        s = RiskRules.OnTick(s, T0 + 31_000, []).State;
        Assert.Equal(2, s.Breakers.Count);

        var (resumed, t) = RiskRules.Resume(s, "ops", T0 + 32_000);
        Assert.Equal(2, t.Count); // kill switch + daily loss
        Assert.Null(resumed.KillSwitch);
        Assert.Equal(RiskRule.ExchangeDisconnect, RejectedBy(Check(resumed, T0 + 32_000)));
    }

    [Fact]
    public void Kill_switch_wins_over_other_rules_in_the_verdict()
    {
        var s = RiskRules.OnBalance(Healthy(T0), 0m);
        s = RiskRules.EngageKillSwitch(s, "ops", "x", T0).State;
        Assert.Equal(RiskRule.KillSwitch, RejectedBy(Check(s, T0)));
    }

    [Fact]
    public void Invalid_parameters_are_refused_naming_the_parameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => RiskState.Initial(new RiskParameters(DailyLossLimitR: -5m), T0));
        Assert.Contains("DailyLossLimitR", ex.Message);
    }
}
