using Arbitrage.Core.Risk;
using static Arbitrage.Core.Tests.Risk.RiskFixture;

namespace Arbitrage.Core.Tests.Risk;

public class ConsecutiveLossRuleTests
{
    // Small losses so the daily-loss rule stays out of the way.
    private const decimal L = -0.1m;

    [Fact]
    public void Fifth_loss_in_a_row_pauses_new_orders_for_60_minutes()
    {
        var s = Losses(Healthy(T0), T0, L, L, L, L);
        Assert.Equal(4, s.ConsecutiveLosses);
        Assert.True(Check(s, T0).IsAllowed);

        var outcome = RiskRules.OnTradeClosed(s, L, T0 + 1);
        var broken = Assert.IsType<RiskTransition.CircuitBroken>(Assert.Single(outcome.Transitions, t => t is RiskTransition.CircuitBroken));
        Assert.Equal(RiskRule.ConsecutiveLosses, broken.Rule);
        Assert.Equal(T0 + 1 + 60 * Min, broken.UntilMs);
        Assert.Empty(outcome.Actions); // a pause, not a flatten

        var paused = outcome.State;
        Assert.Equal(RiskRule.ConsecutiveLosses, RejectedBy(Check(paused, T0 + 1 + 60 * Min - 1)));
        Assert.True(Check(paused, T0 + 1 + 60 * Min).IsAllowed);

        Assert.Empty(RiskRules.OnTick(paused, T0 + 60 * Min, []).Transitions);
        var (resumedState, resumed) = RiskRules.OnTick(paused, T0 + 1 + 60 * Min, []);
        Assert.Equal(RiskRule.ConsecutiveLosses, Assert.IsType<RiskTransition.Resumed>(Assert.Single(resumed)).Rule);
        Assert.Empty(resumedState.Breakers);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.0)] // break-even is not a loss
    public void A_non_losing_close_resets_the_streak(double pnl)
    {
        var s = Losses(Healthy(T0), T0, L, L, L, L, (decimal)pnl, L, L, L, L);
        Assert.Equal(4, s.ConsecutiveLosses);
        Assert.Empty(s.Breakers);
    }

    [Fact]
    public void After_a_pause_the_streak_counts_from_zero()
    {
        var s = Losses(Healthy(T0), T0, L, L, L, L, L);
        Assert.Equal(0, s.ConsecutiveLosses);
        s = RiskRules.OnTick(s, T0 + 60 * Min, []).State;
        s = Losses(s, T0 + 61 * Min, L, L, L, L);
        Assert.Empty(s.Breakers);
        s = Losses(s, T0 + 62 * Min, L);
        Assert.True(s.Breakers.ContainsKey(RiskRule.ConsecutiveLosses));
    }

    [Fact]
    public void Threshold_is_configurable()
    {
        var s = Losses(Healthy(T0, new RiskParameters(MaxConsecutiveLosses: 2, ConsecutiveLossPauseMs: 10 * Min)), T0, L, L);
        Assert.Equal(T0 + 10 * Min, s.Breakers[RiskRule.ConsecutiveLosses].UntilMs);
    }

    [Fact]
    public void Operator_can_resume_early()
    {
        var s = Losses(Healthy(T0), T0, L, L, L, L, L);
        var (resumed, t) = RiskRules.Resume(s, "bob", T0 + Min, RiskRule.ConsecutiveLosses);
        Assert.Single(t);
        Assert.True(Check(resumed, T0 + Min).IsAllowed);
    }
}
