using System.Text.Json;
using Arbitrage.Binance.Rest.Models;

namespace Arbitrage.Binance.Rest;

/// <summary>
/// USD-M orders. A placement answered by 503, -1007 or a timeout returns
/// <see cref="BinanceErrorKind.UnknownOrderStatus"/> and is never retried here: query it with
/// <see cref="GetOrderAsync"/> by client order id first.
/// </summary>
public sealed class BinanceTradingApi
{
    private readonly BinanceRestTransport _t;

    internal BinanceTradingApi(BinanceRestTransport transport) => _t = transport;

    private Uri Fapi => _t.Options.UsdmRestBaseUrl;
    private bool ViaAlgo => _t.Options.ConditionalOrders == ConditionalOrderRoute.AlgoOrderEndpoint;

    /// <summary><c>POST /fapi/v1/order</c> (or <c>/fapi/v1/algoOrder</c> for conditional orders when so configured).</summary>
    public Task<BinanceResult<OrderInfo>> PlaceOrderAsync(NewOrder order, CancellationToken ct = default) => PlaceOrderAsync(order, null, ct);

    /// <summary>As <see cref="PlaceOrderAsync(NewOrder, CancellationToken)"/>, waiting <paramref name="timeout"/> instead of the order timeout (and letting the request take as long to arrive: recvWindow, at most 60 s).</summary>
    public Task<BinanceResult<OrderInfo>> PlaceOrderAsync(NewOrder order, TimeSpan? timeout, CancellationToken ct)
    {
        if (order.IsConditional && ViaAlgo) return PlaceAlgoOrderAsync(order, timeout, ct);
        var p = new RestParameters()
            .Add("symbol", order.Symbol)
            .Add("side", OrderWireNames.Of(order.Side))
            .Add("type", OrderWireNames.Of(order.Type))
            .Add("quantity", order.Quantity)
            .Add("price", order.Price)
            .Add("stopPrice", order.StopPrice)
            .Add("timeInForce", order.TimeInForce is { } tif ? OrderWireNames.Of(tif)
                : order.Type == OrderType.Limit ? "GTC" : null)
            .Add("reduceOnly", order.ReduceOnly ? true : null)
            .Add("closePosition", order.ClosePosition ? true : null)
            .Add("newClientOrderId", order.ClientOrderId)
            .Add("newOrderRespType", "RESULT");
        return _t.SendAsync(HttpMethod.Post, Fapi, "/fapi/v1/order", p, Security.Signed, CallKind.PlaceOrder, ParseOrder, ct, timeout);
    }

    /// <summary><c>GET /fapi/v1/order</c> by order id or client order id (also finds algo orders when so configured).</summary>
    public async Task<BinanceResult<OrderInfo>> GetOrderAsync(OrderRef order, CancellationToken ct = default)
    {
        var r = await _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v1/order", RefParameters(order), Security.Signed, CallKind.Read, ParseOrder, ct)
            .ConfigureAwait(false);
        if (r.Success || !ViaAlgo || r.Error.Kind != BinanceErrorKind.OrderNotFound || order.ClientOrderId is null) return r;
        return await _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v1/algoOrder",
            new RestParameters().Add("symbol", order.Symbol).Add("clientAlgoId", order.ClientOrderId),
            Security.Signed, CallKind.Read, ParseAlgoOrder, ct).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /fapi/v1/order</c>.</summary>
    public Task<BinanceResult<OrderInfo>> CancelOrderAsync(OrderRef order, CancellationToken ct = default) => CancelOrderAsync(order, null, ct);

    /// <summary>As <see cref="CancelOrderAsync(OrderRef, CancellationToken)"/>, waiting <paramref name="timeout"/> instead of the order timeout (and letting the request take as long to arrive: recvWindow, at most 60 s).</summary>
    public async Task<BinanceResult<OrderInfo>> CancelOrderAsync(OrderRef order, TimeSpan? timeout, CancellationToken ct)
    {
        var r = await _t.SendAsync(HttpMethod.Delete, Fapi, "/fapi/v1/order", RefParameters(order), Security.Signed, CallKind.OrderOther, ParseOrder, ct, timeout)
            .ConfigureAwait(false);
        if (r.Success || !ViaAlgo || r.Error.Kind != BinanceErrorKind.OrderNotFound || order.ClientOrderId is null) return r;
        return await _t.SendAsync(HttpMethod.Delete, Fapi, "/fapi/v1/algoOrder",
            new RestParameters().Add("symbol", order.Symbol).Add("clientAlgoId", order.ClientOrderId),
            Security.Signed, CallKind.OrderOther, ParseAlgoOrder, ct, timeout).ConfigureAwait(false);
    }

    /// <summary><c>GET /fapi/v1/openOrders</c> (all symbols when <paramref name="symbol"/> is null; weight 40).</summary>
    public Task<BinanceResult<IReadOnlyList<OrderInfo>>> GetOpenOrdersAsync(string? symbol = null, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v1/openOrders", new RestParameters().Add("symbol", symbol),
            Security.Signed, CallKind.Read, BinanceExchangeDataApi.ParseList<OrderInfo>, ct);

    private Task<BinanceResult<OrderInfo>> PlaceAlgoOrderAsync(NewOrder order, TimeSpan? timeout, CancellationToken ct)
    {
        var p = new RestParameters()
            .Add("algoType", "CONDITIONAL")
            .Add("symbol", order.Symbol)
            .Add("side", OrderWireNames.Of(order.Side))
            .Add("type", OrderWireNames.Of(order.Type))
            .Add("quantity", order.Quantity)
            .Add("triggerPrice", order.StopPrice)
            .Add("reduceOnly", order.ReduceOnly ? true : null)
            .Add("closePosition", order.ClosePosition ? true : null)
            .Add("clientAlgoId", order.ClientOrderId);
        return _t.SendAsync(HttpMethod.Post, Fapi, "/fapi/v1/algoOrder", p, Security.Signed, CallKind.PlaceOrder, ParseAlgoOrder, ct, timeout);
    }

    private static RestParameters RefParameters(OrderRef order)
    {
        if (order.OrderId is null && order.ClientOrderId is null)
            throw new ArgumentException("An order reference needs an order id or a client order id.", nameof(order));
        return new RestParameters().Add("symbol", order.Symbol).Add("orderId", order.OrderId).Add("origClientOrderId", order.ClientOrderId);
    }

    private static OrderInfo ParseOrder(byte[] body) =>
        JsonSerializer.Deserialize<OrderInfo>(body, BinanceRestTransport.Json) ?? throw new JsonException("null order");

    /// <summary>An algo order mapped onto <see cref="OrderInfo"/>: algoId → OrderId, clientAlgoId → ClientOrderId, algoStatus → Status.</summary>
    private static OrderInfo ParseAlgoOrder(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        var r = doc.RootElement;
        string S(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        decimal D(string name) => decimal.TryParse(S(name), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : 0m;
        bool B(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
        return new OrderInfo
        {
            OrderId = r.GetProperty("algoId").GetInt64(),
            ClientOrderId = S("clientAlgoId"),
            Symbol = S("symbol"),
            Status = S("algoStatus"),
            Side = S("side"),
            Type = S("orderType"),
            OrigType = S("orderType"),
            TimeInForce = S("timeInForce"),
            StopPrice = D("triggerPrice"),
            Price = D("price"),
            OrigQty = D("quantity"),
            ReduceOnly = B("reduceOnly"),
            ClosePosition = B("closePosition"),
            PositionSide = S("positionSide"),
            UpdateTime = r.TryGetProperty("updateTime", out var u) && u.TryGetInt64(out var ut) ? ut : 0,
        };
    }
}
