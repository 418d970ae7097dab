namespace Arbitrage.Binance.Streams;

/// <summary>One combined-stream connection of a spot feed: its pairs, their stream names and the URL that subscribes them.</summary>
public sealed record SpotConnectionPlan(int Index, IReadOnlyList<string> Symbols, IReadOnlyList<string> Streams, Uri Url);

/// <summary>
/// Splits the streams of many spot pairs over as few combined-stream connections as Binance's limits allow.
/// <para>
/// Subscriptions go in the URL (<c>/stream?streams=a/b/c</c>), never as <c>SUBSCRIBE</c> messages: a connection is
/// then subscribed the moment it opens, a reconnect re-subscribes by construction, and no control message is ever
/// sent, so Binance's limit of 5 incoming messages per second per connection (pings, pongs and JSON requests all
/// count) is left to the keep-alive frames alone. The price is the URL's length: Binance refuses a WebSocket URL
/// longer than about 8 000 characters (8 004 measured by unicorn-binance-websocket-api, issue #17), so a
/// connection carries at most ~350 streams, not 1024 — still only a handful of connections for the whole venue.
/// </para>
/// <para>
/// Binance spot limits (developers.binance.com/docs/binance-spot-api-docs/web-socket-streams, checked 2026):
/// at most 1024 streams per connection; 5 incoming messages per second per connection; 300 connection attempts
/// per 5 minutes per IP (enforced by <see cref="BinanceStreamOptions.ConnectionAttempts"/>); connections live 24 h.
/// </para>
/// A pair's streams (depth and bookTicker) always share a connection, so one drop resyncs both together.
/// </summary>
public static class SpotStreamPlan
{
    /// <summary>Binance spot: "A single connection can listen to a maximum of 1024 streams."</summary>
    public const int MaxStreamsPerConnection = 1024;

    /// <summary>Binance's longest accepted WebSocket URL is about 8 004 characters; stay below it.</summary>
    public const int MaxUrlLength = 8000;

    /// <summary>The connections for <paramref name="settings"/>' pairs on <paramref name="baseUrl"/> (spot: <c>wss://stream.binance.com:9443</c>).</summary>
    public static IReadOnlyList<SpotConnectionPlan> Split(SpotBookFeedSettings settings, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var maxStreams = settings.MaxStreamsPerConnection;
        var maxUrl = settings.MaxUrlLength;
        if (maxStreams is < 1 or > MaxStreamsPerConnection)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), maxStreams, $"MaxStreamsPerConnection must be 1..{MaxStreamsPerConnection} (Binance spot's limit)");
        }

        var prefix = baseUrl.ToString().TrimEnd('/') + "/stream?streams=";
        var plans = new List<SpotConnectionPlan>();
        var symbols = new List<string>();
        var streams = new List<string>();
        var length = prefix.Length;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in settings.Symbols)
        {
            var symbol = raw.Trim().ToUpperInvariant();
            if (symbol.Length == 0 || !seen.Add(symbol))
            {
                continue;
            }

            var own = settings.StreamsOf(symbol);
            var ownLength = own.Sum(static s => s.Length + 1); // each with its '/' separator (one too many for the first)
            if (own.Count > maxStreams || prefix.Length + ownLength - 1 > maxUrl)
            {
                throw new ArgumentException(
                    $"{symbol}: its {own.Count} streams ({string.Join('/', own)}) do not fit one connection of at most {maxStreams} streams and {maxUrl} URL characters",
                    nameof(settings));
            }

            var separator = streams.Count == 0 ? -1 : 0;
            if (streams.Count > 0 && (streams.Count + own.Count > maxStreams || length + ownLength + separator > maxUrl))
            {
                plans.Add(Plan(plans.Count, prefix, symbols, streams));
                symbols = [];
                streams = [];
                length = prefix.Length;
                separator = -1;
            }

            symbols.Add(symbol);
            streams.AddRange(own);
            length += ownLength + separator;
        }

        if (streams.Count > 0)
        {
            plans.Add(Plan(plans.Count, prefix, symbols, streams));
        }

        return plans;
    }

    private static SpotConnectionPlan Plan(int index, string prefix, List<string> symbols, List<string> streams) =>
        new(index, symbols, streams, new Uri(prefix + string.Join('/', streams)));
}
