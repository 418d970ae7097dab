using System.Text;
using Arbitrage.Binance.UserData;

namespace Arbitrage.Binance.Tests.UserData;

/// <summary>The spot user-data events as Binance's spot docs show them ("User Data Streams": order update, account update, balance update).</summary>
public sealed class SpotUserDataParserTests
{
    private static IUserDataEvent Parse(string json)
    {
        Assert.True(UserDataParser.TryParse(Encoding.UTF8.GetBytes(json), out var e, out var error), error);
        return e!;
    }

    [Fact]
    public void An_execution_report_of_a_fill_reads_every_field_the_saga_needs()
    {
        var r = Assert.IsType<SpotExecutionReport>(Parse("""
            {"e":"executionReport","E":1499405658658,"s":"ETHBTC","c":"mUvoqJxFIILMdfAW5iGSOW","S":"BUY","o":"LIMIT","f":"IOC",
             "q":"1.00000000","p":"0.10264410","P":"0.00000000","F":"0.00000000","g":-1,"C":"","x":"TRADE","X":"PARTIALLY_FILLED",
             "r":"NONE","i":4293153,"l":"0.40000000","z":"0.40000000","L":"0.10264400","n":"0.00040000","N":"ETH","T":1499405658657,
             "t":7251,"I":8641984,"w":false,"m":false,"M":true,"O":1499405658650,"Z":"0.04105760","Y":"0.04105760","Q":"0.00000000",
             "W":1499405658657,"V":"NONE"}
            """));
        Assert.Equal(("ETHBTC", "mUvoqJxFIILMdfAW5iGSOW", "", "BUY", "LIMIT", "IOC"),
            (r.Symbol, r.ClientOrderId, r.OriginalClientOrderId, r.Side, r.OrderType, r.TimeInForce));
        Assert.Equal(("TRADE", "PARTIALLY_FILLED", "NONE", 4293153L, 7251L), (r.ExecutionType, r.Status, r.RejectReason, r.OrderId, r.TradeId));
        Assert.Equal((1m, 0.1026441m, 0.4m, 0.4m, 0.102644m), (r.OriginalQty, r.Price, r.LastFilledQty, r.CumulativeFilledQty, r.LastFilledPrice));
        Assert.Equal((0.0004m, "ETH", 0.0410576m, 0.0410576m), (r.Commission, r.CommissionAsset, r.LastQuoteQty, r.CumulativeQuoteQty));
        Assert.Equal((1499405658658L, 1499405658657L, 1499405658650L), (r.EventTime, r.TransactionTime, r.OrderCreationTime));
        Assert.True(r.IsFill);
        Assert.False(r.IsFinal);
        Assert.Equal("mUvoqJxFIILMdfAW5iGSOW", r.OrderClientId);
    }

    [Fact]
    public void A_cancel_report_names_the_cancel_request_in_c_and_the_order_in_C_and_has_no_commission_asset()
    {
        var r = Assert.IsType<SpotExecutionReport>(Parse("""
            {"e":"executionReport","E":1,"s":"BTCUSDT","c":"cancel-9","S":"SELL","o":"LIMIT","f":"GTC","q":"1","p":"70000","C":"leg-2",
             "x":"CANCELED","X":"CANCELED","r":"NONE","i":77,"l":"0","z":"0","L":"0","n":"0","N":null,"T":2,"t":-1}
            """));
        Assert.Equal(("cancel-9", "leg-2", "leg-2"), (r.ClientOrderId, r.OriginalClientOrderId, r.OrderClientId));
        Assert.Null(r.CommissionAsset);
        Assert.True(r.IsFinal);
    }

    [Fact]
    public void Account_position_and_balance_update_read_their_assets()
    {
        var p = Assert.IsType<OutboundAccountPosition>(Parse("""
            {"e":"outboundAccountPosition","E":1564034571105,"u":1564034571073,
             "B":[{"a":"ETH","f":"10000.000000","l":"0.000000"},{"a":"BTC","f":"0.5","l":"0.25"}]}
            """));
        Assert.Equal(1564034571073L, p.LastUpdateTime);
        Assert.Equal([("ETH", 10000m, 0m), ("BTC", 0.5m, 0.25m)], p.Balances.Select(b => (b.Asset, b.Free, b.Locked)));

        var b = Assert.IsType<SpotBalanceUpdate>(Parse("""{"e":"balanceUpdate","E":1573200697110,"a":"BTC","d":"100.00000000","T":1573200697068}"""));
        Assert.Equal(("BTC", 100m, 1573200697068L), (b.Asset, b.Delta, b.ClearTime));
    }

    [Fact]
    public void A_report_without_its_execution_type_is_a_bad_frame_not_an_exception()
    {
        Assert.False(UserDataParser.TryParse("""{"e":"executionReport","E":1,"s":"ETHBTC","c":"a","S":"BUY","o":"LIMIT","X":"NEW"}"""u8,
            out _, out var error));
        Assert.Contains("x", error);
    }
}
