namespace Arbitrage.Binance.Rest;

/// <summary>
/// Where Binance is and how patient to be with it. Everything here is configuration; defaults are
/// Binance production. Testnet: USD-M REST <c>https://demo-fapi.binance.com</c> (or
/// <c>https://testnet.binancefuture.com</c>), WS <c>wss://fstream.binancefuture.com</c>; spot testnet
/// REST <c>https://testnet.binance.vision</c>. The simulator serves all of them on one origin, see
/// <see cref="ForSingleOrigin"/>.
/// </summary>
public sealed record BinanceRestOptions
{
    /// <summary>USD-M futures REST (<c>/fapi</c>, <c>/futures/data</c>).</summary>
    public Uri UsdmRestBaseUrl { get; init; } = new("https://fapi.binance.com");

    /// <summary>Spot REST (<c>/api/v3</c>, <c>/sapi/v1</c>).</summary>
    public Uri SpotRestBaseUrl { get; init; } = new("https://api.binance.com");

    /// <summary>USD-M WebSocket base for book streams (2026 split: <c>/public</c>).</summary>
    public Uri WsPublicBaseUrl { get; init; } = new("wss://fstream.binance.com/public");

    /// <summary>USD-M WebSocket base for trade/mark-price/kline/liquidation streams (<c>/market</c>).</summary>
    public Uri WsMarketBaseUrl { get; init; } = new("wss://fstream.binance.com/market");

    /// <summary>USD-M user-data WebSocket base (<c>/private</c>; connect to <c>{base}/ws?listenKey=</c>).</summary>
    public Uri WsPrivateBaseUrl { get; init; } = new("wss://fstream.binance.com/private");

    /// <summary>
    /// Spot market-data WebSocket base (<c>{base}/stream?streams=</c>). Binance also serves it market-data-only at
    /// <c>wss://data-stream.binance.vision</c>; spot testnet: <c>wss://stream.testnet.binance.vision</c>.
    /// </summary>
    public Uri WsSpotBaseUrl { get; init; } = new("wss://stream.binance.com:9443");

    /// <summary>Timeout of market-data and account reads.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of order placement and cancellation; a placement that times out is <see cref="BinanceErrorKind.UnknownOrderStatus"/>.</summary>
    public TimeSpan OrderTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>recvWindow sent with signed calls (Binance default 5000, max 60000).</summary>
    public int RecvWindowMs { get; init; } = 5000;

    /// <summary>Back-off after a 429 that carried no Retry-After header.</summary>
    public TimeSpan DefaultRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Route for STOP_MARKET / TAKE_PROFIT_MARKET: the classic order endpoint, or the 2026 algo-order endpoint.</summary>
    public ConditionalOrderRoute ConditionalOrders { get; init; } = ConditionalOrderRoute.OrderEndpoint;

    /// <summary>Every REST and WS base on one origin (the simulator, or a proxy).</summary>
    public static BinanceRestOptions ForSingleOrigin(Uri origin)
    {
        var ws = new UriBuilder(origin) { Scheme = origin.Scheme == "https" ? "wss" : "ws" }.Uri;
        return new BinanceRestOptions
        {
            UsdmRestBaseUrl = origin,
            SpotRestBaseUrl = origin,
            WsPublicBaseUrl = new Uri(ws, "/public"),
            WsMarketBaseUrl = new Uri(ws, "/market"),
            WsPrivateBaseUrl = new Uri(ws, "/private"),
            WsSpotBaseUrl = new Uri(ws, "/"),
        };
    }
}

public enum ConditionalOrderRoute
{
    /// <summary><c>POST /fapi/v1/order</c> with type STOP_MARKET / TAKE_PROFIT_MARKET.</summary>
    OrderEndpoint,
    /// <summary><c>POST /fapi/v1/algoOrder</c> with <c>algoType=CONDITIONAL</c> (Binance's route since late 2025).</summary>
    AlgoOrderEndpoint,
}
