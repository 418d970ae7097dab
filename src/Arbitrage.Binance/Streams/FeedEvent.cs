using Arbitrage.Core.Books;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Binance.Streams;

public enum FeedStatus
{
    Connected,
    Disconnected,
}

/// <summary>Where a symbol's trade catch-up stands (see <see cref="FeedEvent.TradeCatchUpEvent"/>).</summary>
public enum CatchUpPhase
{
    /// <summary>Ids are missing (a reconnect, a start from a saved id, a live trade that skipped ids): fetching them.</summary>
    Started,
    /// <summary>A page failed or came back empty; the catch-up retries (the detail says why and when).</summary>
    Waiting,
    /// <summary>The gap is closed (or reported unfillable): the live stream continues.</summary>
    Completed,
}

/// <summary>Why an order book was (re)loaded from a snapshot.</summary>
public enum BookResyncReason
{
    /// <summary>First snapshot after the stream started.</summary>
    Initial,
    /// <summary>The connection was re-opened: diffs in flight were lost.</summary>
    Reconnect,
    /// <summary>The diff sequence broke (futures <c>pu</c> ≠ last <c>u</c>, spot <c>U</c> ≠ last <c>u</c>+1).</summary>
    Gap,
    /// <summary>The snapshot was older than the first buffered diff (or diffs overflowed the buffer): fetched again.</summary>
    StaleSnapshot,
}

/// <summary>
/// What a market-data feed emits for one symbol: a closed union (only the nested records derive from it),
/// so an actor's <c>switch</c> over it is exhaustive in practice. Times <c>*Ms</c> are exchange event times
/// (the engine's clock, §3); <see cref="DateTimeOffset"/> times are local wall-clock observations.
/// </summary>
public abstract record FeedEvent
{
    private FeedEvent()
    {
    }

    /// <summary>Internal marker for "nothing to emit" inside a stage (Akka.Streams elements cannot be null); never leaves the feed.</summary>
    internal sealed record Skip : FeedEvent
    {
        public static readonly Skip Instance = new();
    }

    /// <summary>One aggTrade (a raw <c>trade</c> is an aggTrade of one fill). Delivered once each, in agg-id order, across reconnects.</summary>
    public sealed record TradeEvent(string Symbol, Trade Trade) : FeedEvent;

    /// <summary><c>markPrice@1s</c>: mark and index price, predicted funding rate, next funding time.</summary>
    public sealed record MarkPriceEvent(
        string Symbol, decimal MarkPrice, decimal IndexPrice, decimal FundingRate, long NextFundingTimeMs, long EventTimeMs) : FeedEvent;

    /// <summary><c>forceOrder</c>: a liquidation order; <see cref="IsSell"/> = a long was liquidated.</summary>
    public sealed record LiquidationEvent(
        string Symbol, bool IsSell, decimal Price, decimal AveragePrice, decimal Quantity, long TimeMs, long EventTimeMs) : FeedEvent;

    /// <summary>
    /// Binance's 5-minute futures statistics of one period (<c>/futures/data/*</c>, a <c>futuresMetrics</c> tape frame):
    /// open interest, the top traders' and the global long/short ratios, the taker buy/sell ratio. A series Binance did not
    /// answer for the period is null. <see cref="EventTimeMs"/> is the period's time as Binance stamps it.
    /// </summary>
    public sealed record FuturesMetricsEvent(
        string Symbol, long EventTimeMs, decimal? SumOpenInterest, decimal? TopAccountRatio, decimal? TopPositionRatio,
        decimal? GlobalAccountRatio, decimal? TakerBuySellRatio) : FeedEvent;

    /// <summary>A settled funding rate (<c>/fapi/v1/fundingRate</c>, a <c>fundingRate</c> tape frame) at its funding time.</summary>
    public sealed record FundingSettledEvent(string Symbol, decimal FundingRate, long FundingTimeMs) : FeedEvent;

    /// <summary><c>bookTicker</c>: best bid and ask.</summary>
    public sealed record BookTickerEvent(
        string Symbol, long UpdateId, decimal BidPrice, decimal BidQuantity, decimal AskPrice, decimal AskQuantity, long EventTimeMs) : FeedEvent;

    /// <summary>
    /// A connection of the feed went up or down (<paramref name="Connection"/> names it: <c>market</c>,
    /// <c>public</c>). A node reports "feed down" from these; the feed itself resyncs after them.
    /// </summary>
    public sealed record FeedStatusEvent(
        string Symbol, FeedStatus Status, string Connection, DisconnectKind? Kind, string Reason, DateTimeOffset Time) : FeedEvent;

    /// <summary>
    /// Agg ids the exchange will not serve (a page that starts after the requested id, or the request refused or
    /// answered empty again and again while later live trades are held). Never a rate limit or an outage: those
    /// are waited out. Rare; the consumer reports it loudly, and the indicators' windows have a hole.
    /// </summary>
    public sealed record TradeGapEvent(string Symbol, long FirstMissingId, long LastMissingId, string Reason) : FeedEvent;

    /// <summary>
    /// The trade catch-up started, is waiting (why, and until when), or completed. Between <c>Started</c> and
    /// <c>Completed</c> agg ids from <paramref name="NextId"/> are missing: a consumer holds its event-time clock
    /// (no heartbeat ticks past the gap). <paramref name="LiveId"/> is the first held live trade, when there is one.
    /// </summary>
    public sealed record TradeCatchUpEvent(
        string Symbol, CatchUpPhase Phase, long NextId, long? LiveId, string Detail, DateTimeOffset Time) : FeedEvent;

    /// <summary>The local book after an applied diff (or a snapshot): its top levels, best first.</summary>
    public sealed record BookUpdateEvent(
        string Symbol, long LastUpdateId, long EventTimeMs, IReadOnlyList<PriceLevel> Bids, IReadOnlyList<PriceLevel> Asks) : FeedEvent
    {
        public PriceLevel? BestBid => Bids.Count > 0 ? Bids[0] : null;

        public PriceLevel? BestAsk => Asks.Count > 0 ? Asks[0] : null;
    }

    /// <summary>The book is being reloaded from a REST snapshot; <paramref name="Resyncs"/> counts gap resyncs so far.</summary>
    public sealed record BookResyncEvent(
        string Symbol, BookResyncReason Reason, string Detail, int Resyncs, DateTimeOffset Time) : FeedEvent;

    /// <summary>A snapshot was applied and the buffered diffs replayed: the book is live.</summary>
    public sealed record BookSyncedEvent(string Symbol, long SnapshotUpdateId, long LastUpdateId, int Snapshots, DateTimeOffset Time) : FeedEvent;
}
