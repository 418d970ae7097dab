using System.Text;
using System.Text.Json;
using Arbitrage.Binance.Protocol;

namespace Arbitrage.Binance.Tests.Protocol;

/// <summary>Real recorded frames (copied verbatim from the fixtures) parse to the values in the files.</summary>
public class FrameParserTests
{
    private readonly SymbolTable _symbols = new();

    // cryptofeed fixture, line with the first aggTrade
    private static readonly byte[] CtkAggTrade = """{"stream":"ctkusdt@aggTrade","data":{"e":"aggTrade","E":1626992741575,"a":16599292,"s":"CTKUSDT","p":"1.01100","q":"10","f":23961322,"l":23961322,"T":1626992741421,"m":false}}"""u8.ToArray();

    [Fact]
    public void AggTrade_combined_stream_frame()
    {
        Assert.True(AggTradeFrame.TryParse(CtkAggTrade, _symbols, out var e, out var err), err.ToString());
        Assert.Equal(new AggTradeEvent("CTKUSDT", 1626992741575, 16599292, 1.01100m, 10m, 23961322, 23961322, 1626992741421, false), e);
        Assert.Equal("1.01100", e.Price.ToString(System.Globalization.CultureInfo.InvariantCulture)); // scale kept
        var t = e.ToTrade();
        Assert.Equal(1.011, t.Price);
        Assert.Equal(10.0, t.Quantity);
        Assert.Equal(10.0, t.Delta);
    }

    [Fact]
    public void AggTrade_bare_frame_with_seller_maker()
    {
        var bare = """{"e":"aggTrade","E":1626992742291,"a":14888302,"s":"AKROUSDT","p":"0.01731","q":"312","f":27931348,"l":27931348,"T":1626992742134,"m":true}"""u8;
        Assert.True(AggTradeFrame.TryParse(bare, _symbols, out var e, out _));
        Assert.Equal("AKROUSDT", e.Symbol);
        Assert.Equal(14888302, e.AggId);
        Assert.Equal(0.01731m, e.Price);
        Assert.Equal(312m, e.Quantity);
        Assert.True(e.IsBuyerMaker);
        Assert.Equal(-312.0, e.ToTrade().Delta);
    }

    [Fact]
    public void Futures_trade_frame_2024()
    {
        var f = """{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256322,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false}}"""u8;
        Assert.True(TradeFrame.TryParse(f, _symbols, out var e, out _));
        Assert.Equal(new TradeEvent("BTCUSDT", 1723161256322, 5266583935, 61800.30m, 0.006m, 1723161256322, false), e);
        Assert.Equal(5266583935, e.ToTrade().AggId); // a := t
    }

    [Fact]
    public void Spot_trade_frame()
    {
        var f = """{"stream":"ethusdt@trade","data":{"e":"trade","E":1723161255612,"s":"ETHUSDT","t":1520538926,"p":"2683.80000000","q":"0.03450000","T":1723161255611,"m":true,"M":true}}"""u8;
        Assert.True(TradeFrame.TryParse(f, _symbols, out var e, out _));
        Assert.Equal(1520538926, e.TradeId);
        Assert.Equal(2683.8m, e.Price);
        Assert.Equal(0.0345m, e.Quantity);
        Assert.Equal(1723161255611, e.TradeTimeMs);
        Assert.True(e.IsBuyerMaker);
    }

    [Fact]
    public void MarkPriceUpdate_2023()
    {
        var f = """{"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1680652801000,"s":"BTCUSDT","p":"28155.20000000","P":"28141.47001461","i":"28165.15571429","r":"0.00002760","T":1680681600000}}"""u8;
        Assert.True(MarkPriceFrame.TryParse(f, _symbols, out var e, out _));
        Assert.Equal(new MarkPriceEvent("BTCUSDT", 1680652801000, 28155.2m, 28165.15571429m, 28141.47001461m, 0.0000276m, 1680681600000), e);
    }

    [Fact]
    public void BookTicker_futures_and_spot()
    {
        var fut = """{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5123107839020,"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","T":1723161256313,"E":1723161256313}}"""u8;
        Assert.True(BookTickerFrame.TryParse(fut, _symbols, out var f, out _));
        Assert.Equal(new BookTickerEvent("BTCUSDT", 5123107839020, 61800.20m, 2.507m, 61800.30m, 2.510m, 1723161256313, 1723161256313), f);

        var spot = """{"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}}"""u8;
        Assert.Equal(FrameKind.BookTicker, MarketFrame.Classify(spot));
        Assert.True(BookTickerFrame.TryParse(spot, _symbols, out var s, out _));
        Assert.Equal(new BookTickerEvent("BTCUSDT", 50093239212, 61837.63m, 3.78826m, 61837.64m, 1.54698m, 0, 0), s);
    }

    [Fact]
    public void DepthUpdate_futures_with_pu_and_spot_without()
    {
        var levels = new DepthLevelBuffer(2);
        var fut = """{"stream":"sushiusdt@depth@100ms","data":{"e":"depthUpdate","E":1626992741037,"T":1626992741024,"s":"SUSHIUSDT","U":600859599090,"u":600859600917,"pu":600859598061,"b":[["7.5040","813"],["7.6090","0"],["7.6110","2"]],"a":[["7.6150","1563"],["7.6220","3284"]]}}"""u8;
        Assert.True(DepthUpdateFrame.TryParse(fut, _symbols, levels, out var e, out _));
        Assert.Equal(new DepthUpdateEvent("SUSHIUSDT", 1626992741037, 1626992741024, 600859599090, 600859600917, 600859598061), e);
        Assert.True(e.IsFutures);
        Assert.Equal([new(7.5040m, 813m), new(7.6090m, 0m), new(7.6110m, 2m)], levels.Bids.ToArray());
        Assert.Equal([new(7.6150m, 1563m), new(7.6220m, 3284m)], levels.Asks.ToArray());

        var spot = """{"stream":"ethusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255408,"s":"ETHUSDT","U":35346513506,"u":35346513512,"b":[["2683.80000000","3.02920000"],["2683.48000000","0.00000000"],["2683.44000000","0.00000000"],["2683.42000000","0.00000000"]],"a":[["2687.31000000","81.35720000"]]}}"""u8;
        Assert.True(DepthUpdateFrame.TryParse(spot, _symbols, levels, out var s, out _));
        Assert.False(s.IsFutures);
        Assert.Equal(35346513506, s.FirstUpdateId);
        Assert.Equal(35346513512, s.FinalUpdateId);
        Assert.Equal(4, levels.BidCount);
        Assert.Equal(new(2683.42m, 0m), levels.Bids[3]);
        Assert.Equal(new(2687.31m, 81.3572m), levels.Asks[0]);
    }

    [Fact]
    public void DepthUpdate_with_empty_side()
    {
        var levels = new DepthLevelBuffer();
        var f = """{"stream":"akrousdt@depth@100ms","data":{"e":"depthUpdate","E":1626992741077,"T":1626992740974,"s":"AKROUSDT","U":600859599831,"u":600859599831,"pu":600859598737,"b":[],"a":[["0.01737","437848"]]}}"""u8;
        Assert.True(DepthUpdateFrame.TryParse(f, _symbols, levels, out var e, out _));
        Assert.Equal(0, levels.BidCount);
        Assert.Equal(new(0.01737m, 437848m), levels.Asks[0]);
        Assert.Equal(600859598737, e.PrevFinalUpdateId);
    }

    [Fact]
    public void Kline_frame()
    {
        var f = """{"stream":"ctkusdt@kline_1m","data":{"e":"kline","E":1626992741424,"s":"CTKUSDT","k":{"t":1626992700000,"T":1626992759999,"s":"CTKUSDT","i":"1m","f":23961275,"L":23961322,"o":"1.01000","c":"1.01100","h":"1.01100","l":"1.01000","v":"3917","n":48,"x":false,"q":"3957.89900","V":"1729","Q":"1748.01900","B":"0"}}}"""u8;
        Assert.True(KlineFrame.TryParse(f, _symbols, out var k, out var err), err.ToString());
        Assert.Equal(new KlineEvent("CTKUSDT", 1626992741424, "1m", 1626992700000, 1626992759999, 23961275, 23961322,
            1.01000m, 1.01100m, 1.01000m, 1.01100m, 3917m, 48, false, 3957.89900m, 1729m, 1748.01900m), k);
    }

    [Fact]
    public void ForceOrder_frame_from_binance_docs()
    {
        var f = """{"e":"forceOrder","E":1568014460893,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC","q":"0.014","p":"9910","ap":"9910","X":"FILLED","l":"0.014","z":"0.014","T":1568014460893}}"""u8;
        Assert.Equal(FrameKind.ForceOrder, MarketFrame.Classify(f));
        Assert.True(ForceOrderFrame.TryParse(f, _symbols, out var e, out _));
        Assert.Equal(new ForceOrderEvent("BTCUSDT", 1568014460893, true, "LIMIT", "IOC", 0.014m, 9910m, 9910m, "FILLED", 0.014m, 0.014m, 1568014460893), e);
    }

    [Fact]
    public void Depth_snapshot_from_rest_tape()
    {
        var f = """{"lastUpdateId":600859605926,"E":1626992741264,"T":1626992741261,"bids":[["7.6110","6"],["7.6080","161"]],"asks":[["7.6120","297"]]}"""u8;
        var levels = new DepthLevelBuffer();
        Assert.Equal(FrameKind.DepthSnapshot, MarketFrame.Classify(f));
        Assert.True(DepthSnapshotFrame.TryParse(f, levels, out var snap, out _));
        Assert.Equal(new DepthSnapshotInfo(600859605926, 1626992741264, 1626992741261), snap);
        Assert.Equal(new(7.6080m, 161m), levels.Bids[1]);
        Assert.Equal(new(7.6120m, 297m), levels.Asks[0]);
    }

    [Theory]
    [InlineData("""{"e":"aggTrade","E":1,"a":1,"s":"X","p":"1","q":"1","T":1}""", ParseErrorCode.MissingField, "m")]
    [InlineData("""{"e":"aggTrade","E":1,"a":1,"s":"X","p":"1.2.3","q":"1","T":1,"m":true}""", ParseErrorCode.InvalidValue, "p")]
    [InlineData("""{"e":"aggTrade","E":1,"a":"x","s":"X","p":"1","q":"1","T":1,"m":true}""", ParseErrorCode.InvalidValue, "a")]
    [InlineData("""{"e":"aggTrade","E":1,"a":1,"s":"X","p":"1","q":"1","T":1,"m":yes}""", ParseErrorCode.InvalidValue, "m")]
    [InlineData("""{"e":"trade","E":1,"t":1,"s":"X","p":"1","q":"1","T":1,"m":true}""", ParseErrorCode.WrongEventType, "e")]
    [InlineData("""{"e":"aggTrade","E":1,"a":1,"s":"X","p":"1","q":"1","T":1,"m":true""", ParseErrorCode.Malformed, "property")]
    [InlineData("""{"e":"aggTrade","E":1,"a":1,"s":"X","p":"1","q":"1","T":1,"m":true}}""", ParseErrorCode.Malformed, "trailing")]
    [InlineData("{\"stream\":\"x@aggTrade\",\"data\":{\"e\":\"aggTrade\"", ParseErrorCode.Malformed, "property")]
    [InlineData("{\"stream\":1,\"data\":{}}", ParseErrorCode.Malformed, "stream")]
    [InlineData("", ParseErrorCode.Malformed, "{")]
    [InlineData("[1,2]", ParseErrorCode.Malformed, "{")]
    public void Malformed_aggTrade_frames_return_errors(string json, ParseErrorCode code, string field)
    {
        Assert.False(AggTradeFrame.TryParse(Encoding.UTF8.GetBytes(json), _symbols, out _, out var err));
        Assert.Equal(code, err.Code);
        Assert.Equal(field, err.Field);
    }

    [Fact]
    public void Unknown_fields_are_ignored_including_nested_values()
    {
        var f = """{"e":"aggTrade","E":1,"zz":{"x":[1,{"y":"}"}],"w":null},"a":7,"s":"X","p":"1.5","q":"2","nq":"2","st":0,"f":1,"l":1,"T":9,"m":false}"""u8;
        Assert.True(AggTradeFrame.TryParse(f, _symbols, out var e, out _));
        Assert.Equal(7, e.AggId);
        Assert.Equal(1.5m, e.Price);
    }

    [Fact]
    public void Writers_round_trip_through_parsers()
    {
        Assert.True(AggTradeFrame.TryParse(CtkAggTrade, _symbols, out var agg, out _));
        var json = Write(w => AggTradeFrame.WriteJson(w, agg));
        Assert.Equal("""{"e":"aggTrade","E":1626992741575,"s":"CTKUSDT","a":16599292,"p":"1.01100","q":"10","f":23961322,"l":23961322,"T":1626992741421,"m":false}""", json);

        var mark = new MarkPriceEvent("BTCUSDT", 1680652801000, 28155.20000000m, 28165.15571429m, 28141.47001461m, 0.00002760m, 1680681600000);
        Assert.True(MarkPriceFrame.TryParse(Encoding.UTF8.GetBytes(Write(w => MarkPriceFrame.WriteJson(w, mark))), _symbols, out var m2, out _));
        Assert.Equal(mark, m2);

        var book = new BookTickerEvent("ETHUSDT", 35346513508, 2683.80000000m, 2.25820000m, 2683.81000000m, 31.43950000m, 0, 0);
        string bookJson = Write(w => BookTickerFrame.WriteJson(w, book));
        Assert.Equal("""{"u":35346513508,"s":"ETHUSDT","b":"2683.80000000","B":"2.25820000","a":"2683.81000000","A":"31.43950000"}""", bookJson);

        var levels = new DepthLevelBuffer();
        var fut = """{"e":"depthUpdate","E":1626992741037,"T":1626992741024,"s":"SUSHIUSDT","U":600859599090,"u":600859600917,"pu":600859598061,"b":[["7.5040","813"],["7.6090","0"]],"a":[["7.6150","1563"]]}""";
        Assert.True(DepthUpdateFrame.TryParse(Encoding.UTF8.GetBytes(fut), _symbols, levels, out var d, out _));
        Assert.Equal(fut, Write(w => DepthUpdateFrame.WriteJson(w, d, levels.Bids, levels.Asks)));

        var trade = new TradeEvent("BTCUSDT", 1, 2, 61800.30m, 0.006m, 3, true);
        Assert.True(TradeFrame.TryParse(Encoding.UTF8.GetBytes(Write(w => TradeFrame.WriteJson(w, trade))), _symbols, out var t2, out _));
        Assert.Equal(trade, t2);

        var force = new ForceOrderEvent("BTCUSDT", 5, false, "LIMIT", "IOC", 0.014m, 9910m, 9910m, "FILLED", 0.014m, 0.014m, 5);
        Assert.True(ForceOrderFrame.TryParse(Encoding.UTF8.GetBytes(Write(w => ForceOrderFrame.WriteJson(w, force))), _symbols, out var f2, out _));
        Assert.Equal(force, f2);

        var kline = new KlineEvent("CTKUSDT", 1, "1m", 2, 3, 4, 5, 1.0m, 1.2m, 0.9m, 1.1m, 10m, 6, true, 11m, 5m, 5.5m);
        Assert.True(KlineFrame.TryParse(Encoding.UTF8.GetBytes(Write(w => KlineFrame.WriteJson(w, kline))), _symbols, out var k2, out _));
        Assert.Equal(kline, k2);
    }

    [Fact]
    public void Steady_state_parsing_allocates_nothing()
    {
        var levels = new DepthLevelBuffer();
        var depth = """{"stream":"sushiusdt@depth@100ms","data":{"e":"depthUpdate","E":1626992741037,"T":1626992741024,"s":"SUSHIUSDT","U":600859599090,"u":600859600917,"pu":600859598061,"b":[["7.5040","813"],["7.6090","0"],["7.6110","2"]],"a":[["7.6150","1563"],["7.6220","3284"]]}}"""u8.ToArray();
        AggTradeFrame.TryParse(CtkAggTrade, _symbols, out _, out _);
        DepthUpdateFrame.TryParse(depth, _symbols, levels, out _, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (int i = 0; i < 1000; i++)
        {
            AggTradeFrame.TryParse(CtkAggTrade, _symbols, out var e, out _);
            DepthUpdateFrame.TryParse(depth, _symbols, levels, out var d, out _);
            sum += e.AggId + d.FinalUpdateId;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, sum);
    }

    [Fact]
    public void Symbol_table_interns_once()
    {
        var t = new SymbolTable();
        string a = t.GetOrAdd("BTCUSDT"u8);
        string b = t.GetOrAdd(Encoding.UTF8.GetBytes("BTCUSDT"));
        Assert.Same(a, b);
        for (int i = 0; i < 500; i++)
        {
            Assert.Equal("S" + i, t.GetOrAdd(Encoding.UTF8.GetBytes("S" + i)));
        }

        Assert.Same(a, t.GetOrAdd("BTCUSDT"u8));
        Assert.Equal(501, t.Count);
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
