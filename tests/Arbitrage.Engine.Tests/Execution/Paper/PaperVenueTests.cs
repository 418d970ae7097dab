using Arbitrage.Core.Execution;
using Arbitrage.Engine.Execution.Paper;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Execution.Paper;

/// <summary>The paper venue's rules as pure functions, and that its journal alone rebuilds it.</summary>
public sealed class PaperVenueTests
{
    private static readonly PaperGatewaySettings Settings = new(1_000m, 0.0004m, 1m);

    private static PaperVenueState Opened() => PaperVenueState.Empty.Apply(new PaperAccountOpened(1_000m, 0));

    private static OrderRequest Market(string id, Side side, decimal qty, bool reduceOnly = false) =>
        new(id, "BTCUSDT", side, OrderType.Market, qty, null, reduceOnly);

    private static OrderRequest Stop(string id, Side side, decimal qty, decimal trigger) =>
        new(id, "BTCUSDT", side, OrderType.StopMarket, qty, trigger, true);

    [Fact]
    public void Fills_are_taker_fills_at_the_fed_price_with_slippage_and_fees_and_the_events_alone_rebuild_the_account()
    {
        List<IPaperVenueEvent> journal = [new PaperAccountOpened(1_000m, 0)];
        var s = Opened();
        void Take<T>(PaperVenueOutcome<T> o)
        {
            journal.AddRange(o.Events);
            s = o.State;
        }

        Take(PaperVenue.OnPrice(s, "BTCUSDT", 100m, T0, Settings));
        var buy = PaperVenue.Place(s, Market("e", Side.Buy, 1m), Settings);
        Take(buy);
        Assert.Equal((GatewayOrderStatus.Filled, 100.01m, 0.040004m), (buy.Answer.Value!.Status, buy.Answer.Value.AveragePrice, buy.Answer.Value.FeeUsd!.Value));
        Assert.Equal(buy.Answer.Value, Assert.Single(buy.Updates).Order);

        Take(PaperVenue.Place(s, Stop("s", Side.Sell, 1m, 98m), Settings));
        Take(PaperVenue.OnPrice(s, "BTCUSDT", 99m, T0 + 1, Settings));
        Assert.Equal(GatewayOrderStatus.New, s.Orders["s"].Status);
        var gap = PaperVenue.OnPrice(s, "BTCUSDT", 97m, T0 + 2, Settings); // gaps through the 98 trigger
        Take(gap);
        var fill = Assert.Single(gap.Updates);
        Assert.Equal((1m, 96.9903m), (fill.LastFillQuantity, fill.LastFillPrice));
        Assert.Empty(s.Positions);
        Assert.Equal(1_000m - 0.040004m + (96.9903m - 100.01m) - 96.9903m * 0.0004m, s.BalanceUsd);

        // What a restart reads back: the events, nothing else.
        var rebuilt = journal.Aggregate(PaperVenueState.Empty, (st, e) => st.Apply(e));
        AssertSame(s.View(), rebuilt.View());
        AssertSame(s.View(), PaperVenueState.From(s.ToSnapshot()).View());
        Assert.Equal(s.Working, PaperVenueState.From(s.ToSnapshot()).Working);
    }

    private static void AssertSame(PaperAccountView expected, PaperAccountView actual)
    {
        Assert.Equal(expected.BalanceUsd, actual.BalanceUsd);
        Assert.Equal(expected.Positions, actual.Positions);
        Assert.Equal(expected.Orders, actual.Orders);
    }

    [Fact]
    public void Without_a_price_since_its_start_the_venue_lets_orders_wait_for_the_first_one()
    {
        var s = Opened();
        var entry = PaperVenue.Place(s, Market("e", Side.Buy, 1m), Settings);
        Assert.Empty(entry.Updates);
        Assert.Equal(GatewayOrderStatus.New, entry.Answer.Value!.Status);
        s = entry.State;
        s = PaperVenue.Place(s, Stop("s", Side.Sell, 1m, 98m), Settings).State; // cannot be checked against a price yet: accepted

        var first = PaperVenue.OnPrice(s, "BTCUSDT", 100m, T0, Settings);
        Assert.Equal(["e"], first.Updates.Select(u => u.Order.ClientOrderId));
        Assert.Equal(1m, first.State.Positions["BTCUSDT"].Quantity);
        Assert.Equal(GatewayOrderStatus.New, first.State.Orders["s"].Status);
    }

    [Fact]
    public void Reduce_only_orders_are_clipped_to_the_position_and_refused_or_expired_without_one()
    {
        var s = PaperVenue.OnPrice(Opened(), "BTCUSDT", 100m, T0, Settings).State;
        var none = PaperVenue.Place(s, Market("x", Side.Sell, 1m, reduceOnly: true), Settings);
        Assert.Equal((GatewayErrorKind.Rejected, "-2022"), (none.Answer.Error!.Kind, none.Answer.Error.Message[..5]));
        Assert.Empty(none.Events);

        s = PaperVenue.Place(s, Market("e", Side.Buy, 0.5m), Settings).State;
        var clipped = PaperVenue.Place(s, Market("c", Side.Sell, 1m, reduceOnly: true), Settings);
        Assert.Equal((GatewayOrderStatus.Filled, 0.5m), (clipped.Answer.Value!.Status, clipped.Answer.Value.FilledQuantity));
        s = PaperVenue.Place(clipped.State, Stop("s", Side.Sell, 1m, 98m), Settings).State;
        var expired = PaperVenue.OnPrice(s, "BTCUSDT", 97m, T0 + 1, Settings);
        Assert.Equal(GatewayOrderStatus.Expired, Assert.Single(expired.Updates).Order.Status);
    }

    [Fact]
    public void A_second_placement_under_a_known_client_id_is_answered_as_unknown_so_the_caller_queries()
    {
        var s = PaperVenue.OnPrice(Opened(), "BTCUSDT", 100m, T0, Settings).State;
        s = PaperVenue.Place(s, Stop("s", Side.Sell, 1m, 98m), Settings).State;
        var again = PaperVenue.Place(s, Stop("s", Side.Sell, 1m, 98m), Settings);
        Assert.Equal(GatewayErrorKind.UnknownStatus, again.Answer.Error!.Kind);
        Assert.Contains("-4116", again.Answer.Error.Message);
        Assert.Empty(again.Events);
        Assert.Equal(GatewayOrderStatus.New, s.Query("s").Value!.Status);

        var wouldTrigger = PaperVenue.Place(s, Stop("t", Side.Sell, 1m, 101m), Settings);
        Assert.Contains("-2021", wouldTrigger.Answer.Error!.Message);
    }

    [Fact]
    public void Finished_orders_are_remembered_up_to_a_bound_so_recovery_does_not_grow_with_age()
    {
        var s = PaperVenue.OnPrice(Opened(), "BTCUSDT", 100m, T0, Settings).State;
        for (var i = 0; i <= PaperVenueState.FinishedOrdersKept; i++)
        {
            s = PaperVenue.Place(s, Stop($"s{i}", Side.Sell, 1m, 90m), Settings).State;
            s = PaperVenue.Cancel(s, $"s{i}").State;
        }

        Assert.Equal(PaperVenueState.FinishedOrdersKept, s.Orders.Count);
        Assert.Equal(GatewayErrorKind.NotFound, s.Query("s0").Error!.Kind);
        Assert.Equal(GatewayOrderStatus.Canceled, s.Query("s1").Value!.Status);
    }
}
