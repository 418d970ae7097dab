using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Arbitrage.Binance.Protocol;

namespace Arbitrage.Binance.Streams;

/// <summary>What one symbol's feed subscribes to and how it catches up.</summary>
public sealed record SymbolFeedSettings(string Symbol)
{
    /// <summary>Subscribe to <c>trade</c> instead of <c>aggTrade</c> (each fill as a one-fill aggTrade, id = trade id).</summary>
    public bool RawTrades { get; init; }

    /// <summary><c>markPrice@1s</c> (funding).</summary>
    public bool MarkPrice { get; init; } = true;

    /// <summary><c>forceOrder</c> (liquidations).</summary>
    public bool Liquidations { get; init; } = true;

    /// <summary><c>bookTicker</c>; it lives on <c>/public</c>, so this opens a second connection.</summary>
    public bool BookTicker { get; init; }

    /// <summary>First agg id to deliver (a recovering actor passes its snapshot's last id + 1); null = start with the live stream.</summary>
    public long? FromAggId { get; init; }

    /// <summary>REST page size of the catch-up (Binance maximum 1000).</summary>
    public int CatchUpPageSize { get; init; } = 1000;

    /// <summary>
    /// Live events held while catching up; beyond it they are dropped (their trades come from REST later, other
    /// events are lost) so memory stays bounded however long REST makes the catch-up wait.
    /// </summary>
    public int MaxHeldEvents { get; init; } = 200_000;

    /// <summary>First delay after a failed or empty catch-up page; doubles up to <see cref="MaxCatchUpRetryDelay"/>. A rate limit waits for its Retry-After instead.</summary>
    public TimeSpan CatchUpRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxCatchUpRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Answers in a row saying the exchange does not serve the missing ids (a refused request, or no trades before
    /// a held live trade) before the hole is reported as a <see cref="FeedEvent.TradeGapEvent"/>. Rate limits,
    /// server errors, timeouts and lost connections never count: they are retried until they pass.
    /// </summary>
    public int MaxCatchUpAttempts { get; init; } = 10;

    /// <summary>Clock of Retry-After waits, catch-up durations and event timestamps.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The stream names of the <c>/market</c> connection.</summary>
    public IReadOnlyList<string> MarketStreams
    {
        get
        {
            var s = Symbol.ToLowerInvariant();
            var names = new List<string> { s + (RawTrades ? "@trade" : "@aggTrade") };
            if (MarkPrice)
            {
                names.Add(s + "@markPrice@1s");
            }

            if (Liquidations)
            {
                names.Add(s + "@forceOrder");
            }

            return names;
        }
    }
}

/// <summary>
/// One symbol's market data as an Akka.Streams source of <see cref="FeedEvent"/>: trades (gap-free and
/// duplicate-free across reconnects, see <see cref="AggTradeContinuity"/>), mark price, liquidations,
/// book ticker and connection status. Runs until the materialized kill switch is shut down.
/// </summary>
/// <example>
/// Inside the SymbolActor (the stream moves with the shard because the actor owns it):
/// <code>
/// var settings = new SymbolFeedSettings("BTCUSDT") { FromAggId = state.LastAggId + 1 };
/// _killSwitch = SymbolFeed.Create(settings, streamOptions, new RestAggTradeHistory(rest), frameErrors)
///     .ToMaterialized(Sink.ActorRefWithAck&lt;FeedEvent&gt;(Self, FeedInit.Instance, FeedAck.Instance, FeedCompleted.Instance, ex => new FeedFailed(ex)), Keep.Left)
///     .Run(Context.Materializer());
/// // Receive&lt;FeedEvent.TradeEvent&gt;(t => { ...; Sender.Tell(FeedAck.Instance); });  stop: _killSwitch.Shutdown() in PostStop.
/// </code>
/// </example>
public static class SymbolFeed
{
    public static Source<FeedEvent, UniqueKillSwitch> Create(
        SymbolFeedSettings settings, BinanceStreamOptions options, IAggTradeHistory history, FrameErrorCounter? errors = null)
    {
        errors ??= new FrameErrorCounter();
        var market = Decoded(
            BinanceWebSocketSource.Reconnecting(options.CombinedStreamUrl(StreamPath.Market, settings.MarketStreams), options),
            settings.Symbol, "market", errors);
        if (settings.BookTicker)
        {
            var url = options.CombinedStreamUrl(StreamPath.Public, [settings.Symbol.ToLowerInvariant() + "@bookTicker"]);
            market = market.Merge(Decoded(BinanceWebSocketSource.Reconnecting(url, options), settings.Symbol, "public", errors));
        }

        return market
            .Via(new AggTradeContinuity(settings, history))
            .ViaMaterialized(KillSwitches.Single<FeedEvent>(), Keep.Right);
    }

    /// <summary>The feed's processing over any source of raw socket events (a recorded or fake socket, tests).</summary>
    public static Flow<WsEvent, FeedEvent, NotUsed> Flow(
        SymbolFeedSettings settings, IAggTradeHistory history, FrameErrorCounter errors, string connection = "market")
    {
        var decoder = new SymbolFrameDecoder(settings.Symbol, connection, errors);
        return Akka.Streams.Dsl.Flow.Create<WsEvent>()
            .Select(decoder.DecodeOrSkip)
            .Where(static e => e is not FeedEvent.Skip)
            .Via(new AggTradeContinuity(settings, history));
    }

    private static Source<FeedEvent, NotUsed> Decoded(Source<WsEvent, NotUsed> raw, string symbol, string connection, FrameErrorCounter errors)
    {
        var decoder = new SymbolFrameDecoder(symbol, connection, errors);
        return raw.Select(decoder.DecodeOrSkip).Where(static e => e is not FeedEvent.Skip);
    }
}
