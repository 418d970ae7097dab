using Arbitrage.Core.Triangles;

namespace Arbitrage.Core.Tests.Triangles;

/// <summary>The venue graph: cycles of each start asset and the pair → cycles index.</summary>
public sealed class TriangleUniverseTests
{
    private static TradingPair P(string s) => TradingPair.TryParse(s, out var p) ? p : throw new ArgumentException(s);

    [Fact]
    public void A_triangle_has_two_cycles_per_start_asset_one_per_direction_with_the_legs_of_the_id()
    {
        var u = TriangleUniverse.Create([P("BTC/USDT"), P("ETH/USDT"), P("ETH/BTC")], [("USDT", 100), ("BTC", 0.002)]);

        Assert.Equal(["USDT>BTC>ETH", "USDT>ETH>BTC", "BTC>ETH>USDT", "BTC>USDT>ETH"], u.Cycles.Select(c => c.Id));
        Assert.Equal([0, 1, 2, 3], u.Cycles.Select(c => c.Index));

        // USDT>BTC>ETH = buy BTC with USDT, buy ETH with BTC, sell ETH for USDT.
        var c0 = u.Cycles[0];
        Assert.Equal(("USDT", 100.0), (c0.StartAsset, c0.Notional));
        Assert.Equal(new CycleLeg(0, LegSide.BuyBase, "USDT", "BTC"), c0.Leg1);
        Assert.Equal(new CycleLeg(2, LegSide.BuyBase, "BTC", "ETH"), c0.Leg2);
        Assert.Equal(new CycleLeg(1, LegSide.SellBase, "ETH", "USDT"), c0.Leg3);

        // The reverse: buy ETH with USDT, sell ETH for BTC, sell BTC for USDT.
        var c1 = u.Cycles[1];
        Assert.Equal([(1, LegSide.BuyBase), (2, LegSide.SellBase), (0, LegSide.SellBase)],
            new[] { c1.Leg1, c1.Leg2, c1.Leg3 }.Select(l => (l.Pair, l.Side)));

        // Every pair is in every cycle of a single triangle.
        for (int p = 0; p < 3; p++)
        {
            Assert.Equal([0, 1, 2, 3], u.CyclesOf(p).ToArray());
        }

        Assert.Equal(4, u.MaxCyclesPerPair);
    }

    [Fact]
    public void The_index_lists_exactly_the_cycles_through_each_pair()
    {
        // Two triangles sharing BTC/USD: USD-BTC-ETH and USD-BTC-SOL, plus a pair in no triangle.
        string[] symbols = ["BTC/USD", "ETH/USD", "ETH/BTC", "SOL/USD", "SOL/BTC", "DOGE/EUR"];
        var u = TriangleUniverse.Create(symbols.Select(P), [("USD", 10), ("BTC", 1), ("XRP", 5)]);

        Assert.Equal(8, u.Cycles.Count); // 2 triangles × 2 directions × start assets USD and BTC; XRP trades nowhere
        for (int p = 0; p < symbols.Length; p++)
        {
            var expected = u.Cycles.Where(c => c.Uses(p)).Select(c => c.Index).ToArray();
            Assert.Equal(expected, u.CyclesOf(p).ToArray());
        }

        Assert.Equal(0, u.CyclesOf(5).Length);
        Assert.Equal(8, u.CyclesOf(0).Length);
        Assert.True(u.TryGetPair("SOL/BTC", out int sol));
        Assert.Equal(4, sol);
        Assert.True(u.TryGetPair("SOL/BTC".AsSpan(), out sol));
        Assert.False(u.TryGetPair("BTC/SOL", out _));
    }

    [Fact]
    public void Cycle_counts_follow_the_graph_on_a_complete_venue()
    {
        // 5 assets, every pair listed: C(5,3) = 10 triangles; each asset is in C(4,2) = 6 of them, 2 directions each.
        string[] assets = ["A", "B", "C", "D", "E"];
        var pairs = new List<TradingPair>();
        for (int i = 0; i < assets.Length; i++)
        {
            for (int j = i + 1; j < assets.Length; j++)
            {
                pairs.Add(P($"{assets[j]}/{assets[i]}"));
            }
        }

        var u = TriangleUniverse.Create(pairs, assets.Select(a => (a, 1.0)));
        Assert.Equal(5 * 12, u.Cycles.Count);
        Assert.Equal(u.Cycles.Count, u.Cycles.Select(c => c.Id).Distinct().Count());
        // A pair A-B is in 3 triangles; each has 6 cycles (3 starts × 2 directions).
        Assert.Equal(18, u.MaxCyclesPerPair);
    }

    [Fact]
    public void Two_pairs_over_the_same_assets_or_a_repeated_symbol_are_refused_with_the_reason()
    {
        Assert.Equal("pairs BTC/USD and USD/BTC trade the same two assets; keep one", TriangleUniverse.FindConflict([P("BTC/USD"), P("USD/BTC")]));
        Assert.Equal("pair BTC/USD is listed twice", TriangleUniverse.FindConflict([P("BTC/USD"), P("BTC/USD")]));
        Assert.Null(TriangleUniverse.FindConflict([P("BTC/USD"), P("ETH/USD")]));
        var ex = Assert.Throws<ArgumentException>(() => TriangleUniverse.Create([P("BTC/USD"), P("USD/BTC")], [("USD", 1.0)]));
        Assert.StartsWith("pairs BTC/USD and USD/BTC", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BTC/USD", true)]
    [InlineData("1000SATS/USDT", true)]
    [InlineData("btc/usd", true)]
    [InlineData("BTCUSD", false)]
    [InlineData("BTC/", false)]
    [InlineData("/USD", false)]
    [InlineData("BTC/USD/EUR", false)]
    [InlineData("BTC/BTC", false)]
    [InlineData("BTC /USD", false)]
    public void A_pair_is_BASE_slash_QUOTE(string symbol, bool valid)
    {
        Assert.Equal(valid, TradingPair.TryParse(symbol, out var pair));
        if (valid)
        {
            Assert.Equal(symbol, $"{pair!.Base}/{pair.Quote}");
        }
    }
}
