using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Binance.Tests.Tapes;

/// <summary>The 2024-08-08 spot captures hold BTCUSDT and ETHUSDT only: a triangle needing ETHBTC is never valued.</summary>
public class TwoLegBookTapeTests
{
    [Fact]
    public void A_cycle_needing_the_missing_ethbtc_leg_stays_unevaluated()
    {
        var btc = new HftBookTape(TestData.Shared(HftBookTapeTests.BtcFull)).Read().ToList();
        var eth = new HftBookTape(TestData.Shared(HftBookTapeTests.EthFull)).Read().ToList();
        var events = BookTape.Merge([btc, eth]);
        Assert.True(btc.Count > 3000 && eth.Count > 3000, $"{btc.Count} / {eth.Count} books");

        var config = new TriangleConfig("tri", "binance-spot", ["BTC/USDT", "ETH/USDT", "ETH/BTC"],
            [new StartAsset("USDT", 100m), new StartAsset("BTC", 0.002m)], 0.001m, -0.99m);
        Assert.Empty(TriangleTapeDetection.Run(config, events));

        var universe = config.UniverseOn([]);
        Assert.Equal(4, universe.Cycles.Count);
        var detector = new TriangleDetector(universe, TriangleDetectorSettings.For(config));
        long looked = 0;
        foreach (var e in events)
        {
            Assert.True(universe.TryGetPair(e.Symbol, out int pair));
            detector.Apply(pair, e.TimeMs, e.Bids, e.Asks);
            foreach (var ev in detector.Evaluations)
            {
                Assert.Equal(CycleStatus.Unsynchronised, ev.Status);
                looked++;
            }
        }

        Assert.Equal(4L * events.Count, looked); // every book event looks at all four cycles and values none
        Assert.False(detector.IsSynchronised(universe.TryGetPair("ETH/BTC", out int ethBtc) ? ethBtc : -1));
        Assert.Null(detector.LastUpdateMs(ethBtc));
        Assert.Equal(0, detector.OpenEpisodeCount);
    }
}
