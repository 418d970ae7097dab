using Akka.Actor;
using Arbitrage.Core.Funding.Carry;
using Arbitrage.Engine.Funding.Carry;
using Arbitrage.Engine.Tests.Symbols;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Funding.Carry.CarryTestData;

namespace Arbitrage.Engine.Tests.Funding.Carry;

/// <summary>The carry actor on a temp SQLite journal; event time is the updates' time, never the clock.</summary>
public sealed class CarryActorTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private IActorRef Start(CarryConfig config, ICarryLegGateway? gateway = null) =>
        Sys.ActorOf(CarryActor.Props(Btc, config, gateway ?? new PaperCarryLegGateway(config.FeeRate)));

    private CarryStatus StatusOf(IActorRef carry)
    {
        carry.Tell(new GetCarryStatus(Btc));
        return ExpectMsg<CarryStatus>();
    }

    private void Stop(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
    }

    [Fact]
    public void Enters_when_predicted_funding_clears_the_threshold_and_exits_when_it_falls_below_the_exit_level()
    {
        var carry = Start(Config());
        carry.Tell(Update(T0 - 3 * Hour, rate: 0.00005m));                 // 5.5 %/yr < 10 %: stay flat
        Assert.Null(StatusOf(carry).Open);

        carry.Tell(Update(T0 - 2 * Hour, rate: 0.0001m, mark: 20010m));   // 10.95 %/yr, basis +0.05 %: enter
        var open = StatusOf(carry).Open!;
        Assert.Equal(T0 - 2 * Hour, open.Position.OpenedAtMs);
        Assert.Equal(0.05m, open.Position.SpotQuantity);                   // 1000 / 20000 index
        Assert.Equal(0.049m, open.Position.PerpQuantity);                  // 1000 / 20010 = 0.04997 → step 0.001
        Assert.Equal(20010m, open.Position.PerpEntryPrice);
        Assert.Equal(0.05m * 20000m * 0.0004m + 0.049m * 20010m * 0.0004m, open.Position.FeesUsd);

        carry.Tell(Update(T0 - 1 * Hour, rate: 0.00005m));                 // 5.5 %/yr ≥ exit 3 %: hold (hysteresis)
        Assert.NotNull(StatusOf(carry).Open);

        carry.Tell(Update(T0 - 1 * Hour + 1000, rate: 0.00002m, mark: 20000m, index: 20020m)); // 2.19 %/yr: exit
        var status = StatusOf(carry);
        Assert.Null(status.Open);
        var closed = Assert.Single(status.Closed);
        Assert.Equal("funding_fell", closed.ExitReason);
        Assert.Equal(T0 - 1 * Hour + 1000, closed.ClosedMs);
        // spot 0.05 × (20020 − 20000) = 1; perp 0.049 × (20010 − 20000) = 0.49
        Assert.Equal(1.49m, closed.BasisPnlUsd);
        var fees = 0.05m * 20000m * 0.0004m + 0.049m * 20010m * 0.0004m + 0.05m * 20020m * 0.0004m + 0.049m * 20000m * 0.0004m;
        Assert.Equal(fees, closed.FeesUsd);
        Assert.Equal(1.49m - fees, closed.NetUsd);
        Assert.False(status.AutoPaused); // the rules closed it: the next high rate may enter again
    }

    [Fact]
    public void Does_not_enter_on_a_deep_perp_discount_and_exits_on_max_holding_time_in_event_time()
    {
        var carry = Start(Config(maxHoldingMs: 8 * Hour));
        carry.Tell(Update(T0, rate: 0.0003m, mark: 19970m, index: 20000m)); // basis −0.15 % < −0.05 %
        Assert.Null(StatusOf(carry).Open);

        carry.Tell(Update(T0 + 1000, rate: 0.0003m));
        Assert.NotNull(StatusOf(carry).Open);
        carry.Tell(Update(T0 + 1000 + 8 * Hour - 1, rate: 0.0003m));
        Assert.NotNull(StatusOf(carry).Open);
        carry.Tell(Update(T0 + 1000 + 8 * Hour, rate: 0.0003m));
        var status = StatusOf(carry);
        Assert.Equal("max_holding_time", Assert.Single(status.Closed).ExitReason);
        Assert.Null(status.Open); // the close takes the whole update…
        carry.Tell(Update(T0 + 2000 + 8 * Hour, rate: 0.0003m));
        Assert.Equal(T0 + 2000 + 8 * Hour, StatusOf(carry).Open!.Position.OpenedAtMs); // …funding still high: a fresh carry on the next one
    }

    [Fact]
    public void Accrues_each_settlement_at_its_own_rate_and_mark_once()
    {
        var carry = Start(Config());
        carry.Tell(Update(T0 - Hour, rate: 0.0001m));
        Assert.Equal(0.05m, StatusOf(carry).Open!.Position.PerpQuantity);

        carry.Tell(Settlement(T0 - 2 * Hour, 0.0004m, 20000m));   // before the open: nothing
        carry.Tell(Settlement(T0, 0.0001m, 20100m));              // 0.05 × 20100 × 0.0001 = 0.1005
        carry.Tell(Update(T0 + 1000, rate: 0.0003m));
        carry.Tell(Settlement(T0, 0.0001m, 20100m));              // duplicate (REST confirmation, reconnect): nothing
        carry.Tell(Settlement(T0 + 8 * Hour, 0.0003m, 19900m));   // 0.05 × 19900 × 0.0003 = 0.2985
        carry.Tell(Settlement(T0 + 16 * Hour, -0.0002m, 20000m)); // the short pays: −0.2
        var status = StatusOf(carry);
        var position = status.Open!.Position;
        Assert.Equal(3, position.Settlements);
        Assert.Equal(0.1005m + 0.2985m - 0.2m, position.FundingUsd);
        Assert.Equal(0.199m, position.FundingUsd);
        Assert.Equal(T0 + 16 * Hour, position.LastSettlementMs);
        // marked at the last update (20000/20000): basis 0, net = funding − entry fees (0.4 + 0.4)
        Assert.Equal(0.199m - 0.8m, status.Mark!.NetUsd);
        Assert.Equal(3, status.OpenResult!.Settlements);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_perp_leg_that_fails_to_open_is_unwound_and_recorded_never_left_naked(bool asyncGateway)
    {
        var gateway = new ScriptedLegGateway(0.0004m, asyncGateway);
        gateway.FailWhenIdContains["open-perp"] = "rejected: margin is insufficient";
        var config = Config();
        var carry = Start(config, gateway);
        carry.Tell(Update(T0 - Hour, rate: 0.0001m, index: 20000m));
        carry.Tell(Update(T0 - Hour + 1000, rate: 0.0001m, index: 20050m)); // busy (async) or a second attempt (sync)

        CarryStatus status = null!;
        AwaitAssert(() =>
        {
            status = StatusOf(carry);
            Assert.False(status.Busy);
            Assert.NotEmpty(status.Failures);
        });
        Assert.Null(status.Open);
        Assert.Null(status.Stranded);
        var failure = status.Failures[0];
        Assert.Equal(CarryLeg.Perp, failure.FailedLeg);
        Assert.Contains("margin", failure.Error, StringComparison.Ordinal);
        Assert.Equal(CarryLeg.Spot, failure.Filled!.Leg);
        Assert.Equal(CarrySide.Sell, failure.Unwound!.Side);
        Assert.Equal(failure.Filled.Quantity, failure.Unwound.Quantity);
        // The first attempt unwound at the same update's index: PnL 0, fees both spot fills.
        Assert.Equal(0m, failure.PnlUsd);
        Assert.Equal(2 * 0.05m * 20000m * 0.0004m, failure.FeesUsd);
        var unwinds = gateway.Orders.Where(o => o.ClientId == $"{failure.CarryId}-unwind-spot").ToArray();
        Assert.Single(unwinds);

        // Recorded: a new incarnation recovers the failure from the journal.
        Stop(carry);
        var again = Start(config, gateway);
        var recovered = StatusOf(again);
        Assert.Equal(status.Failures, recovered.Failures);
        Assert.Null(recovered.Open);
    }

    [Fact]
    public void A_failed_unwind_is_stranded_and_retried_on_the_next_update_until_it_fills()
    {
        var gateway = new ScriptedLegGateway(0m);
        gateway.FailWhenIdContains["open-spot"] = "spot: no liquidity";
        gateway.FailWhenIdContains["unwind-perp"] = "timeout";
        var carry = Start(Config(), gateway);
        carry.Tell(Update(T0 - Hour, rate: 0.0001m, mark: 20000m));
        var status = StatusOf(carry);
        Assert.Equal(CarryLeg.Perp, status.Stranded!.Leg);
        Assert.Null(status.Open);

        gateway.FailWhenIdContains.TryRemove("unwind-perp", out _);
        carry.Tell(Update(T0 - Hour + 1000, rate: 0.0001m, mark: 19990m)); // retried here, not a new entry
        status = StatusOf(carry);
        Assert.Null(status.Stranded);
        Assert.Null(status.Open);
        var failure = Assert.Single(status.Failures);
        Assert.Equal(0.05m * (20000m - 19990m), failure.PnlUsd); // short 0.05 sold at 20000, bought back at 19990
        Assert.Equal(CarrySide.Buy, failure.Unwound!.Side);
    }

    [Theory]
    [InlineData(1000)] // journal only
    [InlineData(2)]    // snapshot + journal tail
    public void A_restart_in_the_middle_of_a_carry_recovers_it_exactly_and_keeps_accruing(int snapshotEvery)
    {
        var config = Config(snapshotEvery: snapshotEvery);
        var carry = Start(config);
        carry.Tell(Update(T0 - Hour, rate: 0.0001m, mark: 20010m));
        carry.Tell(Settlement(T0, 0.0001m, 20100m));
        carry.Tell(Update(T0 + 1000, rate: 0.0002m, mark: 20020m, index: 20005m));
        carry.Tell(Settlement(T0 + 8 * Hour, 0.0002m, 20050m));
        var before = StatusOf(carry);
        Assert.Equal(2, before.Open!.Position.Settlements);
        Stop(carry);

        var again = Start(config);
        var after = StatusOf(again);
        Assert.Equal(before.Open, after.Open); // same quantities, prices, open time, funding, fees, last settlement
        Assert.Equal(before.Open.Position.FundingUsd, after.Open!.Position.FundingUsd);

        again.Tell(Settlement(T0 + 8 * Hour, 0.0002m, 20050m));   // already accrued before the restart
        again.Tell(Settlement(T0 + 16 * Hour, 0.00015m, 20000m));
        var position = StatusOf(again).Open!.Position;
        Assert.Equal(3, position.Settlements);
        Assert.Equal(before.Open.Position.FundingUsd + 0.049m * 20000m * 0.00015m, position.FundingUsd);
    }

    [Fact]
    public void Operators_open_and_close_by_command_and_an_operator_close_pauses_automatic_entries()
    {
        var carry = Start(Config());
        carry.Tell(new OpenCarry(Btc, 500m, "alice"));
        Assert.False(ExpectMsg<CarryCommandReply>().Accepted); // no price yet

        carry.Tell(Update(T0 - Hour, rate: 0.00001m)); // 1 %/yr: the rules would not enter
        carry.Tell(new OpenCarry(Btc, 500m, "alice"));
        Assert.True(ExpectMsg<CarryCommandReply>().Accepted);
        Assert.Equal(0.025m, StatusOf(carry).Open!.Position.SpotQuantity);
        carry.Tell(new OpenCarry(Btc, 500m, "alice"));
        Assert.False(ExpectMsg<CarryCommandReply>().Accepted); // already open

        // The rules would exit at 1 %/yr on the next update; the operator closes first.
        carry.Tell(new CloseCarry(Btc, "manual test", "bob"));
        Assert.True(ExpectMsg<CarryCommandReply>().Accepted);
        var status = StatusOf(carry);
        Assert.Equal("operator", Assert.Single(status.Closed).ExitReason);
        Assert.True(status.AutoPaused);

        carry.Tell(Update(T0 - Hour + 1000, rate: 0.0005m)); // high funding, but paused
        Assert.Null(StatusOf(carry).Open);
        carry.Tell(new CloseCarry(Btc, "again", "bob"));
        Assert.False(ExpectMsg<CarryCommandReply>().Accepted);
    }

    [Fact]
    public void An_operator_gets_the_answer_to_an_open_whose_legs_answer_late_even_when_updates_arrive_meanwhile()
    {
        var gateway = new GatedLegGateway(0.0004m);
        var carry = Start(Config(), gateway);
        carry.Tell(Update(T0 - Hour, rate: 0.00001m)); // a price, and 1 %/yr: the rules would not enter
        carry.Tell(new OpenCarry(Btc, 500m, "alice"));
        AwaitCondition(() => gateway.Waiting == 2, TimeSpan.FromSeconds(10));

        // Live feeds keep coming while the exchange works on the legs: they move the price, not the operator's answer.
        carry.Tell(Update(T0 - Hour + 1000, rate: 0.00001m));
        carry.Tell(Settlement(T0, 0.0001m, 20000m)); // waits for the legs
        var busy = StatusOf(carry);
        Assert.True(busy.Busy);
        Assert.Equal(T0 - Hour + 1000, busy.Latest!.EventTimeMs);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        gateway.Release();
        var reply = ExpectMsg<CarryCommandReply>(TimeSpan.FromSeconds(10));
        Assert.True(reply.Accepted, reply.Message);
        var status = StatusOf(carry);
        Assert.False(status.Busy);
        Assert.Equal("alice", status.Open!.OpenedBy);
        Assert.Equal(1, status.Open.Position.Settlements); // the settlement that waited accrued after the open was journaled
    }
}
