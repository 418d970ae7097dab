using Arbitrage.Core.Triangles;

namespace Arbitrage.Core.Tests.Triangles;

/// <summary>The episodes CSV contract of <c>arbctl replay --triangles-out</c>.</summary>
public sealed class TriangleEpisodesCsvTests
{
    [Fact]
    public void The_header_is_the_contract()
    {
        Assert.Equal("start_ms,end_ms,venue,cycle,start_asset,notional,evaluations,peak_net_return,peak_ms,action,reason", TriangleEpisodesCsv.Header);
        Assert.Equal(TriangleEpisodesCsv.Header + "\n", TriangleEpisodesCsv.Format([]));
    }

    [Fact]
    public void Rows_sort_by_start_then_cycle_ordinally_with_round_trip_numbers_and_an_empty_end_while_open()
    {
        TriangleEpisodeRecord[] episodes =
        [
            new(2000, null, "binance-spot", "USDT>ETH>BTC", "USDT", 100, 3, 0.00123456789012345, 2500),
            new(1000, 1500, "binance-spot", "usdt>BTC>ETH", "USDT", 100, 1, -5e-05, 1000),
            new(1000, 1200, "binance-spot", "USDT>BTC>ETH", "USDT", 100, 2, 0.1 + 0.2, 1100),
            new(2000, 2100, "binance-spot", "BTC>ETH>USDT", "BTC", 0.002, 1, 1e-7, 2000),
        ];
        Assert.Equal(
            TriangleEpisodesCsv.Header + "\n" +
            "1000,1200,binance-spot,USDT>BTC>ETH,USDT,100,2,0.30000000000000004,1100,observed,\n" +
            "1000,1500,binance-spot,usdt>BTC>ETH,USDT,100,1,-5E-05,1000,observed,\n" +
            "2000,2100,binance-spot,BTC>ETH>USDT,BTC,0.002,1,1E-07,2000,observed,\n" +
            "2000,,binance-spot,USDT>ETH>BTC,USDT,100,3,0.00123456789012345,2500,observed,\n",
            TriangleEpisodesCsv.Format(episodes));

        // Same episodes in any order: the same bytes.
        Assert.Equal(TriangleEpisodesCsv.Format(episodes), TriangleEpisodesCsv.Format(episodes.Reverse()));
        foreach (var line in TriangleEpisodesCsv.Format(episodes).Split('\n').Skip(1).Where(l => l.Length > 0))
        {
            var peak = line.Split(',')[7];
            Assert.Contains(episodes, e => e.PeakNetReturn == double.Parse(peak, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void A_field_with_a_comma_or_quote_is_quoted()
    {
        var row = TriangleEpisodesCsv.Row(new TriangleEpisodeRecord(1, 2, "v", "A>B>C", "A", 1, 1, 0, 1, "missed", "leg 2 \"short\", unwound"));
        Assert.EndsWith(",missed,\"leg 2 \"\"short\"\", unwound\"", row, StringComparison.Ordinal);
    }
}
