using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Arbitrage.Binance.Protocol;
using Arbitrage.Core.Books;

namespace Arbitrage.Binance.Streams;

/// <summary>What <see cref="OrderBookFeed"/> subscribes to and how it syncs.</summary>
public sealed record OrderBookFeedSettings(string Symbol)
{
    /// <summary>Futures (<c>pu</c> chain) or spot (<c>U</c> = last <c>u</c> + 1) sequencing.</summary>
    public DepthSequenceRule Rule { get; init; } = DepthSequenceRule.Futures;

    /// <summary>Diff stream suffix: <c>depth@100ms</c>, <c>depth@500ms</c>, <c>depth</c> (250 ms).</summary>
    public string DepthStream { get; init; } = "depth@100ms";

    /// <summary>REST snapshot depth (futures: 5…1000).</summary>
    public int SnapshotLimit { get; init; } = 1000;

    /// <summary>Levels per side in each <see cref="FeedEvent.BookUpdateEvent"/>.</summary>
    public int TopLevels { get; init; } = 20;

    /// <summary>Diffs buffered while a snapshot is on its way before starting over.</summary>
    public int MaxBufferedDiffs { get; init; } = 20_000;

    /// <summary>First delay before re-fetching a failed or too-old snapshot; doubles up to <see cref="MaxSnapshotRetryDelay"/>.</summary>
    public TimeSpan SnapshotRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxSnapshotRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Clock of resync/synced timestamps.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public string StreamName => Symbol.ToLowerInvariant() + "@" + DepthStream;
}

/// <summary>
/// A local order book as an Akka.Streams source (see <see cref="OrderBookSync"/>): its own
/// <c>/public</c> connection, automatic resync on reconnect and on gaps, top-N updates out.
/// A triangle or funding actor that only needs the latest book can add <c>.Conflate((_, latest) => latest)</c>.
/// </summary>
public static class OrderBookFeed
{
    public static Source<FeedEvent, UniqueKillSwitch> Create(
        OrderBookFeedSettings settings, BinanceStreamOptions options, IDepthSnapshotSource snapshots, FrameErrorCounter? errors = null)
    {
        var url = options.CombinedStreamUrl(StreamPath.Public, [settings.StreamName]);
        return BinanceWebSocketSource.Reconnecting(url, options)
            .Via(Flow(settings, snapshots, errors ?? new FrameErrorCounter()))
            .ViaMaterialized(KillSwitches.Single<FeedEvent>(), Keep.Right);
    }

    /// <summary>The book maintenance over any source of raw socket events.</summary>
    public static Flow<WsEvent, FeedEvent, NotUsed> Flow(OrderBookFeedSettings settings, IDepthSnapshotSource snapshots, FrameErrorCounter errors) =>
        Akka.Streams.Dsl.Flow.FromGraph(new OrderBookSync(settings, snapshots, errors));
}
