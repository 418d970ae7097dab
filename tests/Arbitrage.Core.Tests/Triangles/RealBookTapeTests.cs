using Arbitrage.Core.Tests.Indicators;
using Arbitrage.Core.Triangles;
using Arbitrage.Tapes;

namespace Arbitrage.Core.Tests.Triangles;

/// <summary>
/// Detection on real books: the Gemini and bitFlyer triangles (complete L2 books of all three legs for 30 s),
/// converted from the cryptofeed captures in shared/data into the JSONL tapes committed in tests/fixtures.
/// </summary>
public sealed class RealBookTapeTests
{
    public const string Gemini = "gemini_BTCUSD_ETHUSD_ETHBTC_books_2021-04-17T1645Z_30s.top20.jsonl";
    public const string BitFlyer = "bitflyer_BTC_JPY_ETH_JPY_ETH_BTC_books_2021-07-22T2229Z_30s.top20.jsonl";

    private static readonly Dictionary<string, (string Capture, Dictionary<string, string> Pairs, string[] Assets)> Tapes = new()
    {
        [Gemini] = ("gemini_l2_trades_BTCUSD_ETHUSD_ETHBTC_2021-04-17T1645Z_30s.cryptofeed.txt",
            new() { ["BTCUSD"] = "BTC/USD", ["ETHUSD"] = "ETH/USD", ["ETHBTC"] = "ETH/BTC" }, ["USD", "BTC", "ETH"]),
        [BitFlyer] = ("bitflyer_board_ticker_BTC_JPY_ETH_JPY_ETH_BTC_2021-07-22T2229Z_30s.cryptofeed.txt",
            new() { ["BTC_JPY"] = "BTC/JPY", ["ETH_JPY"] = "ETH/JPY", ["ETH_BTC"] = "ETH/BTC" }, ["JPY", "BTC", "ETH"]),
    };

    public static IReadOnlyList<BookTapeEvent> Load(string fixture) =>
        BookTape.Parse(fixture, File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", fixture)));

    [Theory]
    [InlineData(Gemini, 516)]
    [InlineData(BitFlyer, 331)]
    public void The_committed_tapes_are_what_the_converter_makes_of_the_shared_captures(string fixture, int events)
    {
        var (capture, pairs, _) = Tapes[fixture];
        var text = File.ReadAllText(Path.Combine(RealTape.FindSharedData(), capture));
        var converted = CryptofeedToJsonl.Convert(text, pairs, CryptofeedToJsonl.DefaultDepth, out int count);
        Assert.Equal(events, count);
        Assert.True(converted == File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", fixture)),
            $"tests/fixtures/{fixture} differs from the converter's output: regenerate it (tests/fixtures/README.md)");
        Assert.Equal(events, Load(fixture).Count);
    }

    /// <summary>About 1000 USD of each start asset, or notionals deep enough to run the top 20 levels out now and then.</summary>
    private static (string Asset, double Notional)[] Starts(string fixture, bool deep) => (fixture, deep) switch
    {
        (Gemini, false) => [("USD", 1000), ("BTC", 0.016), ("ETH", 0.42)],
        (Gemini, true) => [("USD", 240_000), ("BTC", 4), ("ETH", 60)],
        (_, false) => [("JPY", 110_000), ("BTC", 0.031), ("ETH", 0.5)],
        _ => [("JPY", 1_000_000), ("BTC", 0.4), ("ETH", 5)],
    };

    public static TheoryData<string, double, double, long, bool> Configs()
    {
        var data = new TheoryData<string, double, double, long, bool>();
        foreach (var tape in new[] { Gemini, BitFlyer })
        {
            // fee, min_net_return, staleness, deep: near misses at the real fee, a zero fee, a short staleness (the
            // ETH/BTC books go quiet for seconds), notionals the top 20 levels cannot always fill.
            data.Add(tape, 0.001, -0.005, 5000, false);
            data.Add(tape, 0.0, -0.001, 5000, false);
            data.Add(tape, 0.0, -0.002, 1000, false);
            data.Add(tape, 0.001, -0.006, 300, false);
            data.Add(tape, 0.0, -0.01, 5000, true);
            data.Add(tape, 0.0, -0.003, 2000, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Incremental_episodes_equal_the_brute_force_rescan_on_the_real_tapes(string fixture, double fee, double min, long staleness, bool deep)
    {
        var events = Load(fixture);
        var setup = new BruteForceSetup(fixture == Gemini ? "gemini" : "bitflyer", [.. Tapes[fixture].Pairs.Values], Starts(fixture, deep), fee, min, staleness);
        var inputs = events.Select(TriangleRuns.Input).ToList();

        var expected = BruteForceTriangles.Run(setup, inputs);
        var actual = TriangleRuns.Incremental(setup, inputs);
        Assert.Equal(TriangleEpisodesCsv.Format(expected), TriangleEpisodesCsv.Format(actual));
        if (fixture == Gemini || min <= -0.005)
        {
            Assert.NotEmpty(actual);
        }
    }

    [Fact]
    public void The_real_tapes_have_episodes_of_every_kind_the_semantics_name()
    {
        // Not vacuous: on the real books the runs above meet long episodes, ends by a lost threshold, by staleness
        // and by a book that runs out.
        var ends = new HashSet<EpisodeEnd>();
        int longest = 0;
        foreach (var fixture in new[] { Gemini, BitFlyer })
        {
            var events = Load(fixture);
            foreach (var (fee, min, staleness, deep) in new[] { (0.0, -0.001, 5000L, false), (0.001, -0.006, 300L, false), (0.0, -0.01, 5000L, true) })
            {
                var pairs = Tapes[fixture].Pairs.Values.Select(s => TradingPair.TryParse(s, out var p) ? p : null!);
                var universe = TriangleUniverse.Create(pairs, Starts(fixture, deep));
                var detector = new TriangleDetector(universe, new TriangleDetectorSettings(fee, min, staleness));
                foreach (var e in events)
                {
                    detector.Apply(universe.TryGetPair(e.Symbol, out int p) ? p : throw new InvalidOperationException(), e.TimeMs, e.Bids, e.Asks);
                    foreach (var c in detector.Changes)
                    {
                        ends.Add(c.Episode.EndedBy);
                        longest = Math.Max(longest, c.Episode.Evaluations);
                    }
                }
            }
        }

        Assert.Superset(new HashSet<EpisodeEnd> { EpisodeEnd.BelowMinimum, EpisodeEnd.Stale, EpisodeEnd.Infeasible }, ends);
        Assert.True(longest > 20, $"longest episode {longest} evaluations");
    }

    [Fact]
    public void The_first_complete_Gemini_books_give_the_hand_computed_returns()
    {
        // Line 3 (16:45:42.634 UTC) completes the three books. 1000 USD, fee 0.1 % a leg, computed by hand from the
        // top levels (exact rationals, rounded here to 20 digits):
        //   USD>BTC>ETH: buy BTC at 60720.31 (1000 USD fits in the first ask), buy ETH at 0.03903 (fits), sell the
        //   0.4211128… ETH on two bid levels: 0.275036 at 2368.64 and the rest 0.1460768… at 2368.63.
        //   USD>ETH>BTC: buy ETH at 2369.72, sell it at 0.039 BTC, sell the BTC at 60696.02 (all first levels).
        var events = Load(Gemini);
        var universe = TriangleUniverse.Create(
            [.. new[] { "BTC/USD", "ETH/USD", "ETH/BTC" }.Select(s => TradingPair.TryParse(s, out var p) ? p : null!)], [("USD", 1000.0)]);
        var detector = new TriangleDetector(universe, new TriangleDetectorSettings(0.001, -1 + 1e-9));
        for (int i = 0; i < 3; i++)
        {
            Assert.True(universe.TryGetPair(events[i].Symbol, out int pair));
            detector.Apply(pair, events[i].TimeMs, events[i].Bids, events[i].Asks);
        }

        Assert.Equal(3, events[2].Line);
        Assert.Equal(1618677942634, events[2].TimeMs);
        var found = detector.Evaluations.ToArray().ToDictionary(e => universe.Cycles[e.Cycle].Id);
        Assert.Equal(["USD>BTC>ETH", "USD>ETH>BTC"], found.Keys.Order(StringComparer.Ordinal));
        Assert.All(found.Values, e => Assert.Equal(CycleStatus.Evaluated, e.Status));
        Assert.Equal(-0.00353429501815945524, found["USD>BTC>ETH"].NetReturn, 1e-15);
        Assert.Equal(-0.00408046320780715865, found["USD>ETH>BTC"].NetReturn, 1e-15);

        // The same first leg through the public leg conversion: 1000 USD buys 1000 / 60720.31 BTC, less the fee.
        Assert.True(LegConversion.TryConvert(LegSide.BuyBase, 1000, detector.Asks(universe.TryGetPair("BTC/USD", out int btc) ? btc : -1), 0.001, out double got));
        Assert.Equal(1000 / 60720.31 * 0.999, got, 1e-18);
    }

    [Fact]
    public void A_cycle_whose_third_book_never_arrives_is_never_evaluated()
    {
        // The config names the whole triangle; the tape holds two of its legs (as the 2024 Binance spot captures,
        // BTCUSDT and ETHUSDT without ETHBTC): its cycles exist, stay unsynchronised and never open an episode.
        var twoLegs = Load(Gemini).Where(e => e.Symbol != "ETH/BTC").ToList();
        var config = TriangleConfigLoader.LoadText("strategies/triangles/gemini.json", """
            { "id": "tri_gemini", "venue": "gemini", "symbols": ["BTC/USD", "ETH/USD", "ETH/BTC"],
              "start_assets": { "USD": 1000 }, "taker_fee": 0, "min_net_return": -0.5 }
            """).Config!;
        var universe = config.UniverseOn([]);
        Assert.Equal(2, universe.Cycles.Count);
        var detector = new TriangleDetector(universe, TriangleDetectorSettings.For(config));
        int looked = 0;
        foreach (var e in twoLegs)
        {
            Assert.True(universe.TryGetPair(e.Symbol, out int pair));
            detector.Apply(pair, e.TimeMs, e.Bids, e.Asks);
            Assert.Equal(0, detector.Changes.Length);
            Assert.All(detector.Evaluations.ToArray(), ev => Assert.Equal(CycleStatus.Unsynchronised, ev.Status));
            looked += detector.Evaluations.Length;
        }

        Assert.Equal(2 * twoLegs.Count, looked);
        Assert.Empty(TriangleTapeDetection.Run(config, twoLegs));

        // With the third leg the same config does find episodes on these books (threshold -50 %).
        Assert.NotEmpty(TriangleTapeDetection.Run(config, Load(Gemini)));
    }
}
