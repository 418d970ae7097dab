using System.Text;
using Arbitrage.Binance.Streams;
using static Arbitrage.Binance.Streams.FeedEvent;
using FrameErrorCounter = Arbitrage.Binance.Protocol.FrameErrorCounter;

namespace Arbitrage.Binance.Tests.Streams;

/// <summary>Frame kinds the simulator's fixture tapes do not carry (liquidations, futures bookTicker), from Binance's documented examples.</summary>
public class SymbolFrameDecoderTests
{
    private static FeedEvent? Decode(string json, FrameErrorCounter errors, string symbol = "BTCUSDT") =>
        new SymbolFrameDecoder(symbol, "market", errors).Decode(WsFrame.Copy(Encoding.UTF8.GetBytes(json), DateTimeOffset.UnixEpoch));

    [Fact]
    public void Force_order_becomes_a_liquidation_event()
    {
        var errors = new FrameErrorCounter();
        var e = Decode("""{"stream":"btcusdt@forceOrder","data":{"e":"forceOrder","E":1568014460893,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC","q":"0.014","p":"9910","ap":"9910","X":"FILLED","l":"0.014","z":"0.014","T":1568014460893}}}""", errors);

        var liq = Assert.IsType<LiquidationEvent>(e);
        Assert.Equal(new LiquidationEvent("BTCUSDT", true, 9910m, 9910m, 0.014m, 1568014460893, 1568014460893), liq);
        Assert.Equal(0, errors.Count);
    }

    [Fact]
    public void Book_ticker_becomes_a_book_ticker_event_and_other_symbols_are_skipped_without_error()
    {
        var errors = new FrameErrorCounter();
        const string json = """{"stream":"bnbusdt@bookTicker","data":{"e":"bookTicker","u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000","T":1568014460891,"E":1568014460891}}""";

        var bt = Assert.IsType<BookTickerEvent>(Decode(json, errors, "bnbusdt"));
        Assert.Equal((25.3519m, 31.21m, 25.3652m, 40.66m, 400900217L), (bt.BidPrice, bt.BidQuantity, bt.AskPrice, bt.AskQuantity, bt.UpdateId));
        Assert.Null(Decode(json, errors, "BTCUSDT"));
        Assert.Equal(0, errors.Count);
    }

    [Fact]
    public void Status_events_carry_the_connection_and_the_reason()
    {
        var d = new SymbolFrameDecoder("btcusdt", "public", new FrameErrorCounter());
        var down = Assert.IsType<FeedStatusEvent>(d.Decode(new WsDisconnected(new Uri("ws://x/"), DisconnectKind.MaxAgeReached, "old", DateTimeOffset.UnixEpoch)));
        Assert.Equal(("BTCUSDT", FeedStatus.Disconnected, "public", DisconnectKind.MaxAgeReached, "old"), (down.Symbol, down.Status, down.Connection, down.Kind, down.Reason));
    }
}
