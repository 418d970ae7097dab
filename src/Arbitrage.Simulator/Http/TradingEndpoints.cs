using System.Text.Json;
using Arbitrage.Simulator.Exchange;

namespace Arbitrage.Simulator.Http;

/// <summary>Signed USD-M order endpoints: <c>/fapi/v1/order</c>, <c>/fapi/v1/openOrders</c> and the 2026 <c>/fapi/v1/algoOrder</c>.</summary>
public sealed class TradingEndpoints(SimulatorState state, RestPipeline pipeline)
{
    private SimExchange Exchange => state.Exchange;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/fapi/v1/order", pipeline.Endpoint(1, EndpointSecurity.Signed, r => Place(r, algo: false), placesOrder: true));
        app.MapGet("/fapi/v1/order", pipeline.Endpoint(1, EndpointSecurity.Signed, Query));
        app.MapDelete("/fapi/v1/order", pipeline.Endpoint(1, EndpointSecurity.Signed, Cancel, placesOrder: false));
        app.MapGet("/fapi/v1/openOrders", pipeline.Endpoint(1, EndpointSecurity.Signed, OpenOrders));
        app.MapGet("/fapi/v1/allOrders", pipeline.Endpoint(5, EndpointSecurity.Signed, AllOrders));
        app.MapPost("/fapi/v1/algoOrder", pipeline.Endpoint(1, EndpointSecurity.Signed, r => Place(r, algo: true), placesOrder: true));
        app.MapGet("/fapi/v1/algoOrder", pipeline.Endpoint(1, EndpointSecurity.Signed, QueryAlgo));
        app.MapDelete("/fapi/v1/algoOrder", pipeline.Endpoint(1, EndpointSecurity.Signed, CancelAlgo));
        app.MapGet("/fapi/v1/openAlgoOrders", pipeline.Endpoint(1, EndpointSecurity.Signed, r =>
            Answer.Ok(JsonText.Write(w => { w.WriteStartArray(); foreach (var o in Exchange.OpenOrders(r.Get("symbol")?.ToUpperInvariant(), algo: true)) WriteAlgo(w, o); w.WriteEndArray(); }))));
    }

    private Answer Place(BinanceRequest r, bool algo)
    {
        if (algo && r.Get("algoType") != "CONDITIONAL") return Answer.Error(SimError.BadParameter("algoType"));
        var type = r.Required("type");
        if (algo && type is not ("STOP_MARKET" or "TAKE_PROFIT_MARKET"))
            return Answer.Error(SimError.Rejected(-1116, "Invalid orderType."));
        if (!algo && type is "STOP_MARKET" or "TAKE_PROFIT_MARKET" && r.Get("stopPrice") is null)
            return Answer.Error(SimError.Mandatory("stopPrice"));
        if (r.Get("positionSide") is { } ps && ps != "BOTH")
            return Answer.Error(SimError.Rejected(-4061, "Order's position side does not match user's setting."));
        var p = new OrderParams(
            r.Symbol(), r.Required("side"), type,
            r.Decimal("quantity"), r.Decimal("price"), algo ? r.Decimal("triggerPrice") : r.Decimal("stopPrice"),
            r.Get("timeInForce"), r.Bool("reduceOnly"), r.Bool("closePosition"),
            algo ? r.Get("clientAlgoId") : r.Get("newClientOrderId"), algo);
        var (order, error) = Exchange.Place(p);
        if (error is not null) return Answer.Error(error);
        return Answer.Ok(JsonText.Write(w => { if (algo) WriteAlgo(w, order!); else WriteOrder(w, order!); }));
    }

    private Answer Query(BinanceRequest r)
    {
        var (symbol, id, clientId) = Ref(r, "orderId", "origClientOrderId");
        var order = Exchange.Find(symbol, id, clientId);
        return order is null ? Answer.Error(SimError.OrderDoesNotExist) : Answer.Ok(JsonText.Write(w => WriteOrder(w, order)));
    }

    private Answer Cancel(BinanceRequest r)
    {
        var (symbol, id, clientId) = Ref(r, "orderId", "origClientOrderId");
        var (order, error) = Exchange.Cancel(symbol, id, clientId);
        return error is not null ? Answer.Error(error) : Answer.Ok(JsonText.Write(w => WriteOrder(w, order!)));
    }

    private Answer QueryAlgo(BinanceRequest r)
    {
        var (symbol, id, clientId) = Ref(r, "algoId", "clientAlgoId", symbolRequired: false);
        var order = symbol.Length > 0
            ? Exchange.Find(symbol, id, clientId, algo: true)
            : Exchange.Orders.LastOrDefault(o => o.IsAlgo && (id is { } i ? o.OrderId == i : o.ClientOrderId == clientId));
        return order is null ? Answer.Error(SimError.OrderDoesNotExist) : Answer.Ok(JsonText.Write(w => WriteAlgo(w, order)));
    }

    private Answer CancelAlgo(BinanceRequest r)
    {
        var (symbol, id, clientId) = Ref(r, "algoId", "clientAlgoId", symbolRequired: false);
        var target = Exchange.Orders.LastOrDefault(o => o.IsAlgo && (symbol.Length == 0 || o.Symbol == symbol)
            && (id is { } i ? o.OrderId == i : o.ClientOrderId == clientId));
        if (target is null) return Answer.Error(SimError.UnknownOrder);
        var (order, error) = Exchange.Cancel(target.Symbol, target.OrderId, null, algo: true);
        return error is not null ? Answer.Error(error) : Answer.Ok(JsonText.Write(w => WriteAlgo(w, order!)));
    }

    private Answer OpenOrders(BinanceRequest r) => Answer.Ok(JsonText.Write(w =>
    {
        w.WriteStartArray();
        foreach (var o in Exchange.OpenOrders(r.Get("symbol")?.ToUpperInvariant(), algo: false)) WriteOrder(w, o);
        w.WriteEndArray();
    }));

    private Answer AllOrders(BinanceRequest r) => Answer.Ok(JsonText.Write(w =>
    {
        var symbol = r.Symbol();
        w.WriteStartArray();
        foreach (var o in Exchange.Orders.Where(o => o.Symbol == symbol && !o.IsAlgo)) WriteOrder(w, o);
        w.WriteEndArray();
    }));

    private static (string Symbol, long? Id, string? ClientId) Ref(BinanceRequest r, string idName, string clientIdName, bool symbolRequired = true)
    {
        var symbol = symbolRequired ? r.Symbol() : r.Get("symbol")?.ToUpperInvariant() ?? "";
        var id = r.Long(idName);
        var clientId = r.Get(clientIdName);
        if (id is null && clientId is null)
            throw new SimRequestException(SimError.Rejected(-1102, $"Param '{idName}' or '{clientIdName}' must be sent, but both were empty/null!"));
        return (symbol, id, clientId);
    }

    internal static void WriteOrder(Utf8JsonWriter w, SimOrder o)
    {
        w.WriteStartObject();
        w.WriteNumber("orderId", o.OrderId);
        w.WriteString("symbol", o.Symbol);
        w.WriteString("status", o.Status);
        w.WriteString("clientOrderId", o.ClientOrderId);
        w.Dec("price", o.Price);
        w.Dec("avgPrice", o.AvgPrice);
        w.Dec("origQty", o.OrigQty);
        w.Dec("executedQty", o.ExecutedQty);
        w.Dec("cumQty", o.ExecutedQty);
        w.Dec("cumQuote", o.CumQuote);
        w.WriteString("timeInForce", o.TimeInForce);
        w.WriteString("type", o.Type);
        w.WriteBoolean("reduceOnly", o.ReduceOnly);
        w.WriteBoolean("closePosition", o.ClosePosition);
        w.WriteString("side", o.Side);
        w.WriteString("positionSide", "BOTH");
        w.Dec("stopPrice", o.StopPrice);
        w.WriteString("workingType", "CONTRACT_PRICE");
        w.WriteBoolean("priceProtect", false);
        w.WriteString("origType", o.Type);
        w.WriteString("priceMatch", "NONE");
        w.WriteString("selfTradePreventionMode", "NONE");
        w.WriteNumber("goodTillDate", 0);
        w.WriteNumber("time", o.Time);
        w.WriteNumber("updateTime", o.UpdateTime);
        w.WriteEndObject();
    }

    private static void WriteAlgo(Utf8JsonWriter w, SimOrder o)
    {
        w.WriteStartObject();
        w.WriteNumber("algoId", o.OrderId);
        w.WriteString("clientAlgoId", o.ClientOrderId);
        w.WriteString("algoType", "CONDITIONAL");
        w.WriteString("orderType", o.Type);
        w.WriteString("symbol", o.Symbol);
        w.WriteString("side", o.Side);
        w.WriteString("positionSide", "BOTH");
        w.WriteString("timeInForce", o.TimeInForce);
        w.Dec("quantity", o.OrigQty);
        w.WriteString("algoStatus", o.Status);
        w.Dec("triggerPrice", o.StopPrice);
        w.Dec("price", o.Price);
        w.WriteString("workingType", "CONTRACT_PRICE");
        w.WriteBoolean("closePosition", o.ClosePosition);
        w.WriteBoolean("priceProtect", false);
        w.WriteBoolean("reduceOnly", o.ReduceOnly);
        w.Dec("executedQty", o.ExecutedQty);
        w.Dec("avgPrice", o.AvgPrice);
        w.WriteNumber("createTime", o.Time);
        w.WriteNumber("updateTime", o.UpdateTime);
        w.WriteEndObject();
    }
}
