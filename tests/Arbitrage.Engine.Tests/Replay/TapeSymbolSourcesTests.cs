using Arbitrage.Core.MarketData;
using Arbitrage.Engine.Replay;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Replay;

public sealed class TapeSymbolSourcesTests
{
    private static Trade[] At(params long[] times) => times.Select((t, i) => new Trade(i + 1, 100, 1, t, false)).ToArray();

    [Fact]
    public void Two_tapes_of_one_symbol_one_after_the_other_are_one_tape()
    {
        var sources = new TapeSymbolSources();
        sources.Add("day1.csv", "BTCUSDT", At(1_000, 2_000));
        sources.Add("day1.csv", "BTCUSDT", At(3_000, 4_000));
        sources.Add("day2.csv", "BTCUSDT", At(5_000, 6_000));
        sources.Add("day2.csv", "ETHUSDT", At(1_000, 2_000)); // another symbol is another matter
    }

    [Fact]
    public void Two_tapes_whose_trades_of_one_symbol_overlap_are_refused_naming_both()
    {
        var sources = new TapeSymbolSources();
        sources.Add("perp.hftbt.gz", "BTCUSDT", At(1_000, 5_000));
        var e = Assert.Throws<InvalidDataException>(() => sources.Add("spot.hftbt.gz", "BTCUSDT", At(4_000, 9_000)));
        Assert.Contains("BTCUSDT is on two tapes", e.Message);
        Assert.Contains("perp.hftbt.gz", e.Message);
        Assert.Contains("spot.hftbt.gz", e.Message);
    }

    [Fact]
    public void A_tape_inside_another_tapes_span_is_refused_even_when_no_single_batch_touches_it()
    {
        var sources = new TapeSymbolSources();
        sources.Add("a.csv", "BTCUSDT", At(1_000, 2_000));
        sources.Add("b.csv", "BTCUSDT", At(3_000, 4_000)); // after a: fine so far
        Assert.Throws<InvalidDataException>(() => sources.Add("a.csv", "BTCUSDT", At(5_000, 6_000))); // a spans b now
    }

    [Fact]
    public async Task A_replay_of_a_spot_and_a_perpetual_BTCUSDT_recording_together_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("arb-tape-sources").FullName;
        try
        {
            foreach (var trading in new[] { false, true })
            {
                var e = await Assert.ThrowsAsync<InvalidDataException>(() => ReplayRunner.RunAsync(new ReplayOptions
                {
                    Tapes =
                    [
                        Path.Combine(RepoPaths.Fixtures, "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz"),
                        Path.Combine(RepoPaths.Fixtures, "binance_spot_BTCUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz"),
                    ],
                    StrategiesDirectory = RepoPaths.Strategies,
                    HoconDirectory = RepoPaths.Hocon,
                    IndicatorsOut = Path.Combine(dir, "indicators.csv"),
                    TradesOut = trading ? Path.Combine(dir, "trades.csv") : null,
                }));
                Assert.Contains("BTCUSDT is on two tapes whose trades overlap in time", e.Message);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
