using Arbitrage.Core.Risk;
using static Arbitrage.Core.Tests.Risk.RiskFixture;

namespace Arbitrage.Core.Tests.Risk;

public class DailyLossRuleTests
{
    [Fact]
    public void Exactly_minus_5R_trips_flatten_and_halt_until_next_utc_midnight()
    {
        var s = Losses(Healthy(T0), T0, -2m, -2m);
        var outcome = RiskRules.OnTradeClosed(s, -1m, T0 + 1);
        var (after, transitions) = outcome;

        Assert.Equal(-5m, after.RealisedRToday(T0 + 1));
        var broken = Assert.Single(transitions.OfType<RiskTransition.CircuitBroken>());
        Assert.Equal(RiskRule.DailyLoss, broken.Rule);
        Assert.Equal(Ms("2024-03-11T00:00:00Z"), broken.UntilMs);
        Assert.Contains("-5 R", broken.Reason);
        var flatten = Assert.IsType<RiskAction.FlattenAll>(Assert.Single(outcome.Actions));
        Assert.Equal(RiskRule.DailyLoss, flatten.Rule);

        Assert.Equal(RiskRule.DailyLoss, RejectedBy(Check(after, T0 + 2)));
        Assert.Equal(RiskRule.DailyLoss, RejectedBy(Check(after, Ms("2024-03-11T00:00:00Z") - 1)));
        Assert.True(Check(after, Ms("2024-03-11T00:00:00Z")).IsAllowed); // event time alone lifts it
    }

    [Fact]
    public void Just_above_the_limit_does_not_trip()
    {
        var (after, transitions) = RiskRules.OnTradeClosed(Losses(Healthy(T0), T0, -2m, -2m), -0.99m, T0);
        Assert.Equal(-4.99m, after.DailyRealisedR);
        Assert.DoesNotContain(transitions, t => t is RiskTransition.CircuitBroken);
        Assert.True(Check(after, T0).IsAllowed);
    }

    [Fact]
    public void Losses_on_different_utc_days_do_not_add_up()
    {
        var late = Ms("2024-03-10T23:59:59.999Z");
        var early = Ms("2024-03-11T00:00:00Z");
        var s = Losses(Healthy(late - 1000), late, -3m);
        var (after, transitions) = RiskRules.OnTradeClosed(s, -3m, early);
        Assert.Equal(-3m, after.RealisedRToday(early));
        Assert.Equal(0m, after.RealisedRToday(Ms("2024-03-12T00:00:00Z")));
        Assert.DoesNotContain(transitions, t => t is RiskTransition.CircuitBroken);
    }

    [Fact]
    public void Tick_at_utc_midnight_resumes_and_the_new_day_starts_from_zero()
    {
        var s = Losses(Healthy(T0), T0, -5m);
        Assert.True(s.Breakers.ContainsKey(RiskRule.DailyLoss));

        var before = RiskRules.OnTick(s, Ms("2024-03-11T00:00:00Z") - 1, []);
        Assert.Empty(before.Transitions);

        var midnight = Ms("2024-03-11T00:00:00Z");
        var (resumedState, transitions) = RiskRules.OnTick(s, midnight, []);
        var resumed = Assert.IsType<RiskTransition.Resumed>(Assert.Single(transitions));
        Assert.Equal(RiskRule.DailyLoss, resumed.Rule);
        Assert.Contains("2024-03-11", resumed.Reason);
        Assert.False(resumedState.Breakers.ContainsKey(RiskRule.DailyLoss));
        Assert.Equal(0m, resumedState.RealisedRToday(midnight));

        // A -1 R loss on the new day is just -1 R.
        var (next, t2) = RiskRules.OnTradeClosed(resumedState, -1m, midnight + 5 * Min);
        Assert.Equal(-1m, next.RealisedRToday(midnight + 5 * Min));
        Assert.DoesNotContain(t2, t => t is RiskTransition.CircuitBroken);
    }

    [Fact]
    public void Manual_resume_lifts_the_halt_and_the_next_loss_that_day_halts_again()
    {
        var s = Losses(Healthy(T0), T0, -6m);
        var (resumed, transitions) = RiskRules.Resume(s, "alice", T0 + Min);
        Assert.Equal(new RiskTransition.Resumed(RiskRule.DailyLoss, "manual resume by alice", T0 + Min), Assert.Single(transitions));
        Assert.True(Check(resumed, T0 + Min).IsAllowed);

        // A win does not re-halt even though the day is still below the limit...
        var (won, tWin) = RiskRules.OnTradeClosed(resumed, 0.5m, T0 + 2 * Min);
        Assert.DoesNotContain(tWin, t => t is RiskTransition.CircuitBroken);
        // ...but the next loss does.
        var (_, tLoss) = RiskRules.OnTradeClosed(won, -0.1m, T0 + 3 * Min);
        Assert.Contains(tLoss, t => t is RiskTransition.CircuitBroken { Rule: RiskRule.DailyLoss });
    }

    [Fact]
    public void Further_losses_while_halted_do_not_trip_again()
    {
        var s = Losses(Healthy(T0), T0, -5m);
        var outcome = RiskRules.OnTradeClosed(s, -1m, T0 + Min); // a position that closed during the flatten
        Assert.DoesNotContain(outcome.Transitions, t => t is RiskTransition.CircuitBroken);
        Assert.Empty(outcome.Actions);
        Assert.Equal(-6m, outcome.State.DailyRealisedR);
    }
}
