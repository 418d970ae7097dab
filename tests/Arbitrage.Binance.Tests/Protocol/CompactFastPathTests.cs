using System.Text;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Tapes;

namespace Arbitrage.Binance.Tests.Protocol;

/// <summary>
/// The compact fast path of <see cref="AggTradeFrame"/> may only ever accept what the general parser
/// accepts, with the same value (decimal scale included); on Binance's real frames it must be the path taken.
/// </summary>
public class CompactFastPathTests
{
    private static List<byte[]> RealFrames()
    {
        var frames = TapeReader.ReadFrames(TestData.Fixture("binance_usdm_4sym_ws_aggTrade_depth100ms_bookTicker_kline_2021-07-22_30s.cryptofeed.txt"))
            .Where(x => x.Json.Contains("\"e\":\"aggTrade\"", StringComparison.Ordinal))
            .Select(x => Encoding.UTF8.GetBytes(x.Stream is null ? x.Json : $"{{\"stream\":\"{x.Stream}\",\"data\":{x.Json}}}"))
            .ToList();

        // Spot's layout: symbol before the agg id and the extra "M" flag; and a bare (unwrapped) frame.
        frames.Add("""{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1723161255343,"s":"BTCUSDT","a":3735683259,"p":"61837.63000000","q":"0.02000000","f":1,"l":3,"T":1723161255342,"m":true,"M":true}}"""u8.ToArray());
        frames.Add("""{"e":"aggTrade","E":1626992741575,"a":16599292,"s":"CTKUSDT","p":"1.01100","q":"10","f":23961322,"l":23961322,"T":1626992741421,"m":false}"""u8.ToArray());
        return frames;
    }

    [Fact]
    public void Real_frames_take_the_fast_path_with_the_general_parsers_values()
    {
        var symbols = new SymbolTable();
        var frames = RealFrames();
        Assert.True(frames.Count > 90);
        foreach (var f in frames)
        {
            Assert.True(AggTradeFrame.TryParseCompact(f, symbols, out var fast), Encoding.UTF8.GetString(f));
            Assert.True(AggTradeFrame.TryParseGeneral(f, symbols, out var slow, out _));
            AssertSame(slow, fast);
        }
    }

    [Theory]
    [InlineData("""{"e":"aggTrade", "E":1,"a":2,"s":"X","p":"1","q":"1","f":1,"l":1,"T":1,"m":true}""")] // whitespace
    [InlineData("""{"e":"aggTrade","E":1,"a":"2","s":"X","p":"1","q":"1","f":1,"l":1,"T":1,"m":true}""")] // quoted integer
    [InlineData("""{"e":"aggTrade","E":1,"a":2,"s":"X","p":1.5,"q":"1","f":1,"l":1,"T":1,"m":true}""")] // bare decimal
    [InlineData("""{"e":"aggTrade","E":1,"a":2,"s":"X","p":"1","q":"1","f":1,"l":1,"T":1,"m":true,"xx":[1,{"y":2}]}""")] // unknown long key
    [InlineData("""{"e":"aggTrade","E":1,"a":2,"s":"X\u0041","p":"1","q":"1","f":1,"l":1,"T":1,"m":true}""")] // escaped symbol
    [InlineData("""{"e":"aggTrade","E":1,"a":2,"s":"X","p":"0.00000000000000000000000000001","q":"1","f":1,"l":1,"T":1,"m":true}""")] // scale > 28
    [InlineData("""{"e":"aggTrade","E":1,"a":12345678901234567890,"s":"X","p":"1","q":"1","f":1,"l":1,"T":1,"m":true}""")] // > 18 digits
    [InlineData("""{"e":"aggTrade","E":1,"a":2,"a":3,"s":"X","p":"1","q":"1","f":1,"l":1,"T":1,"m":true}""")] // duplicate key
    [InlineData("""{"stream":"x@aggTrade","data":{"e":"aggTrade","E":1,"a":2,"s":"X","p":"1","q":"1","f":1,"l":1,"T":1,"m":true}} """)] // trailing space
    [InlineData("""{"data":{"e":"aggTrade","E":1,"a":2,"s":"X","p":"1","q":"1","f":1,"l":1,"T":1,"m":true},"stream":"x@aggTrade"}""")] // data first
    public void Other_layouts_fall_back_to_the_general_parser(string json)
    {
        var f = Encoding.UTF8.GetBytes(json);
        var symbols = new SymbolTable();
        Assert.False(AggTradeFrame.TryParseCompact(f, symbols, out _));
        bool general = AggTradeFrame.TryParseGeneral(f, symbols, out var slow, out var slowError);
        Assert.Equal(general, AggTradeFrame.TryParse(f, symbols, out var viaEntry, out var entryError));
        Assert.Equal(slowError, entryError);
        if (general)
        {
            AssertSame(slow, viaEntry);
        }
    }

    [Fact]
    public void Mutated_frames_never_parse_differently_on_the_fast_path()
    {
        var symbols = new SymbolTable();
        var frames = RealFrames();
        var rng = new Random(7);
        int fast = 0, rejected = 0;
        byte[] special = "\"{}[],:0.-e\\ 9tf"u8.ToArray();
        for (int i = 0; i < 50_000; i++)
        {
            var m = (byte[])frames[rng.Next(frames.Count)].Clone();
            switch (rng.Next(4))
            {
                case 0: m = m[..rng.Next(m.Length)]; break;
                case 1: m[rng.Next(m.Length)] = special[rng.Next(special.Length)]; break;
                case 2: m[rng.Next(m.Length)] = (byte)rng.Next(256); break;
                default:
                {
                    int at = rng.Next(m.Length);
                    m = [.. m[..at], .. m[(at + 1)..]];
                    break;
                }
            }

            bool general = AggTradeFrame.TryParseGeneral(m, symbols, out var slow, out _);
            if (AggTradeFrame.TryParseCompact(m, symbols, out var quick))
            {
                fast++;
                Assert.True(general, "fast path accepted what the general parser refuses: " + Encoding.UTF8.GetString(m));
                AssertSame(slow, quick);
            }
            else if (!general)
            {
                rejected++;
            }
        }

        Assert.True(fast > 1_000, $"fast path taken {fast} times");
        Assert.True(rejected > 10_000, $"only {rejected} rejected");
    }

    private static void AssertSame(AggTradeEvent expected, AggTradeEvent actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(decimal.GetBits(expected.Price), decimal.GetBits(actual.Price));
        Assert.Equal(decimal.GetBits(expected.Quantity), decimal.GetBits(actual.Quantity));
    }
}
