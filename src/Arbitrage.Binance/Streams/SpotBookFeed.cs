using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Rest;

namespace Arbitrage.Binance.Streams;

/// <summary>Which spot pairs <see cref="SpotBookFeed"/> follows and how.</summary>
/// <param name="Symbols">Exchange symbols (<c>BTCUSDT</c>, <c>ETHBTC</c>); duplicates are ignored.</param>
public sealed record SpotBookFeedSettings(IReadOnlyList<string> Symbols)
{
    /// <summary>Diff stream suffix: <c>depth@100ms</c> (default) or <c>depth</c> (1 s).</summary>
    public string DepthStream { get; init; } = "depth@100ms";

    /// <summary>Also subscribe <c>bookTicker</c> (best bid/ask on every change) for every pair.</summary>
    public bool BookTicker { get; init; } = true;

    /// <summary>
    /// REST snapshot depth. Spot weight grows with it (<see cref="BinanceSpotApi.DepthWeight"/>: 100 → 5, 1000 → 50):
    /// with the default snapshot budget (<see cref="DefaultSnapshotWeightPerMinute"/>) 1000 levels sync 60 pairs a
    /// minute, 100 levels 600. Levels beyond the snapshot are only known as far as diffs have touched them.
    /// </summary>
    public int SnapshotLimit { get; init; } = 1000;

    /// <summary>Levels per side carried by each <see cref="SpotBookEvent"/> (depth walks need enough for their notional).</summary>
    public int TopLevels { get; init; } = 20;

    /// <summary>Streams per connection (Binance spot: at most 1024; smaller values spread the pairs over more connections).</summary>
    public int MaxStreamsPerConnection { get; init; } = SpotStreamPlan.MaxStreamsPerConnection;

    /// <summary>Longest subscription URL (Binance refuses about 8 004 characters and more).</summary>
    public int MaxUrlLength { get; init; } = SpotStreamPlan.MaxUrlLength;

    /// <summary>Diffs buffered per pair while its snapshot is awaited before starting over.</summary>
    public int MaxBufferedDiffs { get; init; } = 20_000;

    /// <summary>
    /// After a (re)connect a pair's snapshot is fetched once its first diff has arrived (so the snapshot cannot predate
    /// the stream, Binance's procedure), or after this long for a pair that stays quiet.
    /// </summary>
    public TimeSpan QuietSyncAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>First delay before re-fetching a failed or too-old snapshot; doubles up to <see cref="MaxSnapshotRetryDelay"/>.</summary>
    public TimeSpan SnapshotRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxSnapshotRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Events queued for a slow consumer before the feed stops reading its sockets.</summary>
    public int MaxQueuedEvents { get; init; } = 4096;

    /// <summary>Clock of the snapshot retry timers' bookkeeping and the connection events' times.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Request weight per minute the snapshots of a feed may use (Binance spot allows 6000 per IP; half is left to
    /// orders, account reads and other feeds). Used by <see cref="SpotBookFeed.RestSnapshots"/>.
    /// </summary>
    public const int DefaultSnapshotWeightPerMinute = 3000;

    /// <summary>Binance spot: "300 connections per attempt every 5 minutes per IP".</summary>
    public const int ConnectionAttemptsPer5Minutes = 300;

    /// <summary>The stream names of one pair (lower-case symbol): its diff stream, then its bookTicker.</summary>
    public IReadOnlyList<string> StreamsOf(string symbol)
    {
        var s = symbol.ToLowerInvariant();
        return BookTicker ? [s + "@" + DepthStream, s + "@bookTicker"] : [s + "@" + DepthStream];
    }
}

/// <summary>
/// Synchronised local books (and book tickers) of many Binance spot pairs as one Akka.Streams source of
/// <see cref="SpotFeedEvent"/>: the pairs are split over combined-stream connections within Binance's limits
/// (<see cref="SpotStreamPlan"/>), each connection reconnecting with back-off (<see cref="BinanceWebSocketSource"/>),
/// each pair's book kept by the spot rule from REST snapshots (<see cref="SpotBookSync"/>), resynchronised after a
/// gap and after a reconnect and reported <see cref="SpotBookEventKind.Unsynced"/> until then.
/// </summary>
/// <example>
/// Inside the venue's detector actor (the stream moves with the actor):
/// <code>
/// var rest = new BinanceRestClient(restOptions);
/// var pairs = (await rest.Spot.GetExchangeInfoAsync(["BTCUSDT", "ETHUSDT", "ETHBTC"])).GetOrThrow().Trading;
/// var settings = new SpotBookFeedSettings(pairs.Select(p => p.Symbol).ToArray()) { TopLevels = 50 };
/// _killSwitch = SpotBookFeed.Create(settings, BinanceStreamOptions.FromRest(restOptions), SpotBookFeed.RestSnapshots(rest))
///     .ToMaterialized(Sink.ActorRefWithAck&lt;SpotFeedEvent&gt;(Self, FeedInit.Instance, FeedAck.Instance, FeedCompleted.Instance, ex => new FeedFailed(ex)), Keep.Left)
///     .Run(Context.Materializer());
/// // Receive&lt;SpotBookEvent&gt;(e => { if (e.IsSynced) books[e.Symbol] = (e.Bids, e.Asks); else books.MarkUnsynced(e.Symbol); ...; Sender.Tell(FeedAck.Instance); });
/// </code>
/// </example>
public static class SpotBookFeed
{
    /// <summary>
    /// The feed; runs until the kill switch is shut down. Unless <paramref name="options"/> carry a
    /// <see cref="BinanceStreamOptions.ConnectionAttempts"/> budget, its connections share one of
    /// <see cref="SpotBookFeedSettings.ConnectionAttemptsPer5Minutes"/> per 5 minutes.
    /// </summary>
    public static Source<SpotFeedEvent, UniqueKillSwitch> Create(
        SpotBookFeedSettings settings, BinanceStreamOptions options, IDepthSnapshotSource snapshots, FrameErrorCounter? errors = null)
    {
        errors ??= new FrameErrorCounter();
        options = options with
        {
            ConnectionAttempts = options.ConnectionAttempts
                ?? new SlidingWindowBudget(SpotBookFeedSettings.ConnectionAttemptsPer5Minutes, TimeSpan.FromMinutes(5), options.Time),
        };
        var plans = SpotStreamPlan.Split(settings, options.BaseUrl(StreamPath.Spot));
        if (plans.Count == 0)
        {
            throw new ArgumentException("a spot book feed needs at least one symbol", nameof(settings));
        }

        var sources = plans
            .Select(p => BinanceWebSocketSource.Reconnecting(p.Url, options).Via(Flow(p, settings, snapshots, errors)))
            .ToArray();
        var merged = sources.Length == 1
            ? sources[0]
            : Source.Combine(sources[0], sources[1], static n => new Merge<SpotFeedEvent>(n), sources[2..]);
        return merged.ViaMaterialized(KillSwitches.Single<SpotFeedEvent>(), Keep.Right);
    }

    /// <summary>One connection's book keeping over any source of raw socket events (a fake socket in tests).</summary>
    public static Flow<WsEvent, SpotFeedEvent, NotUsed> Flow(
        SpotConnectionPlan plan, SpotBookFeedSettings settings, IDepthSnapshotSource snapshots, FrameErrorCounter errors) =>
        Akka.Streams.Dsl.Flow.FromGraph(new SpotBookSync(plan, settings, snapshots, errors));

    /// <summary>
    /// Spot REST snapshots (<c>/api/v3/depth</c>) paced by request weight: all of a feed's pairs draw from
    /// <paramref name="weight"/> (default <see cref="SpotBookFeedSettings.DefaultSnapshotWeightPerMinute"/> per minute),
    /// so a reconnect of many pairs never bursts past Binance's limit.
    /// </summary>
    public static IDepthSnapshotSource RestSnapshots(BinanceRestClient client, SlidingWindowBudget? weight = null) =>
        new PacedDepthSnapshots(
            new SpotRestDepthSnapshots(client),
            weight ?? new SlidingWindowBudget(SpotBookFeedSettings.DefaultSnapshotWeightPerMinute, TimeSpan.FromMinutes(1)),
            static limit => BinanceSpotApi.DepthWeight(limit));
}
