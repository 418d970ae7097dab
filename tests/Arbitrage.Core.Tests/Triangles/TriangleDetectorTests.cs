using Arbitrage.Core.Books;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Core.Tests.Triangles;

/// <summary>
/// The episode semantics of ARCHITECTURE §7 step by step, on one triangle with power-of-two prices so every return is
/// exact: BTC/USD at 64, ETH/USD at 8, ETH/BTC at 0.125, start 64 USD, no fee. USD&gt;BTC&gt;ETH buys BTC at the BTC/USD
/// ask, ETH at the ETH/BTC ask and sells ETH at the ETH/USD bid, so r = 8 × that bid / 64 − 1.
/// </summary>
public sealed class TriangleDetectorTests
{
    private const long T0 = 1_700_000_000_000;

    private readonly TriangleUniverse _u = TriangleUniverse.Create(
        new[] { "BTC/USD", "ETH/USD", "ETH/BTC" }.Select(s => TradingPair.TryParse(s, out var p) ? p : null!), [("USD", 64.0)]);

    private TriangleDetector Detector(double min = 0.125, long staleness = 5000) => new(_u, new TriangleDetectorSettings(0, min, staleness));

    private static BookLevel[] Level(double price, double qty = 1000) => [new(price, qty)];

    private int Pair(string symbol) => _u.TryGetPair(symbol, out int p) ? p : throw new ArgumentException(symbol);

    private int Cycle(string id) => _u.Cycles.Single(c => c.Id == id).Index;

    /// <summary>BTC/USD and ETH/BTC at their fair prices; ETH/USD with the given bid (ask 8).</summary>
    private void Books(TriangleDetector d, long time, double ethUsdBid)
    {
        d.Apply(Pair("BTC/USD"), time, Level(64), Level(64));
        d.Apply(Pair("ETH/BTC"), time, Level(0.125), Level(0.125));
        d.Apply(Pair("ETH/USD"), time, Level(ethUsdBid), Level(8));
    }

    private TriangleEpisode Closed(TriangleDetector d) => Assert.Single(d.Changes.ToArray(), c => c.Kind == EpisodeChangeKind.Closed).Episode;

    [Fact]
    public void An_episode_opens_at_r_equal_to_the_threshold_counts_each_evaluation_and_keeps_the_first_peak()
    {
        var d = Detector(min: 0.125);
        int up = Cycle("USD>BTC>ETH");
        Books(d, T0, ethUsdBid: 8); // r = 0: below 0.125
        Assert.Equal(0, d.OpenEpisodeCount);
        Assert.Equal(0.0, d.Evaluations.ToArray().Single(e => e.Cycle == up).NetReturn);

        Assert.Equal(1, d.Apply(Pair("ETH/USD"), T0 + 10, Level(9), Level(8))); // r = 0.125 = min: opens
        var opened = Assert.Single(d.Changes.ToArray());
        Assert.Equal(new EpisodeChange(EpisodeChangeKind.Opened, new TriangleEpisode(up, T0 + 10, null, 1, 0.125, T0 + 10, EpisodeEnd.Open)), opened);

        Assert.Equal(0, d.Apply(Pair("ETH/BTC"), T0 + 20, Level(0.125), Level(0.125))); // same r: counted
        Assert.Equal(0, d.Apply(Pair("ETH/USD"), T0 + 30, Level(10), Level(8)));        // r = 0.25: the peak
        Assert.Equal(0, d.Apply(Pair("ETH/USD"), T0 + 40, Level(10), Level(8)));        // 0.25 again: peak time stays
        Assert.True(d.TryGetOpenEpisode(up, out var open));
        Assert.Equal((4, 0.25, T0 + 30), (open.Evaluations, open.PeakNetReturn, open.PeakMs));

        Assert.Equal(1, d.Apply(Pair("ETH/USD"), T0 + 50, Level(8.5), Level(8))); // r = 0.0625 < min: ends here
        Assert.Equal(new TriangleEpisode(up, T0 + 10, T0 + 50, 4, 0.25, T0 + 30, EpisodeEnd.BelowMinimum), Closed(d));
        Assert.False(d.TryGetOpenEpisode(up, out _));
        Assert.Equal(0, d.OpenEpisodeCount);
    }

    [Fact]
    public void A_book_that_runs_out_ends_the_episode_at_that_evaluation()
    {
        var d = Detector(min: 0);
        Books(d, T0, ethUsdBid: 9);
        Assert.True(d.TryGetOpenEpisode(Cycle("USD>BTC>ETH"), out _));

        // 64 USD buys 1 BTC, which buys 8 ETH; the ETH/USD bids now hold 7.
        d.Apply(Pair("ETH/USD"), T0 + 5, Level(9, qty: 7), Level(8));
        var closed = Closed(d);
        Assert.Equal((T0 + 5, EpisodeEnd.Infeasible), (closed.EndMs, closed.EndedBy));
        Assert.Equal(CycleStatus.Infeasible, d.Evaluations.ToArray().Single(e => e.Cycle == closed.Cycle).Status);
    }

    [Fact]
    public void A_book_older_than_the_staleness_stops_evaluation_and_ends_the_episode_at_the_event_that_finds_it()
    {
        var d = Detector(min: 0, staleness: 5000);
        Books(d, T0, ethUsdBid: 9);
        int up = Cycle("USD>BTC>ETH");

        // Exactly 5000 ms old is not stale ("older than").
        d.Apply(Pair("ETH/USD"), T0 + 5000, Level(9), Level(8));
        Assert.Equal(CycleStatus.Evaluated, d.Evaluations.ToArray().Single(e => e.Cycle == up).Status);
        Assert.True(d.TryGetOpenEpisode(up, out var open));
        Assert.Equal(2, open.Evaluations);

        // 5001 ms: BTC/USD and ETH/BTC are stale; the episode ends at this event's time.
        d.Apply(Pair("ETH/USD"), T0 + 5001, Level(9), Level(8));
        Assert.All(d.Evaluations.ToArray(), e => Assert.Equal(CycleStatus.Stale, e.Status));
        var closed = Assert.Single(d.Changes.ToArray(), c => c.Episode.Cycle == up).Episode;
        Assert.Equal((T0, T0 + 5001, 2, EpisodeEnd.Stale), (closed.StartMs, closed.EndMs, closed.Evaluations, closed.EndedBy));

        // Fresh books again: a new episode.
        d.Apply(Pair("BTC/USD"), T0 + 6000, Level(64), Level(64));
        d.Apply(Pair("ETH/BTC"), T0 + 6000, Level(0.125), Level(0.125));
        Assert.True(d.TryGetOpenEpisode(up, out var again));
        Assert.Equal(T0 + 6000, again.StartMs);
    }

    [Fact]
    public void Marking_a_pair_unsynchronised_ends_its_cycles_episodes_now_and_stops_their_evaluation_until_its_next_book()
    {
        var d = Detector(min: 0);
        Books(d, T0, ethUsdBid: 9);
        Assert.Equal(2, d.OpenEpisodeCount); // USD>ETH>BTC is at r = 0 ≥ 0 too

        Assert.Equal(2, d.MarkUnsynchronised(Pair("ETH/BTC"), T0 + 7));
        Assert.All(d.Changes.ToArray(), c => Assert.Equal((EpisodeChangeKind.Closed, (long?)(T0 + 7), EpisodeEnd.Unsynchronised), (c.Kind, c.Episode.EndMs, c.Episode.EndedBy)));
        Assert.False(d.IsSynchronised(Pair("ETH/BTC")));

        d.Apply(Pair("ETH/USD"), T0 + 8, Level(9), Level(8));
        Assert.All(d.Evaluations.ToArray(), e => Assert.Equal(CycleStatus.Unsynchronised, e.Status));
        Assert.Equal(0, d.OpenEpisodeCount);

        d.Apply(Pair("ETH/BTC"), T0 + 9, Level(0.125), Level(0.125));
        Assert.True(d.IsSynchronised(Pair("ETH/BTC")));
        Assert.Equal(2, d.OpenEpisodeCount);
    }

    [Fact]
    public void Cycles_are_not_evaluated_before_all_three_books_arrived_and_an_episode_still_open_has_no_end()
    {
        var d = Detector(min: 0);
        d.Apply(Pair("BTC/USD"), T0, Level(64), Level(64));
        Assert.All(d.Evaluations.ToArray(), e => Assert.Equal(CycleStatus.Unsynchronised, e.Status));
        Assert.Null(d.LastUpdateMs(Pair("ETH/USD")));
        d.Apply(Pair("ETH/BTC"), T0 + 1, Level(0.125), Level(0.125));
        d.Apply(Pair("ETH/USD"), T0 + 2, Level(9), Level(8));

        var open = d.OpenEpisodes();
        Assert.Equal(2, open.Count);
        var rows = TriangleEpisodesCsv.Format(open.Select(e => TriangleEpisodeRecord.From(_u, "test", e)));
        Assert.Equal(
            TriangleEpisodesCsv.Header + "\n" +
            $"{T0 + 2},,test,USD>BTC>ETH,USD,64,1,0.125,{T0 + 2},observed,\n" +
            $"{T0 + 2},,test,USD>ETH>BTC,USD,64,1,0,{T0 + 2},observed,\n",
            rows);
    }

    [Fact]
    public void An_update_evaluates_only_the_cycles_through_its_pair()
    {
        var u = TriangleUniverse.Create(
            new[] { "BTC/USD", "ETH/USD", "ETH/BTC", "SOL/USD", "SOL/BTC" }.Select(s => TradingPair.TryParse(s, out var p) ? p : null!), [("USD", 64.0)]);
        var d = new TriangleDetector(u, new TriangleDetectorSettings(0, 0));
        Assert.True(u.TryGetPair("SOL/BTC", out int sol));
        d.Apply(sol, T0, Level(1), Level(1));
        Assert.Equal(["USD>BTC>SOL", "USD>SOL>BTC"], d.Evaluations.ToArray().Select(e => u.Cycles[e.Cycle].Id));
        Assert.True(u.TryGetPair("BTC/USD", out int btc));
        d.Apply(btc, T0, Level(64), Level(64));
        Assert.Equal(4, d.Evaluations.Length);
    }

    [Fact]
    public void Levels_out_of_order_are_walked_best_first_and_equal_prices_keep_their_order()
    {
        var d = Detector();
        d.Apply(Pair("BTC/USD"), T0, [new(63, 1), new(64, 2), new(62, 3), new(64, 4)], [new(66, 1), new(65, 2), new(65, 3)]);
        Assert.Equal([new BookLevel(64, 2), new(64, 4), new(63, 1), new(62, 3)], d.Bids(Pair("BTC/USD")).ToArray());
        Assert.Equal([new BookLevel(65, 2), new(65, 3), new(66, 1)], d.Asks(Pair("BTC/USD")).ToArray());
    }

    [Fact]
    public void A_live_local_book_is_copied_up_to_the_level_limit_and_an_unsynchronised_one_marks_the_pair()
    {
        var d = new TriangleDetector(_u, new TriangleDetectorSettings(0, 0, maxLevels: 2));
        var local = new LocalOrderBook(DepthSequenceRule.Spot);
        local.ApplySnapshot(10, [new PriceLevel(64m, 1m), new PriceLevel(63m, 1m), new PriceLevel(62m, 1m)], [new PriceLevel(64.5m, 2m)]);
        d.Apply(Pair("BTC/USD"), T0, local);
        Assert.Equal([new BookLevel(64, 1), new(63, 1)], d.Bids(Pair("BTC/USD")).ToArray());
        Assert.Equal([new BookLevel(64.5, 2)], d.Asks(Pair("BTC/USD")).ToArray());
        Assert.True(d.IsSynchronised(Pair("BTC/USD")));

        local.Reset();
        d.Apply(Pair("BTC/USD"), T0 + 1, local);
        Assert.False(d.IsSynchronised(Pair("BTC/USD")));
    }

    [Fact]
    public void A_level_that_is_not_a_price_and_quantity_is_a_bug_of_the_caller()
    {
        var d = Detector();
        Assert.Throws<ArgumentException>(() => d.Apply(0, T0, [new(0, 1)], []));
        Assert.Throws<ArgumentException>(() => d.Apply(0, T0, [], [new(1, -1)]));
        Assert.Throws<ArgumentException>(() => d.Apply(0, T0, [new(double.NaN, 1)], []));
        Assert.Throws<ArgumentException>(() => d.Apply(0, T0, [new(1, double.PositiveInfinity)], []));
    }

    [Fact]
    public void Applying_books_allocates_nothing_once_the_sides_have_their_size()
    {
        var d = Detector(min: 0);
        BookLevel[] bids = [new(64, 1), new(63, 2), new(62, 3)];
        BookLevel[] asks = [new(64.5, 1), new(65, 2)];
        BookLevel[] unsorted = [new(62, 3), new(64, 1), new(63, 2)];
        BookLevel[] fair = Level(0.125), dear = Level(0.2);
        Books(d, T0, ethUsdBid: 9);
        for (int i = 0; i < 100; i++)
        {
            d.Apply(i % 3, T0 + i, unsorted, asks); // warm: grow the sides and the sort buffer once
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            d.Apply(i % 3, T0 + 100 + i, (i & 1) == 0 ? bids : unsorted, asks);
            d.Apply(2, T0 + 100 + i, fair, i % 7 == 0 ? dear : fair); // episodes open and close
            if (i % 1000 == 0)
            {
                d.MarkUnsynchronised(1, T0 + 100 + i);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
