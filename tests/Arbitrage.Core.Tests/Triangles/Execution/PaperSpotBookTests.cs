using Arbitrage.Core.Triangles.Execution;
using CsCheck;

namespace Arbitrage.Core.Tests.Triangles.Execution;

/// <summary>Paper fills walk the book as detection does; balances and latency as a venue would.</summary>
public sealed class PaperSpotBookTests
{
    private static readonly PairBook Book = new([new(100, 1), new(99, 2), new(90, 10)], [new(101, 1), new(102, 2), new(110, 10)], 0);

    private static TriangleOrderRequest Order(TradeSide side, LegOrderType type, decimal qty, decimal? limit = null, decimal quote = 0m) =>
        new("c1", "BTC/USD", "BTC", "USD", side, type, qty, quote, limit);

    [Fact]
    public void An_IOC_limit_stops_at_its_price_and_expires_the_rest()
    {
        var sell = PaperSpotBook.Fill(Order(TradeSide.Sell, LegOrderType.LimitIoc, 5m, 99m), Book, PairFilters.None, 0.001m);
        Assert.Equal((LegStatus.Expired, 3m, 298m), (sell.Status, sell.ExecutedQty, sell.QuoteQty)); // 1 at 100 + 2 at 99
        Assert.Equal(298m * 0.001m, sell.Commission);
        Assert.Equal("USD", sell.CommissionAsset);

        var buy = PaperSpotBook.Fill(Order(TradeSide.Buy, LegOrderType.LimitIoc, 2.5m, 102m), Book, PairFilters.None, 0.001m);
        Assert.Equal((LegStatus.Filled, 2.5m, 101m + (1.5m * 102m)), (buy.Status, buy.ExecutedQty, buy.QuoteQty));
        Assert.Equal(("BTC", 2.5m * 0.001m), (buy.CommissionAsset, buy.Commission));

        var none = PaperSpotBook.Fill(Order(TradeSide.Buy, LegOrderType.LimitIoc, 1m, 100m), Book, PairFilters.None, 0.001m);
        Assert.Equal((LegStatus.Expired, 0m), (none.Status, none.ExecutedQty));
    }

    [Fact]
    public void A_market_order_walks_until_done_or_the_book_ends_and_a_market_buy_spends_its_quote_rounded_to_the_step()
    {
        var sell = PaperSpotBook.Fill(Order(TradeSide.Sell, LegOrderType.Market, 20m), Book, PairFilters.None, 0m);
        // The book holds 13: the venue fills those and expires the rest.
        Assert.Equal((LegStatus.Expired, 13m, 100m + 198m + 900m), (sell.Status, sell.ExecutedQty, sell.QuoteQty));
        Assert.Equal(LegStatus.Filled, PaperSpotBook.Fill(Order(TradeSide.Sell, LegOrderType.Market, 13m), Book, PairFilters.None, 0m).Status);

        var filters = PairFilters.None with { StepSize = 0.1m };
        var buy = PaperSpotBook.Fill(Order(TradeSide.Buy, LegOrderType.Market, 0m, quote: 200m), Book, filters, 0m);
        // 200 USD buys 1 at 101 and 99/102 = 0.97… at 102 → 1.97…, rounded down to 1.9 BTC, costing 101 + 0.9·102.
        Assert.Equal((1.9m, 101m + 91.8m), (buy.ExecutedQty, buy.QuoteQty));
    }

    [Fact]
    public void The_paper_venue_refuses_what_its_balance_cannot_cover_and_answers_after_its_latency()
    {
        var venue = new PaperTriangleVenue(new Dictionary<string, decimal> { ["USD"] = 150m }, 0.001m, 25);
        var refused = venue.Execute(Order(TradeSide.Buy, LegOrderType.LimitIoc, 2m, 102m), Book, PairFilters.None, 1000);
        Assert.Equal(LegReportStatus.Rejected, refused.Status);
        Assert.StartsWith("balance:", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(150m, venue.Balance("USD"));

        var ok = venue.Execute(Order(TradeSide.Buy, LegOrderType.LimitIoc, 1m, 101m) with { ClientOrderId = "c2" }, Book, PairFilters.None, 1000);
        Assert.Equal((LegReportStatus.Filled, 1025L), (ok.Status, ok.TimeMs));
        Assert.Equal((49m, 0.999m), (venue.Balance("USD"), venue.Balance("BTC")));

        // The same client id again is the venue's first answer, not a second fill; a query finds it, or not.
        Assert.Equal(ok, venue.Execute(Order(TradeSide.Buy, LegOrderType.LimitIoc, 1m, 101m) with { ClientOrderId = "c2" }, Book, PairFilters.None, 2000));
        Assert.Equal((49m, 0.999m), (venue.Balance("USD"), venue.Balance("BTC")));
        Assert.Equal(LegReportStatus.Filled, venue.Query("c2", 3000).Status);
        Assert.Equal(LegReportStatus.NotFound, venue.Query("c9", 3000).Status);
    }

    [Theory]
    [InlineData("gemini_BTCUSD_ETHUSD_ETHBTC_books_2021-04-17T1645Z_30s.top20.jsonl")]
    [InlineData("bitflyer_BTC_JPY_ETH_JPY_ETH_BTC_books_2021-07-22T2229Z_30s.top20.jsonl")]
    public void On_recorded_books_every_fill_price_lies_within_the_books_levels(string fixture)
    {
        var tape = RealBookTapeTests.Load(fixture);
        var gen = Gen.Select(Gen.Int[0, tape.Count - 1], Gen.Bool, Gen.Bool, Gen.Double[0.0001, 30], Gen.Int[0, 50]);
        int partial = 0, filled = 0;
        gen.Sample((i, sell, market, size, slipBps) =>
        {
            var e = tape[i];
            var book = new PairBook(e.Bids, e.Asks, e.TimeMs);
            var levels = sell ? e.Bids : e.Asks;
            if (levels.Length == 0) return;
            var qty = CyclePlanner.ToDecimalDown(levels[0].Quantity * size);
            if (qty <= 0m) return;
            var limit = market ? (decimal?)null : CyclePlanner.LimitPrice(sell ? TradeSide.Sell : TradeSide.Buy, levels[Math.Min(2, levels.Length - 1)].Price, slipBps, 0m);
            var order = new TriangleOrderRequest("c", e.Symbol, "B", "Q", sell ? TradeSide.Sell : TradeSide.Buy, market ? LegOrderType.Market : LegOrderType.LimitIoc, qty, 0m, limit);
            var fill = PaperSpotBook.Fill(order, book, PairFilters.None, 0.001m);
            if (fill.ExecutedQty == 0m) return;
            if (fill.Status == LegStatus.Filled) Interlocked.Increment(ref filled); else Interlocked.Increment(ref partial);
            var prices = levels.Select(l => CyclePlanner.ToDecimalDown(l.Price)).ToList();
            var (lo, hi) = (prices.Min(), prices.Max());
            Assert.InRange(fill.AveragePrice, lo, hi);
            Assert.True(fill.ExecutedQty <= qty);
            if (limit is { } p) Assert.True(sell ? fill.AveragePrice >= p : fill.AveragePrice <= p, $"{fill.AveragePrice} beyond the limit {p}");
            Assert.Equal((sell ? fill.QuoteQty : fill.ExecutedQty) * 0.001m, fill.Commission);
        }, iter: 3000);
        Assert.True(partial > 100 && filled > 100, $"partial {partial}, filled {filled}");
    }
}
