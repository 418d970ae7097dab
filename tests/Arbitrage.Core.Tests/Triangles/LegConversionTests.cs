using Arbitrage.Core.Triangles;

namespace Arbitrage.Core.Tests.Triangles;

/// <summary>The leg conversion of ARCHITECTURE §7, on books small enough to follow by hand.</summary>
public sealed class LegConversionTests
{
    private static readonly BookLevel[] Bids = [new(100, 1), new(99, 2), new(90, 10)];
    private static readonly BookLevel[] Asks = [new(101, 1), new(102, 2), new(110, 10)];

    [Fact]
    public void Selling_base_walks_the_bids_taking_what_is_left_at_each_level()
    {
        // 2.5 base: 1 at 100, 1.5 at 99 → 248.5 quote.
        Assert.True(LegConversion.TryConvert(LegSide.SellBase, 2.5, Bids, 0, out double quote));
        Assert.Equal(248.5, quote);

        // Exactly the first level.
        Assert.True(LegConversion.TryConvert(LegSide.SellBase, 1, Bids, 0, out quote));
        Assert.Equal(100, quote);
    }

    [Fact]
    public void Buying_base_walks_the_asks_spending_what_is_left_at_each_level()
    {
        // 305 quote: 101 for 1 at 101, then 204 for 2 at 102 → 3 base.
        Assert.True(LegConversion.TryConvert(LegSide.BuyBase, 305, Asks, 0, out double @base));
        Assert.Equal(3, @base);

        // 50.5 quote at 101 → 0.5 base.
        Assert.True(LegConversion.TryConvert(LegSide.BuyBase, 50.5, Asks, 0, out @base));
        Assert.Equal(0.5, @base);
    }

    [Fact]
    public void The_fee_multiplies_the_result_by_one_minus_the_fee()
    {
        Assert.True(LegConversion.TryConvert(LegSide.SellBase, 2.5, Bids, 0.001, out double quote));
        Assert.Equal(248.5 * (1 - 0.001), quote);
        Assert.True(LegConversion.TryConvert(LegSide.BuyBase, 305, Asks, 0.25, out double @base));
        Assert.Equal(2.25, @base);
    }

    [Fact]
    public void A_book_that_runs_out_makes_the_leg_infeasible()
    {
        // 13 base are on the bids; 13.5 is not.
        Assert.True(LegConversion.TryConvert(LegSide.SellBase, 13, Bids, 0, out _));
        Assert.False(LegConversion.TryConvert(LegSide.SellBase, 13.5, Bids, 0, out _));
        // The asks are worth 101 + 204 + 1100 = 1405 quote.
        Assert.True(LegConversion.TryConvert(LegSide.BuyBase, 1405, Asks, 0, out _));
        Assert.False(LegConversion.TryConvert(LegSide.BuyBase, 1406, Asks, 0, out _));
        Assert.False(LegConversion.TryConvert(LegSide.BuyBase, 1, [], 0, out _));
    }

    [Fact]
    public void A_deep_book_is_walked_to_the_level_that_fills_the_amount()
    {
        // 1000 levels of 1 base, prices falling by 1 from 2000: selling 500.5 base takes 500 whole levels and half of one.
        var bids = Enumerable.Range(0, 1000).Select(i => new BookLevel(2000 - i, 1)).ToArray();
        Assert.True(LegConversion.TryConvert(LegSide.SellBase, 500.5, bids, 0, out double quote));
        double expected = Enumerable.Range(0, 500).Sum(i => 2000.0 - i) + (0.5 * 1500);
        Assert.Equal(expected, quote);
        Assert.False(LegConversion.TryConvert(LegSide.SellBase, 1000.5, bids, 0, out _));
    }
}
