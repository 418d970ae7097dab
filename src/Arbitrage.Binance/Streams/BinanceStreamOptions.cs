using Arbitrage.Binance.Rest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Arbitrage.Binance.Streams;

/// <summary>Which of Binance's 2026 split WebSocket paths a stream lives on.</summary>
public enum StreamPath
{
    /// <summary><c>/public</c>: depth diffs, bookTicker.</summary>
    Public,
    /// <summary><c>/market</c>: aggTrade, trade, markPrice, kline, forceOrder.</summary>
    Market,
    /// <summary><c>/private</c>: user data (listenKey).</summary>
    Private,
    /// <summary>Binance spot's market streams (one host for every kind: depth, bookTicker, trades).</summary>
    Spot,
}

/// <summary>
/// Where the market-data WebSockets are and how to keep them alive. Defaults are Binance USD-M
/// production; the simulator and testnet need only other base URLs (<see cref="ForSingleOrigin"/>,
/// <see cref="FromRest"/>).
/// <para>
/// Keep-alive: Binance pings every 3 minutes and drops a connection without a pong within 10 minutes.
/// <see cref="System.Net.WebSockets.ClientWebSocket"/> answers protocol-level pings by itself (no code
/// of ours is involved), so that side needs nothing. A half-open TCP connection, however, never errors
/// on its own: <see cref="KeepAliveInterval"/> + <see cref="KeepAliveTimeout"/> make the client send its
/// own pings and abort when no pong comes back, which surfaces as a disconnect and a reconnect.
/// </para>
/// </summary>
public sealed record BinanceStreamOptions
{
    /// <summary>Base of book streams (<c>wss://fstream.binance.com/public</c>).</summary>
    public Uri PublicBaseUrl { get; init; } = new("wss://fstream.binance.com/public");

    /// <summary>Base of trade, mark-price, kline and liquidation streams (<c>wss://fstream.binance.com/market</c>).</summary>
    public Uri MarketBaseUrl { get; init; } = new("wss://fstream.binance.com/market");

    /// <summary>Base of the user-data stream (<c>wss://fstream.binance.com/private</c>).</summary>
    public Uri PrivateBaseUrl { get; init; } = new("wss://fstream.binance.com/private");

    /// <summary>Base of Binance spot's market streams (<c>wss://stream.binance.com:9443</c>).</summary>
    public Uri SpotBaseUrl { get; init; } = new("wss://stream.binance.com:9443");

    /// <summary>
    /// Connection attempts allowed per window, shared by every source given these options (null = no limit).
    /// Binance counts attempts per IP (spot: 300 per 5 minutes, see <see cref="SpotBookFeedSettings"/>); an attempt
    /// waits here for room before it dials, so a flapping network cannot get the IP banned.
    /// </summary>
    public Rest.SlidingWindowBudget? ConnectionAttempts { get; init; }

    /// <summary>First reconnect delay; also the time a connection must live for the back-off to reset (Akka's rule).</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the exponential reconnect delay.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Random extra delay as a fraction of the back-off (0.2 = up to +20 %), so many feeds do not reconnect in step.</summary>
    public double RandomFactor { get; init; } = 0.2;

    /// <summary>Reconnect on our own before Binance's 24 h connection limit cuts us at a time of its choosing.</summary>
    public TimeSpan MaxConnectionAge { get; init; } = TimeSpan.FromHours(23) + TimeSpan.FromMinutes(50);

    /// <summary>How long the TCP + TLS + upgrade handshake may take before the attempt counts as failed.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval of client pings (<see cref="System.Net.WebSockets.ClientWebSocketOptions.KeepAliveInterval"/>).</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long to wait for the pong of a client ping before aborting the connection
    /// (<see cref="System.Net.WebSockets.ClientWebSocketOptions.KeepAliveTimeout"/>);
    /// <see cref="Timeout.InfiniteTimeSpan"/> sends unsolicited pongs instead and never aborts.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Initial size of the buffer a message is assembled in (grown from the pool for larger messages).</summary>
    public int ReceiveBufferSize { get; init; } = 16 * 1024;

    /// <summary>A message larger than this is a protocol error: the connection is dropped and re-opened.</summary>
    public int MaxMessageSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Clock of status-event timestamps and connection ages.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where each connection says, with its stream names and the cause, that it connected, dropped or cannot connect.</summary>
    public ILogger Log { get; init; } = NullLogger.Instance;

    public Uri BaseUrl(StreamPath path) => path switch
    {
        StreamPath.Public => PublicBaseUrl,
        StreamPath.Market => MarketBaseUrl,
        StreamPath.Private => PrivateBaseUrl,
        StreamPath.Spot => SpotBaseUrl,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, null),
    };

    /// <summary>The combined-stream URL <c>{base}/stream?streams=a/b</c>; frames arrive wrapped as <c>{"stream","data"}</c>.</summary>
    public Uri CombinedStreamUrl(StreamPath path, IEnumerable<string> streams)
    {
        var names = string.Join('/', streams);
        if (names.Length == 0)
        {
            throw new ArgumentException("at least one stream name is required", nameof(streams));
        }

        return new Uri($"{BaseUrl(path).ToString().TrimEnd('/')}/stream?streams={names}");
    }

    /// <summary>The stream path a stream name belongs to (<c>btcusdt@depth@100ms</c> → public, <c>btcusdt@aggTrade</c> → market).</summary>
    public static StreamPath PathOf(string stream)
    {
        var at = stream.IndexOf('@', StringComparison.Ordinal);
        var kind = at < 0 ? stream : stream[(at + 1)..];
        return kind.StartsWith("depth", StringComparison.Ordinal) || kind.StartsWith("bookTicker", StringComparison.Ordinal)
            ? StreamPath.Public
            : StreamPath.Market;
    }

    /// <summary>The WebSocket bases configured on the REST options (one place to configure an environment).</summary>
    public static BinanceStreamOptions FromRest(BinanceRestOptions rest) => new()
    {
        PublicBaseUrl = rest.WsPublicBaseUrl,
        MarketBaseUrl = rest.WsMarketBaseUrl,
        PrivateBaseUrl = rest.WsPrivateBaseUrl,
        SpotBaseUrl = rest.WsSpotBaseUrl,
    };

    /// <summary>Every path on one origin (the simulator, a proxy): <c>ws://host:port/public</c> and so on.</summary>
    public static BinanceStreamOptions ForSingleOrigin(Uri origin) => FromRest(BinanceRestOptions.ForSingleOrigin(origin));
}
