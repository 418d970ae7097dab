using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Core.Tests.Triangles.Execution;

/// <summary>The triangle risk rules, one by one.</summary>
public sealed class TriangleRiskRulesTests
{
    private const long Day = TriangleRiskState.DayMs;
    private const long T = 20_000 * Day + 3_600_000; // 01:00 UTC

    private static readonly TriangleRiskLimits Limits = new(DailyLossUsd: 50m, MaxVenueNotionalUsd: 300m, MaxCyclesInFlight: 2, CooldownMs: 1000);

    private static TriangleRiskRequest Request(string cycle = "USDT>BTC>ETH", string venue = "binance-spot", decimal usd = 100m, decimal? available = 1000m, long t = T) =>
        new(venue, cycle, "USDT", 100m, usd, available, t);

    private static string Reason(TriangleRiskState s, TriangleRiskRequest r) => TriangleRiskRules.Approve(Limits, s, r).Reason;

    [Fact]
    public void A_fresh_state_approves()
    {
        var v = TriangleRiskRules.Approve(Limits, TriangleRiskState.Empty, Request());
        Assert.True(v.Approved);
        Assert.Equal(string.Empty, v.Reason);
    }

    [Fact]
    public void The_kill_switch_refuses_everything_until_it_is_off()
    {
        var on = TriangleRiskState.Empty.WithKillSwitch(true);
        Assert.Equal("risk:kill_switch", Reason(on, Request()));
        Assert.Equal(string.Empty, Reason(on.WithKillSwitch(false), Request()));
    }

    [Fact]
    public void The_daily_loss_across_cycles_stops_new_attempts_until_the_next_UTC_day()
    {
        var s = TriangleRiskState.Empty
            .Started("a", Request(), 1000).Ended("a", -30m, T + 10)
            .Started("b", Request(cycle: "USDT>ETH>BTC", t: T + 20), 1000).Ended("b", -19.99m, T + 30);
        Assert.Equal(string.Empty, Reason(s, Request(t: T + 5000)));
        s = s.Started("c", Request(venue: "other", t: T + 40), 1000).Ended("c", -0.01m, T + 50);
        Assert.Equal(-50m, s.RealisedOn(T + 5000));
        var v = TriangleRiskRules.Approve(Limits, s, Request(t: T + 5000));
        Assert.Equal("risk:daily_loss", v.Reason);
        Assert.Contains("-50", v.Detail, StringComparison.Ordinal);
        Assert.Equal(string.Empty, Reason(s, Request(t: T - 3_600_000 + Day))); // 00:00 UTC the next day
    }

    [Fact]
    public void A_cycle_cools_down_after_an_attempt_on_the_same_venue()
    {
        var s = TriangleRiskState.Empty.Started("a", Request(), 1000).Ended("a", 1m, T + 5);
        Assert.Equal("cooldown", Reason(s, Request(t: T + 999)));
        Assert.Equal(string.Empty, Reason(s, Request(t: T + 1000)));
        Assert.Equal(string.Empty, Reason(s, Request(cycle: "USDT>ETH>BTC", t: T + 1)));
        Assert.Equal(string.Empty, Reason(s, Request(venue: "other", t: T + 1)));

        // Old entries are pruned as new attempts start: the state does not grow with time.
        s = s.Started("b", Request(cycle: "X", t: T + 5000), 1000);
        Assert.Equal(["binance-spot|X"], s.LastStartMs.Keys);
    }

    [Fact]
    public void Cycles_in_flight_are_capped()
    {
        var s = TriangleRiskState.Empty.Started("a", Request(cycle: "A", usd: 1m), 1000).Started("b", Request(cycle: "B", usd: 1m), 1000);
        Assert.Equal("risk:cycles_in_flight", Reason(s, Request(usd: 1m)));
        Assert.Equal(string.Empty, Reason(s.Ended("a", 0m, T), Request(usd: 1m)));
    }

    [Fact]
    public void The_notional_in_flight_per_venue_is_capped_the_new_attempt_included()
    {
        var s = TriangleRiskState.Empty.Started("a", Request(cycle: "A", usd: 150m), 1000);
        Assert.Equal(string.Empty, Reason(s, Request(usd: 150m)));
        Assert.Equal("risk:venue_notional", Reason(s, Request(usd: 150.01m)));
        Assert.Equal(string.Empty, Reason(s, Request(venue: "other", usd: 300m)));
    }

    [Fact]
    public void The_venue_balance_of_the_start_asset_must_cover_the_start_amount()
    {
        Assert.Equal("balance", Reason(TriangleRiskState.Empty, Request(available: 99.99m)));
        Assert.Equal(string.Empty, Reason(TriangleRiskState.Empty, Request(available: 100m)));
        Assert.Equal(string.Empty, Reason(TriangleRiskState.Empty, Request(available: null)));
    }
}
