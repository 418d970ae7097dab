using System.Text;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Books;

namespace Arbitrage.Binance.Tests.Books;

/// <summary>The local book built from each real recording equals a naive SortedDictionary replay at every step.</summary>
public class LocalOrderBookTests
{
    public static TheoryData<string, DepthSequenceRule> HftTapes => new()
    {
        { "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz", DepthSequenceRule.Futures },
        { "binance_spot_BTCUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz", DepthSequenceRule.Spot },
        { "binance_spot_ETHUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz", DepthSequenceRule.Spot },
    };

    [Theory]
    [MemberData(nameof(HftTapes))]
    public void Book_from_recording_equals_naive_replay(string fixture, DepthSequenceRule rule)
    {
        var (snapshot, snapBids, snapAsks, events) = LoadHft(TestData.Fixture(fixture));
        int applied = Replay(rule, snapshot, snapBids, snapAsks, events, dropIndex: -1, out var gapAt);
        Assert.Equal(-1, gapAt);
        Assert.True(applied > 100, $"only {applied} events applied");
    }

    [Theory]
    [MemberData(nameof(HftTapes))]
    public void Forced_gap_is_detected(string fixture, DepthSequenceRule rule)
    {
        var (snapshot, snapBids, snapAsks, events) = LoadHft(TestData.Fixture(fixture));
        int firstApplied = events.FindIndex(e => e.Final >= snapshot && e.First <= snapshot + 1);
        int drop = firstApplied + 20;
        Replay(rule, snapshot, snapBids, snapAsks, events, drop, out int gapAt);
        Assert.Equal(drop + 1, gapAt);
    }

    [Fact]
    public void Cryptofeed_books_for_four_symbols_follow_the_futures_rule()
    {
        var snapshots = TapeReader.ReadFrames(TestData.Fixture("binance_usdm_4sym_rest_depth_snapshots_2021-07-22.cryptofeed.txt")).ToList();
        var frames = TapeReader.ReadFrames(TestData.Fixture("binance_usdm_4sym_ws_aggTrade_depth100ms_bookTicker_kline_2021-07-22_30s.cryptofeed.txt")).ToList();
        Assert.Equal(4, snapshots.Count);
        int total = 0;
        foreach (var snap in snapshots)
        {
            string symbol = snap.Stream!.Split("symbol=")[1].Split('&')[0];
            var levels = new DepthLevelBuffer();
            Assert.True(DepthSnapshotFrame.TryParse(Encoding.UTF8.GetBytes(snap.Json), levels, out var info, out _));
            var events = DepthEvents(frames, symbol);
            total += Replay(DepthSequenceRule.Futures, info.LastUpdateId, levels.Bids.ToArray(), levels.Asks.ToArray(), events, -1, out int gapAt);
            Assert.Equal(-1, gapAt);
        }

        Assert.True(total > 100);
    }

    [Fact]
    public void Rules_on_synthetic_sequences()
    {
        var fut = new LocalOrderBook(DepthSequenceRule.Futures);
        Assert.Equal(BookApplyResult.NotSynced, fut.ApplyDiff(1, 2, 0, [], []));
        fut.ApplySnapshot(100, [new(10m, 1m)], [new(11m, 1m)]);
        Assert.Equal(BookApplyResult.Stale, fut.ApplyDiff(90, 99, 89, [], []));
        Assert.Equal(BookApplyResult.Applied, fut.ApplyDiff(95, 105, 94, [new(10m, 0m), new(9m, 2m)], [new(10.5m, 3m)]));
        Assert.Equal(new PriceLevel(9m, 2m), fut.Bid(0));
        Assert.True(fut.TryGetBestAsk(out var ask));
        Assert.Equal(new PriceLevel(10.5m, 3m), ask);
        Assert.Equal(BookApplyResult.Applied, fut.ApplyDiff(106, 110, 105, [], []));
        Assert.Equal(BookApplyResult.Gap, fut.ApplyDiff(112, 115, 111, [], []));
        Assert.False(fut.IsSynced);

        var fut2 = new LocalOrderBook(DepthSequenceRule.Futures);
        fut2.ApplySnapshot(100, [], []);
        Assert.Equal(BookApplyResult.Gap, fut2.ApplyDiff(101, 105, 100, [], [])); // U > lastUpdateId on the first event

        var spot = new LocalOrderBook(DepthSequenceRule.Spot);
        spot.ApplySnapshot(100, [], []);
        Assert.Equal(BookApplyResult.Stale, spot.ApplyDiff(95, 100, -1, [], []));
        Assert.Equal(BookApplyResult.Applied, spot.ApplyDiff(101, 103, -1, [new(5m, 1m)], []));
        Assert.Equal(BookApplyResult.Applied, spot.ApplyDiff(104, 104, -1, [], []));
        Assert.Equal(BookApplyResult.Gap, spot.ApplyDiff(106, 107, -1, [], []));

        var spot2 = new LocalOrderBook(DepthSequenceRule.Spot);
        spot2.ApplySnapshot(100, [], []);
        Assert.Equal(BookApplyResult.Gap, spot2.ApplyDiff(102, 103, -1, [], []));
    }

    [Fact]
    public void Top_n_and_removal_of_absent_levels()
    {
        var book = new LocalOrderBook(DepthSequenceRule.Spot, initialCapacity: 2);
        book.ApplySnapshot(1, [new(1m, 1m), new(3m, 1m), new(2m, 1m), new(4m, 0m)], [new(7m, 1m), new(5m, 1m), new(6m, 1m)]);
        Assert.Equal(3, book.BidCount);
        Span<PriceLevel> top = stackalloc PriceLevel[2];
        Assert.Equal(2, book.CopyBids(top));
        Assert.Equal([new(3m, 1m), new(2m, 1m)], top.ToArray());
        Assert.Equal(2, book.CopyAsks(top));
        Assert.Equal([new(5m, 1m), new(6m, 1m)], top.ToArray());
        Assert.Equal(BookApplyResult.Applied, book.ApplyDiff(2, 2, -1, [new(2.5m, 0m), new(10m, 1m), new(11m, 2m)], []));
        Assert.Equal(new PriceLevel(11m, 2m), book.Bid(0));
        Assert.Equal(5, book.BidCount);
    }

    private sealed record Depth(long First, long Final, long Prev, PriceLevel[] Bids, PriceLevel[] Asks);

    private static (long Snapshot, PriceLevel[] Bids, PriceLevel[] Asks, List<Depth> Events) LoadHft(string path)
    {
        var frames = TapeReader.ReadFrames(path).ToList();
        var snapFrame = frames.Single(f => f.Stream is null);
        var levels = new DepthLevelBuffer();
        Assert.True(DepthSnapshotFrame.TryParse(Encoding.UTF8.GetBytes(snapFrame.Json), levels, out var info, out var err), err.ToString());
        string symbol = frames.First(f => f.Stream is not null && f.Stream.Contains("@depth", StringComparison.Ordinal)).Stream!.Split('@')[0].ToUpperInvariant();
        return (info.LastUpdateId, levels.Bids.ToArray(), levels.Asks.ToArray(), DepthEvents(frames, symbol));
    }

    private static List<Depth> DepthEvents(List<TapeFrame> frames, string symbol)
    {
        var symbols = new SymbolTable();
        var levels = new DepthLevelBuffer();
        var list = new List<Depth>();
        foreach (var f in frames)
        {
            var bytes = Encoding.UTF8.GetBytes(f.Json);
            if (MarketFrame.Classify(bytes) != FrameKind.DepthUpdate)
            {
                continue;
            }

            Assert.True(DepthUpdateFrame.TryParse(bytes, symbols, levels, out var e, out var err), err.ToString());
            if (e.Symbol == symbol)
            {
                list.Add(new Depth(e.FirstUpdateId, e.FinalUpdateId, e.PrevFinalUpdateId, levels.Bids.ToArray(), levels.Asks.ToArray()));
            }
        }

        return list;
    }

    /// <summary>Feeds all events (the stream is buffered from before the snapshot, as a live client does).</summary>
    private static int Replay(
        DepthSequenceRule rule, long snapshot, PriceLevel[] snapBids, PriceLevel[] snapAsks, List<Depth> events, int dropIndex, out int gapAt)
    {
        var book = new LocalOrderBook(rule);
        book.ApplySnapshot(snapshot, snapBids, snapAsks);
        var naiveBids = new SortedDictionary<decimal, decimal>(Comparer<decimal>.Create((a, b) => b.CompareTo(a)));
        var naiveAsks = new SortedDictionary<decimal, decimal>();
        foreach (var l in snapBids.Where(l => l.Quantity != 0))
        {
            naiveBids[l.Price] = l.Quantity;
        }

        foreach (var l in snapAsks.Where(l => l.Quantity != 0))
        {
            naiveAsks[l.Price] = l.Quantity;
        }

        AssertSame(book, naiveBids, naiveAsks);
        int applied = 0;
        long prevFinal = -1;
        gapAt = -1;
        for (int i = 0; i < events.Count; i++)
        {
            if (i == dropIndex)
            {
                continue;
            }

            var e = events[i];
            var result = book.ApplyDiff(e.First, e.Final, e.Prev, e.Bids, e.Asks);
            if (result == BookApplyResult.Gap)
            {
                gapAt = i;
                return applied;
            }

            if (result != BookApplyResult.Applied)
            {
                Assert.Equal(BookApplyResult.Stale, result);
                Assert.Equal(0, applied); // only events from before the snapshot are stale
                continue;
            }

            // Independent check of the chain the book accepted.
            if (applied == 0)
            {
                Assert.True(e.First <= snapshot + (rule == DepthSequenceRule.Spot ? 1 : 0) && e.Final >= snapshot);
            }
            else if (rule == DepthSequenceRule.Futures)
            {
                Assert.Equal(prevFinal, e.Prev);
            }
            else
            {
                Assert.Equal(prevFinal + 1, e.First);
            }

            prevFinal = e.Final;
            applied++;
            Apply(naiveBids, e.Bids);
            Apply(naiveAsks, e.Asks);
            AssertSame(book, naiveBids, naiveAsks);
        }

        return applied;
    }

    private static void Apply(SortedDictionary<decimal, decimal> side, PriceLevel[] levels)
    {
        foreach (var l in levels)
        {
            if (l.Quantity == 0)
            {
                side.Remove(l.Price);
            }
            else
            {
                side[l.Price] = l.Quantity;
            }
        }
    }

    private static void AssertSame(LocalOrderBook book, SortedDictionary<decimal, decimal> bids, SortedDictionary<decimal, decimal> asks)
    {
        Assert.Equal(bids.Count, book.BidCount);
        Assert.Equal(asks.Count, book.AskCount);
        var b = new PriceLevel[book.BidCount];
        book.CopyBids(b);
        Assert.Equal(bids.Select(kv => new PriceLevel(kv.Key, kv.Value)), b);
        var a = new PriceLevel[book.AskCount];
        book.CopyAsks(a);
        Assert.Equal(asks.Select(kv => new PriceLevel(kv.Key, kv.Value)), a);
        Assert.True(bids.Count == 0 || asks.Count == 0 || bids.First().Key < asks.First().Key, "crossed book");
    }
}
