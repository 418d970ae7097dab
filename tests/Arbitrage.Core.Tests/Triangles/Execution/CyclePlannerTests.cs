using Arbitrage.Core.Sizing;
using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;
using CsCheck;
using static Arbitrage.Core.Tests.Triangles.Execution.TriangleExecFixture;

namespace Arbitrage.Core.Tests.Triangles.Execution;

/// <summary>A cycle sized for execution: exact book maths, the pairs' filters, IOC limit prices.</summary>
public sealed class CyclePlannerTests
{
    [Fact]
    public void A_plan_sizes_each_leg_from_the_previous_leg_rounded_down_to_the_step()
    {
        var plan = Plan();
        Assert.Equal(3, plan.Legs.Count);
        var (l1, l2, l3) = (plan.Legs[0], plan.Legs[1], plan.Legs[2]);

        // 100 USDT: 0.001 BTC at 50000 (50 USDT), the rest at 50010 → 0.00199980… BTC, rounded down to 0.00001.
        Assert.Equal((TradeSide.Buy, "BTC/USDT", 0.00199m), (l1.Side, l1.Symbol, l1.Quantity));
        Assert.Equal(50010m * 1.001m, l1.LimitPrice); // worst level walked + 10 bps, on the 0.01 tick
        Assert.Equal(0.00199 * (1 - Fee), l1.ExpectedOut);

        // Leg 2 spends what leg 1 gives (net of the fee), leg 3 sells what leg 2 gives, each rounded to its step.
        Assert.Equal(TradeSide.Buy, l2.Side);
        Assert.Equal(StepRounding.Down(CyclePlanner.ToDecimalDown(l2.ExpectedOut / (1 - Fee)), EthBtc.StepSize), l2.Quantity);
        Assert.Equal(TradeSide.Sell, l3.Side);
        Assert.Equal(StepRounding.Down(CyclePlanner.ToDecimalDown(l2.ExpectedOut), EthUsdt.StepSize), l3.Quantity);
        Assert.True(l3.LimitPrice < 2550m && l3.LimitPrice >= 2549m * 0.999m);
        Assert.Equal(plan.Legs[2].ExpectedOut, plan.ExpectedEnd);
        Assert.Equal(plan.ExpectedEnd / 100 - 1, plan.ExpectedReturn);
        // r = out₃ / N − 1 as detection defines it: the USDT left unspent by rounding leg 1 counts as not returned.
        Assert.InRange(plan.ExpectedReturn, 0.005, 0.01);
    }

    [Fact]
    public void Without_filters_the_plan_of_market_legs_is_the_detections_book_maths_to_the_bit()
    {
        // MARKET legs: a LIMIT buy takes only what its amount covers at the limit (the venue reserves quantity × limit),
        // which the next test shows.
        var plan = Plan(filters: false, settings: Settings(LegOrderType.Market));
        var books = TriBooks();
        Assert.True(LegConversion.TryConvert(LegSide.BuyBase, 100, books.Book("BTC/USDT")!.Asks, Fee, out var a));
        Assert.True(LegConversion.TryConvert(LegSide.BuyBase, a, books.Book("ETH/BTC")!.Asks, Fee, out var b));
        Assert.True(LegConversion.TryConvert(LegSide.SellBase, b, books.Book("ETH/USDT")!.Bids, Fee, out var c));
        Assert.Equal([a, b, c], plan.Legs.Select(l => l.ExpectedOut));
        Assert.Equal(c / 100 - 1, plan.ExpectedReturn);
    }

    [Fact]
    public void A_limit_buy_takes_what_its_amount_covers_at_the_limit_and_leaves_the_slippage_allowance_unspent()
    {
        var plan = Plan(filters: false);
        var market = Plan(filters: false, settings: Settings(LegOrderType.Market));
        var leg1 = plan.Legs[0];
        Assert.Equal(TradeSide.Buy, leg1.Side);
        Assert.True(leg1.Quantity * leg1.LimitPrice!.Value <= 100m);
        Assert.True(leg1.Quantity * leg1.LimitPrice.Value > 100m * 0.9999m, "the whole amount up to rounding is reserved");
        Assert.True(leg1.ExpectedOut < market.Legs[0].ExpectedOut);
        Assert.True(plan.ExpectedReturn < market.ExpectedReturn);
    }

    [Theory]
    [InlineData(TradeSide.Sell, 2549.0, 10, 0.01, "2546.46")] // 2546.451 → up to the tick, toward the level
    [InlineData(TradeSide.Buy, 50010.0, 10, 0.01, "50060.01")] // 50060.01 exactly
    [InlineData(TradeSide.Buy, 0.05001, 10, 0.00001, "0.05006")] // 0.05006001 → down to the tick
    [InlineData(TradeSide.Sell, 2549.0, 0, 0.01, "2549")]
    [InlineData(TradeSide.Buy, 0.05001, 1, 0.0001, "0.0501")] // the level is off the tick grid: up to the next tick, never below it
    public void The_limit_price_is_the_worst_level_moved_by_the_slippage_rounded_toward_the_level(TradeSide side, double worst, int bps, double tick, string expected)
    {
        var p = CyclePlanner.LimitPrice(side, worst, bps, (decimal)tick);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), p);
    }

    [Fact]
    public void Market_legs_have_no_limit_and_a_market_buy_sends_its_quote_amount()
    {
        var plan = Plan(settings: Settings(LegOrderType.Market));
        Assert.All(plan.Legs, l => Assert.Null(l.LimitPrice));
        Assert.Equal(100m, plan.Legs[0].QuoteQuantity);
        Assert.Equal(0m, plan.Legs[2].QuoteQuantity);
        Assert.True(plan.Legs[2].Quantity > 0m);
    }

    [Fact]
    public void A_cycle_rounded_below_the_floor_is_refused_for_filters()
    {
        // A coarse ETH step (0.1) leaves most of the BTC unspent: the rounded cycle loses.
        var coarse = Cycle() with { };
        var legs = coarse.Legs.ToList();
        legs[1] = legs[1] with { Filters = EthBtc with { StepSize = 0.03m, MinQty = 0m } };
        var r = CyclePlanner.Plan(coarse with { Legs = legs }, TriBooks(), 100m, Fee, Settings(), 0.001m, T0, 5000);
        Assert.Equal(PlanRefusal.Filters, r.Refusal);
        Assert.Equal("filters", r.ReasonCode);
        Assert.Contains("after rounding", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leg_below_the_minimum_notional_is_refused_for_filters()
    {
        var r = CyclePlanner.Plan(Cycle(), TriBooks(), 4m, Fee, Settings(), 0.001m, T0, 5000);
        Assert.Equal(PlanRefusal.Filters, r.Refusal);
        Assert.Contains("minNotional", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_unsynchronised_or_old_books_are_stale_and_a_thin_book_is_infeasible()
    {
        var missing = new TriangleBookSet().Set("BTC/USDT", BtcUsdtBook()).Set("ETH/BTC", EthBtcBook());
        Assert.Equal(PlanRefusal.Stale, CyclePlanner.Plan(Cycle(), missing, 100m, Fee, Settings(), 0.001m, T0, 5000).Refusal);
        var unsynced = TriBooks().Set("ETH/BTC", EthBtcBook() with { Synchronised = false });
        Assert.Equal(PlanRefusal.Stale, CyclePlanner.Plan(Cycle(), unsynced, 100m, Fee, Settings(), 0.001m, T0, 5000).Refusal);
        Assert.Equal(PlanRefusal.Stale, CyclePlanner.Plan(Cycle(), TriBooks(), 100m, Fee, Settings(), 0.001m, T0 + 5001, 5000).Refusal);
        Assert.True(CyclePlanner.Plan(Cycle(), TriBooks(), 100m, Fee, Settings(), 0.001m, T0 + 5000, 5000).Ok);
        Assert.Equal(PlanRefusal.Infeasible, CyclePlanner.Plan(Cycle(), TriBooks(), 1_000_000m, Fee, Settings(), 0.001m, T0, 5000).Refusal);
        Assert.Equal(PlanRefusal.BelowFloor, CyclePlanner.Plan(Cycle(false), TriBooks(), 100m, Fee, Settings(), 0.5m, T0, 5000).Refusal);
    }

    [Fact]
    public void A_limit_buy_whose_covered_quantity_stops_a_level_earlier_takes_that_levels_lower_limit()
    {
        // Found by the property below (seed 407vvBR1j251): 4691 USDT walks into the third ask (46453.11), whose limit
        // (+10 bps) covers 0.10088 BTC, which the first two asks (0.101 BTC) hold: at the second ask's limit the amount
        // covers 0.10091 BTC. The buy takes the larger, priced at the second level's limit, and still fits the amount.
        var asks = new BookLevel[] { new(46425.25, 0.03366666666666667), new(46439.18, 0.06733333333333334), new(46453.11, 3.366666666666667) };
        var book = new PairBook([new(46400, 1000)], asks, T0);
        var leg = Cycle(false).Legs[0];
        var planned = CyclePlanner.SizeLeg(leg, book, 4691m, 4691, Fee, LegOrderType.LimitIoc, 10m).Value!;
        Assert.Equal(CyclePlanner.LimitPrice(TradeSide.Buy, 46439.18, 10m, 0m), planned.LimitPrice);
        Assert.True(planned.Quantity * planned.LimitPrice!.Value <= 4691m);
        Assert.True(planned.Quantity > 4691m / CyclePlanner.LimitPrice(TradeSide.Buy, 46453.11, 10m, 0m), "more than the third level's limit covers");
        Assert.Equal(46439.18, planned.WorstPrice);
    }

    private static readonly decimal[] Steps = [0.00001m, 0.0001m, 0.001m, 0.01m];

    private static readonly Gen<(BookLevel[] A1, BookLevel[] A2, BookLevel[] B3, decimal Step1, decimal Step2, decimal Step3, decimal Notional)> Random =
        from p1 in Gen.Double[40000, 60000]
        from p2 in Gen.Double[0.04, 0.06]
        from p3 in Gen.Double[2000, 3000]
        from q in Gen.Double[0.5, 5]
        from s1 in Gen.Int[0, 3]
        from s2 in Gen.Int[0, 3]
        from s3 in Gen.Int[0, 3]
        from n in Gen.Int[20, 5000]
        select (
            Levels(p1, q * 0.01, 1.0003), Levels(p2, q, 1.0002), Levels(p3, q, 0.9997),
            Steps[s1], Steps[s2], Steps[s3], (decimal)n);

    private static BookLevel[] Levels(double best, double qty, double factor) =>
        [new(Math.Round(best, 2), qty), new(Math.Round(best * factor, 2), qty * 2), new(Math.Round(best * factor * factor, 2), qty * 100)];

    [Fact]
    public void Rounded_quantities_are_multiples_of_the_step_within_the_limits_and_never_return_more_than_unrounded() =>
        Random.Sample(x =>
        {
            var books = new TriangleBookSet()
                .Set("BTC/USDT", new PairBook([new(x.A1[0].Price * 0.999, 1000)], x.A1, T0))
                .Set("ETH/BTC", new PairBook([new(x.A2[0].Price * 0.999, 1000)], x.A2, T0))
                .Set("ETH/USDT", new PairBook(x.B3, [new(x.B3[0].Price * 1.001, 1000)], T0));
            var cycle = Cycle();
            var steps = new[] { x.Step1, x.Step2, x.Step3 };
            var filtered = cycle with
            {
                Legs = cycle.Legs.Select((l, i) => l with { Filters = new PairFilters(0m, steps[i], steps[i], 1000m, 0m, 0m, 0m, 0m, 0m) }).ToList(),
            };
            var unrounded = CyclePlanner.Plan(Cycle(false), books, x.Notional, Fee, Settings(), -0.9m, T0, 5000);
            var rounded = CyclePlanner.Plan(filtered, books, x.Notional, Fee, Settings(), -0.9m, T0, 5000);
            if (!unrounded.Ok) return;
            if (!rounded.Ok)
            {
                Assert.Equal(PlanRefusal.Filters, rounded.Refusal);
                return;
            }

            var held = rounded.Value!.StartAmount;
            for (int i = 0; i < 3; i++)
            {
                var leg = rounded.Value!.Legs[i];
                // A LIMIT buy reserves quantity × limit of what the previous leg gave: it must fit.
                if (leg.Side == TradeSide.Buy && leg.LimitPrice is { } limit)
                {
                    Assert.True(leg.Quantity * limit <= held, $"leg {i + 1}: {leg.Quantity} × {limit} > {held} held");
                }

                held = CyclePlanner.ToDecimalDown(leg.ExpectedOut);
                Assert.True(StepRounding.IsMultiple(leg.Quantity, steps[i]), $"leg {i + 1}: {leg.Quantity} not a multiple of {steps[i]}");
                Assert.InRange(leg.Quantity, steps[i], 1000m);
                Assert.True(leg.ExpectedOut <= unrounded.Value!.Legs[i].ExpectedOut, $"leg {i + 1}: {leg.ExpectedOut} > {unrounded.Value.Legs[i].ExpectedOut}");
            }

            Assert.True(rounded.Value!.ExpectedReturn <= unrounded.Value!.ExpectedReturn);
        }, iter: 2000);
}
