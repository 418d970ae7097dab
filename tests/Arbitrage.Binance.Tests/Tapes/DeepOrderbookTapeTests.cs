using System.IO.Compression;
using System.Text.Json;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Binance.Tests.Tapes;

/// <summary>
/// The deep_orderbook 2 h recording, read from ../shared/data (it has no licence file: never copied into fixtures).
/// </summary>
public class DeepOrderbookTapeTests
{
    internal const string Zip = "binance_spot_BTCUSDT_ETHUSDT_ETHBTC_2020-11-01T09Z_2h.deep_orderbook.zip";
    private const long Nine = 1604221200000; // 2020-11-01T09:00Z
    private const long Ten = Nine + 3_600_000;
    private const int BtcTrades = 33835, EthTrades = 8905, EthBtcTrades = 3501;

    private static readonly Lazy<(List<BookTapeEvent> Events, DeepOrderbookTape Tape)> RecordedRun = new(() =>
    {
        var tape = new DeepOrderbookTape(TestData.Shared(Zip));
        return (tape.Read().ToList(), tape);
    });

    [Fact]
    public void Recorded_books_ethbtc_is_its_snapshot_plus_diffs_and_the_undiffed_pairs_exist_only_at_their_snapshots()
    {
        var (events, tape) = RecordedRun.Value;
        Assert.False(tape.IsApproximated);
        Assert.Equal(["BTC/USDT", "ETH/BTC", "ETH/USDT"], tape.Pairs);
        Assert.Equal(["ETH/BTC"], tape.PairsWithDiffs);
        Assert.Contains(tape.Notes, n => n.StartsWith("BTCUSDT, ETHUSDT: no depth diffs recorded; their books exist only at their snapshots (2020-11-01T09:00Z, 2020-11-01T10:00Z)", StringComparison.Ordinal));

        var expected = ExpectedEthBtc(200);
        var ethBtc = events.Where(e => e.Symbol == "ETH/BTC").ToList();
        Assert.Equal(expected.Times, ethBtc.Select(e => e.TimeMs).ToList());
        foreach (var (i, bids, asks) in expected.Books)
        {
            Assert.Equal(bids, ethBtc[i].Bids);
            Assert.Equal(asks, ethBtc[i].Asks);
        }

        foreach (var (symbol, folder) in new[] { ("BTC/USDT", "BTCUSDT"), ("ETH/USDT", "ETHUSDT") })
        {
            var books = events.Where(e => e.Symbol == symbol).ToList();
            Assert.Equal([Nine, Ten], books.Select(e => e.TimeMs));
            var snapshot = Snapshot(folder, "2020-11-01T10-00-00");
            Assert.Equal(snapshot.Bids(200), books[1].Bids);
            Assert.Equal(snapshot.Asks(200), books[1].Asks);
        }

        Assert.Equal(expected.Times.Count + 4, events.Count);
        Assert.Equal(BtcTrades + EthTrades + EthBtcTrades, tape.Stats.TradesIgnored);
        Assert.Equal(expected.Times.Count, tape.Stats.DiffsApplied);
        Assert.Equal(expected.Stale, tape.Stats.DiffsStale);
        Assert.Equal(0, tape.Stats.Gaps);
        Assert.Equal(1 + 4, tape.Stats.SnapshotsApplied); // ETHBTC's first, BTCUSDT's and ETHUSDT's two each
        Assert.Equal(1, tape.Stats.SnapshotsUnused); // ETHBTC's 10:00 snapshot: its chain never broke
        AssertMergedInOrder(events);
    }

    [Fact]
    public void The_approximation_is_labelled_and_moves_the_last_snapshot_to_each_trade()
    {
        var tape = new DeepOrderbookTape(TestData.Shared(Zip), new BookTapeOptions(Approximation: BookApproximation.TopMovedToTrades));
        Assert.True(tape.IsApproximated);
        Assert.Contains(tape.Notes, n => n.StartsWith("APPROXIMATED: BTCUSDT, ETHUSDT have no depth diffs", StringComparison.Ordinal));
        var events = tape.Read().ToList();
        AssertMergedInOrder(events);
        var btc = events.Where(e => e.Symbol == "BTC/USDT").ToList();
        Assert.Equal(2 + BtcTrades, btc.Count);
        Assert.Equal(BtcTrades + EthTrades, tape.Stats.TradesApplied);
        Assert.Equal(EthBtcTrades, tape.Stats.TradesIgnored);
        Assert.Equal(events.Count(e => e.Symbol == "ETH/BTC"), tape.Stats.DiffsApplied);

        // The first BTCUSDT aggTrade: 13748.62, buyer-initiated (m=false) → best ask 13748.62; the 09:00 snapshot has
        // bid 13748.98 / ask 13748.99, so every level moves by −0.37, quantities unchanged.
        var snapshot = Snapshot("BTCUSDT", "2020-11-01T09-00-00");
        var first = btc[1];
        Assert.Equal(1604221200091, first.TimeMs);
        Assert.Equal((double)13748.62m, first.Asks[0].Price);
        Assert.Equal((double)13748.61m, first.Bids[0].Price);
        Assert.Equal(snapshot.Bids(200).Select(l => l.Quantity), first.Bids.Select(l => l.Quantity));
        var snapshotBids = Entry("BTCUSDT/2020-11-01T09-00-00_snapshot.json").GetProperty("bids");
        foreach (var i in new[] { 0, 1, 50, 199 })
        {
            Assert.Equal((double)(decimal.Parse(snapshotBids[i][0].GetString()!, System.Globalization.CultureInfo.InvariantCulture) - 0.37m), first.Bids[i].Price);
        }

        // Every approximated book straddles its trade: a seller-initiated trade is the best bid, a buyer-initiated one the best ask.
        var byTime = btc.Where(e => !(e.Line == 1 && (e.TimeMs == Nine || e.TimeMs == Ten))).ToList();
        Assert.Equal(BtcTrades, byTime.Count);
        var all = Trades("BTCUSDT").OrderBy(x => x.Time).ToList();
        for (int i = 0; i < all.Count; i++)
        {
            var book = byTime[i];
            Assert.Equal(all[i].Time, book.TimeMs);
            Assert.Equal((double)all[i].Price, all[i].Maker ? book.Bids[0].Price : book.Asks[0].Price);
        }
    }

    [Fact]
    public void Recorded_books_value_the_triangle_only_within_staleness_of_a_snapshot_and_the_approximation_throughout()
    {
        var config = new TriangleConfig("tri", "binance-spot", ["BTC/USDT", "ETH/USDT", "ETH/BTC"], [new StartAsset("USDT", 100m)], 0.001m, -0.99m);
        var recorded = Evaluated(config, RecordedRun.Value.Events);
        Assert.NotEmpty(recorded);
        Assert.All(recorded, t => Assert.True(t - Nine is >= 0 and <= 5000 || t - Ten is >= 0 and <= 5000, $"evaluated at {t}"));

        var approximated = Evaluated(config, new DeepOrderbookTape(TestData.Shared(Zip), new BookTapeOptions(Approximation: BookApproximation.TopMovedToTrades)).Read());
        Assert.True(approximated.Count(t => t > Nine + 60_000 && t < Ten) > 10_000, "the approximation keeps the cycles valued between snapshots");
    }

    private static List<long> Evaluated(TriangleConfig config, IEnumerable<BookTapeEvent> events)
    {
        var universe = config.UniverseOn([]);
        var detector = new TriangleDetector(universe, TriangleDetectorSettings.For(config));
        var times = new List<long>();
        foreach (var e in events)
        {
            Assert.True(universe.TryGetPair(e.Symbol, out int pair));
            detector.Apply(pair, e.TimeMs, e.Bids, e.Asks);
            foreach (var ev in detector.Evaluations)
            {
                if (ev.Status == CycleStatus.Evaluated)
                {
                    times.Add(e.TimeMs);
                }
            }
        }

        return times;
    }

    private static void AssertMergedInOrder(List<BookTapeEvent> events)
    {
        string[] order = ["BTC/USDT", "ETH/BTC", "ETH/USDT"];
        for (int i = 1; i < events.Count; i++)
        {
            var (a, b) = (events[i - 1], events[i]);
            Assert.True(a.TimeMs < b.TimeMs || (a.TimeMs == b.TimeMs && Array.IndexOf(order, a.Symbol) <= Array.IndexOf(order, b.Symbol)),
                $"event {i}: {a.Symbol}@{a.TimeMs} before {b.Symbol}@{b.TimeMs}");
        }
    }

    private static JsonElement Entry(string name)
    {
        using var zip = ZipFile.OpenRead(TestData.Shared(Zip));
        using var s = zip.GetEntry(name)!.Open();
        return JsonDocument.Parse(s).RootElement.Clone();
    }

    private static IndependentBook Snapshot(string folder, string hour)
    {
        var root = Entry($"{folder}/{hour}_snapshot.json");
        var book = new IndependentBook();
        book.Snapshot(root.GetProperty("bids"), root.GetProperty("asks"));
        return book;
    }

    private static List<(long Time, decimal Price, bool Maker)> Trades(string folder)
    {
        var list = new List<(long, decimal, bool)>();
        foreach (var hour in new[] { "2020-11-01T09-00-00", "2020-11-01T10-00-00" })
        {
            foreach (var t in Entry($"{folder}/{hour}_trades.json").EnumerateArray())
            {
                list.Add((t.GetProperty("E").GetInt64(), decimal.Parse(t.GetProperty("p").GetString()!, System.Globalization.CultureInfo.InvariantCulture), t.GetProperty("m").GetBoolean()));
            }
        }

        return list;
    }

    /// <summary>ETHBTC by the spot rule, computed from the JSON with System.Text.Json and <see cref="IndependentBook"/>.</summary>
    private static (List<long> Times, List<(int, BookLevel[], BookLevel[])> Books, long Stale) ExpectedEthBtc(int levels)
    {
        var snapshot = Entry("ETHBTC/2020-11-01T09-00-00_snapshot.json");
        var book = new IndependentBook();
        book.Snapshot(snapshot.GetProperty("bids"), snapshot.GetProperty("asks"));
        long last = snapshot.GetProperty("lastUpdateId").GetInt64();
        bool bridged = false;
        long stale = 0;
        var times = new List<long>();
        var books = new List<(BookLevel[], BookLevel[])>();
        foreach (var hour in new[] { "2020-11-01T09-00-00", "2020-11-01T10-00-00" })
        {
            foreach (var d in Entry($"ETHBTC/{hour}_update.json").EnumerateArray())
            {
                long first = d.GetProperty("U").GetInt64(), final = d.GetProperty("u").GetInt64();
                if (final <= last)
                {
                    stale++;
                    continue;
                }

                Assert.True(bridged ? first == last + 1 : first <= last + 1 && last + 1 <= final);
                bridged = true;
                book.Apply(d.GetProperty("b"), d.GetProperty("a"));
                last = final;
                times.Add(d.GetProperty("E").GetInt64());
                books.Add((book.Bids(levels), book.Asks(levels)));
            }
        }

        var checks = new List<(int, BookLevel[], BookLevel[])>();
        foreach (var i in new[] { 0, 1, books.Count / 2, 3599, books.Count - 1 })
        {
            checks.Add((i, books[i].Item1, books[i].Item2));
        }

        return (times, checks, stale);
    }
}
