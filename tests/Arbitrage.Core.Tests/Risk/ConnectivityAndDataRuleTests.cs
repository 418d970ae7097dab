using Arbitrage.Core.Risk;
using static Arbitrage.Core.Tests.Risk.RiskFixture;

namespace Arbitrage.Core.Tests.Risk;

public class ConnectivityAndDataRuleTests
{
    [Fact]
    public void Disconnect_of_exactly_30s_passes_and_30001ms_pauses_until_reconnected()
    {
        var down = T0 + 5_000;
        var s = RiskRules.OnExchangeDisconnected(Healthy(T0), down);

        Assert.True(Check(s, down + 30_000).IsAllowed);
        Assert.Equal(RiskRule.ExchangeDisconnect, RejectedBy(Check(s, down + 30_001)));

        Assert.Empty(RiskRules.OnTick(s, down + 30_000, []).Transitions);
        var (tripped, t) = RiskRules.OnTick(s, down + 30_001, []);
        var broken = Assert.IsType<RiskTransition.CircuitBroken>(Assert.Single(t));
        Assert.Equal(RiskRule.ExchangeDisconnect, broken.Rule);
        Assert.Null(broken.UntilMs);
        Assert.Empty(RiskRules.OnTick(tripped, down + 90_000, []).Transitions); // once

        // Still blocked long after, until the connection is back.
        Assert.Equal(RiskRule.ExchangeDisconnect, RejectedBy(Check(tripped, down + 3_600_000)));
        var (up, resumed) = RiskRules.OnExchangeConnected(tripped, down + 3_600_000);
        var r = Assert.IsType<RiskTransition.Resumed>(Assert.Single(resumed));
        Assert.Equal(RiskRule.ExchangeDisconnect, r.Rule);
        Assert.Contains("after 3600000 ms", r.Reason);
        Assert.True(Check(up, down + 3_600_000).IsAllowed);
    }

    [Fact]
    public void A_short_blip_leaves_no_trace()
    {
        var s = RiskRules.OnExchangeDisconnected(Healthy(T0), T0);
        var (up, t) = RiskRules.OnExchangeConnected(s, T0 + 10_000);
        Assert.Empty(t);
        Assert.Null(up.DisconnectedSinceMs);
    }

    [Fact]
    public void Repeated_disconnect_reports_keep_the_first_drop_time()
    {
        var s = RiskRules.OnExchangeDisconnected(Healthy(T0), T0);
        s = RiskRules.OnExchangeDisconnected(s, T0 + 20_000);
        Assert.Equal(RiskRule.ExchangeDisconnect, RejectedBy(Check(s, T0 + 30_001)));
    }

    [Fact]
    public void A_gateway_that_never_connects_trips_after_the_grace()
    {
        var s = RiskRules.OnBalance(RiskState.Initial(new RiskParameters(), T0), 1_000m);
        Assert.True(Check(s, T0 + 30_000).IsAllowed);
        Assert.Equal(RiskRule.ExchangeDisconnect, RejectedBy(Check(s, T0 + 30_001)));
    }

    [Theory]
    [InlineData("4", true)]     // exactly 2 × R
    [InlineData("3.99", false)]
    [InlineData("0", false)]
    public void Balance_below_two_R_rejects(string balance, bool allowed)
    {
        var s = RiskRules.OnBalance(Healthy(T0), decimal.Parse(balance, System.Globalization.CultureInfo.InvariantCulture));
        var v = Check(s, T0);
        Assert.Equal(allowed, v.IsAllowed);
        if (!allowed)
        {
            var r = Assert.IsType<RiskVerdict.Rejected>(v);
            Assert.Equal(RiskRule.BalanceTooLow, r.Rule);
            Assert.Contains("2 × R = 4 USD", r.Reason);
        }
    }

    [Fact]
    public void Balance_rule_uses_the_orders_own_risk_and_rejects_an_unknown_balance()
    {
        var s = RiskRules.OnBalance(Healthy(T0), 9m);
        var v = RiskRules.EvaluateOrder(s, new OrderCheck(Btc, RiskUsd: 5m), T0);
        Assert.Equal(RiskRule.BalanceTooLow, RejectedBy(v));

        var unknown = RiskRules.OnMarketEvent(RiskRules.OnExchangeConnected(RiskState.Initial(new RiskParameters(), T0), T0).State, Btc, T0);
        Assert.Equal(RiskRule.BalanceTooLow, RejectedBy(RiskRules.EvaluateOrder(unknown, new OrderCheck(Btc), T0)));
    }

    [Fact]
    public void Stale_market_data_blocks_only_that_symbol_strictly_after_30s()
    {
        var last = T0 + 1_000;
        var s = RiskRules.OnMarketEvent(Healthy(T0), "ETHUSDT", last);
        s = RiskRules.OnMarketEvent(s, Btc, last);
        var eth = new OrderCheck("ETHUSDT");

        Assert.True(RiskRules.EvaluateOrder(s, eth, last + 30_000).IsAllowed);
        var v = Assert.IsType<RiskVerdict.Rejected>(RiskRules.EvaluateOrder(s, eth, last + 30_001));
        Assert.Equal(RiskRule.StaleMarketData, v.Rule);
        Assert.Contains("30001 ms old", v.Reason);

        // BTC keeps flowing, so it stays tradable.
        s = RiskRules.OnMarketEvent(s, Btc, last + 30_001);
        Assert.True(RiskRules.EvaluateOrder(s, new OrderCheck(Btc), last + 30_001).IsAllowed);
    }

    [Fact]
    public void Unknown_symbol_is_blocked_and_older_events_do_not_move_time_back()
    {
        var s = Healthy(T0);
        Assert.Equal(RiskRule.StaleMarketData, RejectedBy(RiskRules.EvaluateOrder(s, new OrderCheck("SOLUSDT"), T0)));
        s = RiskRules.OnMarketEvent(s, Btc, T0 + 10_000);
        s = RiskRules.OnMarketEvent(s, Btc, T0 + 5_000);
        Assert.Equal(T0 + 10_000, s.LastEventMs[Btc]);
    }
}
