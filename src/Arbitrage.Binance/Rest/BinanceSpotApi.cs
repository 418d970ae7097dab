using System.Text.Json;
using Arbitrage.Binance.Rest.Models;

namespace Arbitrage.Binance.Rest;

/// <summary>
/// Spot market data (exchangeInfo, depth), orders and the spot account on <see cref="BinanceRestOptions.SpotRestBaseUrl"/> (<c>/api/v3</c>).
/// Order calls have the same semantics as <see cref="BinanceTradingApi"/>: a placement answered by 503, -1007 or a timeout is
/// <see cref="BinanceErrorKind.UnknownOrderStatus"/> and never retried here — query it by client order id
/// with <see cref="GetOrderAsync"/> first. Refusals are <see cref="BinanceErrorKind.Rejected"/>; <see cref="RejectReason"/>
/// tells the -2010 causes apart.
/// </summary>
public sealed class BinanceSpotApi
{
    private readonly BinanceRestTransport _t;

    internal BinanceSpotApi(BinanceRestTransport transport) => _t = transport;

    private Uri Api => _t.Options.SpotRestBaseUrl;

    /// <summary>
    /// <c>GET /api/v3/exchangeInfo</c>: every pair of the venue (<paramref name="symbols"/> null), or only the named ones
    /// (the <c>symbols=["BTCUSDT","ETHBTC"]</c> parameter; Binance refuses the whole request with -1121 when one is unknown).
    /// Weight 20. Pairs of every status are returned; use <see cref="SpotExchangeInfo.Trading"/> for those that trade.
    /// </summary>
    public Task<BinanceResult<SpotExchangeInfo>> GetExchangeInfoAsync(IReadOnlyCollection<string>? symbols = null, CancellationToken ct = default)
    {
        var p = new RestParameters();
        if (symbols is not null)
        {
            if (symbols.Count == 0)
            {
                throw new ArgumentException("Name at least one symbol, or pass null for the whole venue.", nameof(symbols));
            }

            p.Add("symbols", "[" + string.Join(',', symbols.Select(static s => "\"" + s.ToUpperInvariant() + "\"")) + "]");
        }

        return _t.SendAsync(HttpMethod.Get, Api, "/api/v3/exchangeInfo", p, Security.None, CallKind.Read, static b => SpotExchangeInfoParser.Parse(b), ct);
    }

    /// <summary><c>GET /api/v3/depth</c> (limit 1…5000; weight <see cref="DepthWeight"/>). Spot snapshots carry no event time.</summary>
    public Task<BinanceResult<DepthSnapshot>> GetOrderBookAsync(string symbol, int? limit = null, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Api, "/api/v3/depth", new RestParameters().Add("symbol", symbol).Add("limit", limit),
            Security.None, CallKind.Read, BinanceExchangeDataApi.ParseDepth, ct);

    /// <summary>
    /// Request weight of a spot depth snapshot by its limit (Binance spot REST docs, "Order book"): 1–100 → 5,
    /// 101–500 → 25, 501–1000 → 50, 1001–5000 → 250. Binance's default limit is 100.
    /// </summary>
    public static int DepthWeight(int? limit) => (limit ?? 100) switch
    {
        <= 100 => 5,
        <= 500 => 25,
        <= 1000 => 50,
        _ => 250,
    };

    /// <summary><c>POST /api/v3/order</c>.</summary>
    public Task<BinanceResult<SpotOrderInfo>> PlaceOrderAsync(NewSpotOrder order, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        var p = new RestParameters()
            .Add("symbol", order.Symbol)
            .Add("side", OrderWireNames.Of(order.Side))
            .Add("type", OrderWireNames.Of(order.Type))
            .Add("timeInForce", order.TimeInForce is { } tif ? OrderWireNames.Of(tif) : order.Type == OrderType.Limit ? "GTC" : null)
            .Add("quantity", order.Quantity)
            .Add("quoteOrderQty", order.QuoteOrderQty)
            .Add("price", order.Price)
            .Add("newClientOrderId", order.ClientOrderId)
            .Add("newOrderRespType", order.ResponseType switch
            {
                SpotResponseType.Ack => "ACK",
                SpotResponseType.Result => "RESULT",
                _ => "FULL",
            });
        return _t.SendAsync(HttpMethod.Post, Api, "/api/v3/order", p, Security.Signed, CallKind.PlaceOrder, ParseOrder, ct);
    }

    /// <summary>
    /// LIMIT IOC (or FOK with <paramref name="fillOrKill"/>) of <paramref name="quantity"/> at <paramref name="price"/>, FULL answer:
    /// it takes what the book offers up to the price and expires the rest (FOK: all of it or nothing). Status EXPIRED with
    /// <see cref="SpotOrderInfo.ExecutedQty"/> above zero is a partial fill.
    /// </summary>
    public Task<BinanceResult<SpotOrderInfo>> PlaceImmediateLimitOrderAsync(string symbol, OrderSide side, decimal quantity, decimal price,
        string? clientOrderId, bool fillOrKill = false, CancellationToken ct = default) =>
        PlaceOrderAsync(new NewSpotOrder(symbol, side, OrderType.Limit)
        {
            Quantity = quantity, Price = price, ClientOrderId = clientOrderId, TimeInForce = fillOrKill ? TimeInForce.Fok : TimeInForce.Ioc,
        }, ct);

    /// <summary>MARKET order spending (BUY) or receiving (SELL) <paramref name="quoteOrderQty"/> of the quote asset, FULL answer.</summary>
    public Task<BinanceResult<SpotOrderInfo>> PlaceQuoteMarketOrderAsync(string symbol, OrderSide side, decimal quoteOrderQty, string? clientOrderId,
        CancellationToken ct = default) =>
        PlaceOrderAsync(new NewSpotOrder(symbol, side, OrderType.Market) { QuoteOrderQty = quoteOrderQty, ClientOrderId = clientOrderId }, ct);

    /// <summary>MARKET order of <paramref name="quantity"/> base, FULL answer (fills with commissions).</summary>
    public Task<BinanceResult<SpotOrderInfo>> PlaceMarketOrderAsync(string symbol, OrderSide side, decimal quantity, string? clientOrderId,
        CancellationToken ct = default) =>
        PlaceOrderAsync(new NewSpotOrder(symbol, side, OrderType.Market) { Quantity = quantity, ClientOrderId = clientOrderId }, ct);

    /// <summary><c>GET /api/v3/order</c> by order id or client order id.</summary>
    public Task<BinanceResult<SpotOrderInfo>> GetOrderAsync(OrderRef order, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Api, "/api/v3/order", RefParameters(order), Security.Signed, CallKind.Read, ParseOrder, ct);

    /// <summary><c>DELETE /api/v3/order</c>.</summary>
    public Task<BinanceResult<SpotOrderInfo>> CancelOrderAsync(OrderRef order, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Delete, Api, "/api/v3/order", RefParameters(order), Security.Signed, CallKind.OrderOther, ParseOrder, ct);

    /// <summary><c>GET /api/v3/openOrders</c> (all symbols when <paramref name="symbol"/> is null).</summary>
    public Task<BinanceResult<IReadOnlyList<SpotOrderInfo>>> GetOpenOrdersAsync(string? symbol = null, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Api, "/api/v3/openOrders", new RestParameters().Add("symbol", symbol),
            Security.Signed, CallKind.Read, BinanceExchangeDataApi.ParseList<SpotOrderInfo>, ct);

    /// <summary><c>GET /api/v3/account</c>: balances (free/locked) and commission rates.</summary>
    public Task<BinanceResult<SpotAccountInfo>> GetAccountAsync(CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Api, "/api/v3/account", new RestParameters(), Security.Signed, CallKind.Read,
            b => JsonSerializer.Deserialize<SpotAccountInfo>(b, BinanceRestTransport.Json) ?? throw new JsonException("null account"), ct);

    /// <summary><c>GET /api/v3/myTrades</c> of a symbol (of one order when <paramref name="orderId"/> is given).</summary>
    public Task<BinanceResult<IReadOnlyList<SpotTradeInfo>>> GetMyTradesAsync(string symbol, long? orderId = null, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Api, "/api/v3/myTrades", new RestParameters().Add("symbol", symbol).Add("orderId", orderId),
            Security.Signed, CallKind.Read, BinanceExchangeDataApi.ParseList<SpotTradeInfo>, ct);

    /// <summary><c>POST /api/v3/userDataStream</c>: the spot user-data stream's listenKey (an existing active one is returned again).</summary>
    public Task<BinanceResult<string>> CreateUserDataStreamAsync(CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Post, Api, "/api/v3/userDataStream", new RestParameters(), Security.ApiKey, CallKind.Read, ParseListenKey, ct);

    /// <summary>
    /// <c>PUT /api/v3/userDataStream</c>: extends the key 60 min (Binance asks for every 30 min). Binance answers <c>{}</c>, so the
    /// result is <paramref name="listenKey"/> itself; -1125 (<see cref="BinanceErrorKind.ListenKeyNotFound"/>) means create a new one.
    /// </summary>
    public Task<BinanceResult<string>> KeepAliveUserDataStreamAsync(string listenKey, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Put, Api, "/api/v3/userDataStream", new RestParameters().Add("listenKey", listenKey), Security.ApiKey, CallKind.Read,
            _ => listenKey, ct);

    /// <summary><c>DELETE /api/v3/userDataStream</c>: closes the spot user-data stream.</summary>
    public Task<BinanceResult<bool>> CloseUserDataStreamAsync(string listenKey, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Delete, Api, "/api/v3/userDataStream", new RestParameters().Add("listenKey", listenKey), Security.ApiKey, CallKind.Read,
            _ => true, ct);

    /// <summary>Which refusal a failed spot call was (<see cref="SpotRejectReason.None"/> when it was not a refusal).</summary>
    public static SpotRejectReason RejectReason(BinanceError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.Kind != BinanceErrorKind.Rejected) return SpotRejectReason.None;
        return error.Code switch
        {
            -2010 when error.Message.Contains("insufficient balance", StringComparison.OrdinalIgnoreCase) => SpotRejectReason.InsufficientBalance,
            -2010 when error.Message.Contains("Duplicate order", StringComparison.OrdinalIgnoreCase) => SpotRejectReason.DuplicateOrder,
            -1013 => SpotRejectReason.FilterFailure,
            -1121 => SpotRejectReason.InvalidSymbol,
            _ => SpotRejectReason.Other,
        };
    }

    private static RestParameters RefParameters(OrderRef order)
    {
        if (order.OrderId is null && order.ClientOrderId is null)
            throw new ArgumentException("An order reference needs an order id or a client order id.", nameof(order));
        return new RestParameters().Add("symbol", order.Symbol).Add("orderId", order.OrderId).Add("origClientOrderId", order.ClientOrderId);
    }

    private static string ParseListenKey(byte[] body)
    {
        using var d = JsonDocument.Parse(body);
        return d.RootElement.TryGetProperty("listenKey", out var k) ? k.GetString() ?? "" : "";
    }

    private static SpotOrderInfo ParseOrder(byte[] body) =>
        JsonSerializer.Deserialize<SpotOrderInfo>(body, BinanceRestTransport.Json) ?? throw new JsonException("null order");
}
