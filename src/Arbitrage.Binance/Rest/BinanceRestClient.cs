using Arbitrage.Binance.Signing;

namespace Arbitrage.Binance.Rest;

/// <summary>
/// Binance USD-M futures (and the few spot/sapi calls we need) over REST, grouped like Binance.Net:
/// <see cref="ExchangeData"/>, <see cref="Trading"/>, <see cref="Account"/>. Every call returns a
/// <see cref="BinanceResult{T}"/>. After a 429 calls fail fast until the Retry-After passes; after a
/// 418 every call fails fast with <see cref="BinanceErrorKind.IpBanned"/> and <see cref="Alert"/> fires.
/// </summary>
public sealed class BinanceRestClient : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="handler">Transport to use (tests, proxies); the client does not dispose it.</param>
    public BinanceRestClient(BinanceRestOptions options, BinanceCredentials? credentials = null,
        HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        Options = options;
        var clock = time ?? TimeProvider.System;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan; // per-call timeouts below
        Clock = new ServerClock(clock);
        Limits = new RateLimitGate(clock);
        var transport = new BinanceRestTransport(_http, options, credentials, Clock, Limits, clock, a => Alert?.Invoke(a));
        ExchangeData = new BinanceExchangeDataApi(transport, Clock);
        Trading = new BinanceTradingApi(transport);
        Account = new BinanceAccountApi(transport);
        Spot = new BinanceSpotApi(transport);
    }

    public BinanceRestOptions Options { get; }

    /// <summary>Server-time offset used for signed timestamps; refreshed by <see cref="BinanceExchangeDataApi.SyncServerTimeAsync"/>.</summary>
    public ServerClock Clock { get; }

    /// <summary>Weight and order counters, back-off and ban state.</summary>
    public RateLimitGate Limits { get; }

    public BinanceExchangeDataApi ExchangeData { get; }
    public BinanceTradingApi Trading { get; }
    public BinanceAccountApi Account { get; }

    /// <summary>Spot orders and the spot account (<c>/api/v3</c>).</summary>
    public BinanceSpotApi Spot { get; }

    /// <summary>Raised on 418 (ban), 429 (back-off) and 403 (WAF). Handlers must not block.</summary>
    public event Action<BinanceAlert>? Alert;

    /// <summary>An operator's decision to resume after a 418.</summary>
    public void ClearBan() => Limits.ClearBan();

    public void Dispose() => _http.Dispose();
}
