using Arbitrage.Binance.Streams;

namespace Arbitrage.Binance.Tests.Streams;

/// <summary>How a spot feed's pairs are split over combined-stream connections.</summary>
public class SpotStreamPlanTests
{
    private static readonly Uri Spot = new("wss://stream.binance.com:9443");

    private static string[] Pairs(int n) => Enumerable.Range(0, n).Select(i => $"C{i:000}USDT").ToArray();

    [Fact]
    public void Pairs_fill_connections_up_to_the_stream_limit_and_a_pairs_streams_never_split()
    {
        var settings = new SpotBookFeedSettings(Pairs(7)) { MaxStreamsPerConnection = 5 };

        var plans = SpotStreamPlan.Split(settings, Spot);

        // 2 streams a pair, at most 5 a connection: 2 pairs (4 streams) each, the 7th alone.
        Assert.Equal([2, 2, 2, 1], plans.Select(p => p.Symbols.Count));
        Assert.All(plans, p => Assert.True(p.Streams.Count <= 5));
        Assert.Equal(Enumerable.Range(0, 4), plans.Select(p => p.Index));
        Assert.Equal(Pairs(7), plans.SelectMany(p => p.Symbols));
        foreach (var p in plans)
        {
            Assert.Equal(p.Symbols.SelectMany(s => new[] { s.ToLowerInvariant() + "@depth@100ms", s.ToLowerInvariant() + "@bookTicker" }), p.Streams);
            Assert.Equal("wss://stream.binance.com:9443/stream?streams=" + string.Join('/', p.Streams), p.Url.OriginalString);
        }
    }

    [Fact]
    public void Binances_limit_of_1024_streams_holds_when_urls_may_be_long()
    {
        var settings = new SpotBookFeedSettings(Pairs(1500)) { MaxUrlLength = int.MaxValue };

        var plans = SpotStreamPlan.Split(settings, Spot);

        Assert.Equal([512, 512, 476], plans.Select(p => p.Symbols.Count));
        Assert.All(plans, p => Assert.True(p.Streams.Count <= SpotStreamPlan.MaxStreamsPerConnection));
    }

    [Fact]
    public void Urls_stay_under_the_length_binance_accepts()
    {
        var settings = new SpotBookFeedSettings(Pairs(1500));

        var plans = SpotStreamPlan.Split(settings, Spot);

        Assert.All(plans, p => Assert.True(p.Url.OriginalString.Length <= SpotStreamPlan.MaxUrlLength, $"{p.Url.OriginalString.Length} characters"));
        // Full: one more pair would not have fitted.
        var next = settings.StreamsOf("C000USDT").Sum(s => s.Length + 1);
        Assert.All(plans.SkipLast(1), p => Assert.True(p.Url.OriginalString.Length + next > SpotStreamPlan.MaxUrlLength));
        Assert.Equal(1500, plans.Sum(p => p.Symbols.Count));
    }

    [Fact]
    public void Symbols_are_upper_cased_and_deduplicated()
    {
        var settings = new SpotBookFeedSettings(["ethbtc", "ETHBTC", " BTCUSDT ", ""]) { BookTicker = false, DepthStream = "depth" };

        var plan = Assert.Single(SpotStreamPlan.Split(settings, new Uri("ws://127.0.0.1:5000/")));

        Assert.Equal(["ETHBTC", "BTCUSDT"], plan.Symbols);
        Assert.Equal("ws://127.0.0.1:5000/stream?streams=ethbtc@depth/btcusdt@depth", plan.Url.OriginalString);
    }

    [Fact]
    public void A_limit_too_small_for_one_pair_is_a_configuration_error_that_names_the_pair()
    {
        var tooFewStreams = new SpotBookFeedSettings(["ETHBTC"]) { MaxStreamsPerConnection = 1 };
        var e = Assert.Throws<ArgumentException>(() => SpotStreamPlan.Split(tooFewStreams, Spot));
        Assert.Contains("ETHBTC", e.Message);

        var tooShort = new SpotBookFeedSettings(["ETHBTC"]) { MaxUrlLength = 60 };
        Assert.Throws<ArgumentException>(() => SpotStreamPlan.Split(tooShort, Spot));

        var beyondBinance = new SpotBookFeedSettings(["ETHBTC"]) { MaxStreamsPerConnection = 1025 };
        Assert.Throws<ArgumentOutOfRangeException>(() => SpotStreamPlan.Split(beyondBinance, Spot));
    }
}
