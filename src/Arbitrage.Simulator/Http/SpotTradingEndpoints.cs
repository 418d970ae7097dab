using System.Text.Json;
using Arbitrage.Simulator.Exchange;

namespace Arbitrage.Simulator.Http;

/// <summary>
/// Signed spot endpoints in Binance's shapes: <c>POST|GET|DELETE /api/v3/order</c>, <c>GET /api/v3/openOrders</c>,
/// <c>GET /api/v3/account</c>, <c>GET /api/v3/myTrades</c>, and the spot user-data stream's key
/// <c>POST|PUT|DELETE /api/v3/userDataStream</c>. They go through the same <see cref="RestPipeline"/> as the futures
/// endpoints, so fault rules (by path, including "503 after accept") and held placements apply to them too.
/// </summary>
public sealed class SpotTradingEndpoints(SimulatorState state, RestPipeline pipeline)
{
    private SpotAccount Spot => state.Spot;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v3/order", pipeline.Endpoint(1, EndpointSecurity.Signed, Place, placesOrder: true));
        app.MapGet("/api/v3/order", pipeline.Endpoint(4, EndpointSecurity.Signed, Query));
        app.MapDelete("/api/v3/order", pipeline.Endpoint(1, EndpointSecurity.Signed, Cancel));
        app.MapGet("/api/v3/openOrders", pipeline.Endpoint(6, EndpointSecurity.Signed, OpenOrders));
        app.MapGet("/api/v3/account", pipeline.Endpoint(20, EndpointSecurity.Signed, _ => Answer.Ok(Account())));
        app.MapGet("/api/v3/myTrades", pipeline.Endpoint(20, EndpointSecurity.Signed, MyTrades));
        app.MapPost("/api/v3/userDataStream", pipeline.Endpoint(2, EndpointSecurity.ApiKey, _ =>
            Answer.Ok($"{{\"listenKey\":\"{state.CreateSpotListenKey()}\"}}")));
        app.MapPut("/api/v3/userDataStream", pipeline.Endpoint(2, EndpointSecurity.ApiKey, r =>
            state.KeepAliveSpotListenKey(r.Required("listenKey")) is null ? Answer.Error(SimError.ListenKeyMissing) : Answer.Ok("{}")));
        app.MapDelete("/api/v3/userDataStream", pipeline.Endpoint(2, EndpointSecurity.ApiKey, r =>
            state.CloseSpotListenKey(r.Required("listenKey")) ? Answer.Ok("{}") : Answer.Error(SimError.ListenKeyMissing)));
    }

    private Answer Place(BinanceRequest r)
    {
        var respType = r.Get("newOrderRespType")?.ToUpperInvariant() ?? "FULL"; // Binance: FULL for MARKET and LIMIT
        if (respType is not ("ACK" or "RESULT" or "FULL")) return Answer.Error(SimError.BadParameter("newOrderRespType"));
        var p = new SpotOrderParams(r.Symbol(), r.Required("side").ToUpperInvariant(), r.Required("type").ToUpperInvariant(),
            r.Decimal("quantity"), r.Decimal("quoteOrderQty"), r.Decimal("price"), r.Get("timeInForce")?.ToUpperInvariant(), r.Get("newClientOrderId"));
        var (order, error) = Spot.Place(p);
        if (error is not null) return Answer.Error(error);
        return Answer.Ok(JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("symbol", order!.Symbol);
            w.WriteNumber("orderId", order.OrderId);
            w.WriteNumber("orderListId", -1);
            w.WriteString("clientOrderId", order.ClientOrderId);
            w.WriteNumber("transactTime", order.Time);
            if (respType != "ACK")
            {
                WriteOrderBody(w, order);
                w.WriteNumber("workingTime", order.Time);
                w.WriteString("selfTradePreventionMode", "EXPIRE_MAKER");
            }
            if (respType == "FULL")
            {
                w.WriteStartArray("fills");
                foreach (var f in order.Fills)
                {
                    w.WriteStartObject();
                    w.Dec("price", f.Price);
                    w.Dec("qty", f.Quantity);
                    w.Dec("commission", f.Commission);
                    w.WriteString("commissionAsset", f.CommissionAsset);
                    w.WriteNumber("tradeId", f.TradeId);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }));
    }

    private Answer Query(BinanceRequest r)
    {
        var (symbol, id, clientId) = Ref(r);
        var order = Spot.Find(symbol, id, clientId);
        return order is null ? Answer.Error(SimError.OrderDoesNotExist) : Answer.Ok(JsonText.Write(w => WriteOrder(w, order)));
    }

    private Answer Cancel(BinanceRequest r)
    {
        var (symbol, id, clientId) = Ref(r);
        var cancelId = r.Get("newClientOrderId");
        var (order, error) = Spot.Cancel(symbol, id, clientId, cancelId);
        if (error is not null) return Answer.Error(error);
        return Answer.Ok(JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("symbol", order!.Symbol);
            w.WriteString("origClientOrderId", order.ClientOrderId);
            w.WriteNumber("orderId", order.OrderId);
            w.WriteNumber("orderListId", -1);
            w.WriteString("clientOrderId", cancelId ?? $"sim_cancel_{order.OrderId}");
            w.WriteNumber("transactTime", order.UpdateTime);
            WriteOrderBody(w, order);
            w.WriteString("selfTradePreventionMode", "EXPIRE_MAKER");
            w.WriteEndObject();
        }));
    }

    private Answer OpenOrders(BinanceRequest r) => Answer.Ok(JsonText.Write(w =>
    {
        w.WriteStartArray();
        foreach (var o in Spot.OpenOrders(r.Get("symbol")?.ToUpperInvariant())) WriteOrder(w, o);
        w.WriteEndArray();
    }));

    private string Account() => JsonText.Write(w =>
    {
        var fees = Spot.Options.Fees;
        w.WriteStartObject();
        w.WriteNumber("makerCommission", fees.MakerBps);
        w.WriteNumber("takerCommission", fees.TakerBps);
        w.WriteNumber("buyerCommission", 0);
        w.WriteNumber("sellerCommission", 0);
        w.WriteStartObject("commissionRates");
        w.Dec("maker", fees.MakerRate);
        w.Dec("taker", fees.TakerRate);
        w.WriteString("buyer", "0");
        w.WriteString("seller", "0");
        w.WriteEndObject();
        w.WriteBoolean("canTrade", true);
        w.WriteBoolean("canWithdraw", state.Options.ApiRestrictions.EnableWithdrawals);
        w.WriteBoolean("canDeposit", true);
        w.WriteBoolean("brokered", false);
        w.WriteBoolean("requireSelfTradePrevention", false);
        w.WriteBoolean("preventSor", false);
        w.WriteNumber("updateTime", state.TapeNowMs);
        w.WriteString("accountType", "SPOT");
        w.WriteStartArray("balances");
        foreach (var b in Spot.Balances())
        {
            w.WriteStartObject();
            w.WriteString("asset", b.Asset);
            w.Dec("free", b.Free);
            w.Dec("locked", b.Locked);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("permissions");
        w.WriteStringValue("SPOT");
        w.WriteEndArray();
        w.WriteNumber("uid", 354937868);
        w.WriteEndObject();
    });

    private Answer MyTrades(BinanceRequest r)
    {
        var symbol = r.Symbol();
        var orderId = r.Long("orderId");
        var limit = (int)Math.Clamp(r.Long("limit") ?? 500, 1, 1000);
        var rows = Spot.Trades.Where(t => t.Symbol == symbol && (orderId is null || t.OrderId == orderId)).TakeLast(limit);
        return Answer.Ok(JsonText.Write(w =>
        {
            w.WriteStartArray();
            foreach (var t in rows)
            {
                w.WriteStartObject();
                w.WriteString("symbol", t.Symbol);
                w.WriteNumber("id", t.TradeId);
                w.WriteNumber("orderId", t.OrderId);
                w.WriteNumber("orderListId", -1);
                w.Dec("price", t.Price);
                w.Dec("qty", t.Quantity);
                w.Dec("quoteQty", t.QuoteQty);
                w.Dec("commission", t.Commission);
                w.WriteString("commissionAsset", t.CommissionAsset);
                w.WriteNumber("time", t.TimeMs);
                w.WriteBoolean("isBuyer", t.Side == "BUY");
                w.WriteBoolean("isMaker", t.IsMaker);
                w.WriteBoolean("isBestMatch", true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }));
    }

    private static (string Symbol, long? Id, string? ClientId) Ref(BinanceRequest r)
    {
        var symbol = r.Symbol();
        var id = r.Long("orderId");
        var clientId = r.Get("origClientOrderId");
        if (id is null && clientId is null)
            throw new SimRequestException(SimError.Rejected(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"));
        return (symbol, id, clientId);
    }

    /// <summary>The fields a RESULT/FULL placement answer and a cancel answer share with the order query.</summary>
    private static void WriteOrderBody(Utf8JsonWriter w, SpotOrder o)
    {
        w.Dec("price", o.Price);
        w.Dec("origQty", o.OrigQty);
        w.Dec("executedQty", o.ExecutedQty);
        w.Dec("origQuoteOrderQty", o.OrigQuoteOrderQty);
        w.Dec("cummulativeQuoteQty", o.CumQuote);
        w.WriteString("status", o.Status);
        w.WriteString("timeInForce", o.TimeInForce);
        w.WriteString("type", o.Type);
        w.WriteString("side", o.Side);
    }

    /// <summary><c>GET /api/v3/order</c> / <c>openOrders</c> row.</summary>
    private static void WriteOrder(Utf8JsonWriter w, SpotOrder o)
    {
        w.WriteStartObject();
        w.WriteString("symbol", o.Symbol);
        w.WriteNumber("orderId", o.OrderId);
        w.WriteNumber("orderListId", -1);
        w.WriteString("clientOrderId", o.ClientOrderId);
        WriteOrderBody(w, o);
        w.WriteString("stopPrice", "0");
        w.WriteString("icebergQty", "0");
        w.WriteNumber("time", o.Time);
        w.WriteNumber("updateTime", o.UpdateTime);
        w.WriteBoolean("isWorking", true);
        w.WriteNumber("workingTime", o.Time);
        w.WriteString("selfTradePreventionMode", "EXPIRE_MAKER");
        w.WriteEndObject();
    }
}
