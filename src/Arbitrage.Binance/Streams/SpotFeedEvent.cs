using Akka.Actor;
using Arbitrage.Core.Books;

namespace Arbitrage.Binance.Streams;

/// <summary>
/// What <see cref="SpotBookFeed"/> emits: a closed union (only the records below derive from it). Times <c>*Ms</c> are
/// exchange event times (the engine's clock); <see cref="DateTimeOffset"/> times are local receive times. The feed runs
/// inside its consumer (the venue's detector), so these never leave the node.
/// </summary>
public abstract record SpotFeedEvent : INoSerializationVerificationNeeded
{
    private protected SpotFeedEvent()
    {
    }
}

/// <summary>What happened to a pair's local book.</summary>
public enum SpotBookEventKind
{
    /// <summary>A REST snapshot was applied and the buffered diffs replayed: the book is usable from here on.</summary>
    Synced,
    /// <summary>A diff was applied to the synchronised book.</summary>
    Update,
    /// <summary>The book is no longer usable (see <see cref="SpotBookEvent.Reason"/>) until the next <see cref="Synced"/>.</summary>
    Unsynced,
}

/// <summary>Why a synchronised book stopped being usable.</summary>
public enum SpotUnsyncedReason
{
    /// <summary>Its connection dropped: diffs in flight are lost; a new snapshot follows the reconnect.</summary>
    Disconnected,
    /// <summary>A diff did not continue the book (<c>U</c> ≠ previous <c>u</c>+1): a new snapshot is on its way.</summary>
    Gap,
}

/// <summary>
/// A pair's local book changed state or content. <see cref="SpotBookEventKind.Synced"/> and <see cref="SpotBookEventKind.Update"/>
/// carry the book after the event, best first, cut to the feed's <c>TopLevels</c> (replace the previous copy with it);
/// <see cref="SpotBookEventKind.Unsynced"/> carries no levels. Between an Unsynced and the next Synced the pair's book
/// must not be used (its cycles are not evaluated).
/// </summary>
/// <param name="EventTimeMs">Exchange time of the diff (Update); of the last replayed diff, else the latest one seen on the
/// connection (Synced: spot snapshots carry no time); of the latest diff seen on the connection (Unsynced). 0 while the
/// connection has carried no diff at all (unknown).</param>
/// <param name="LastUpdateId">The book's update id after the event (0 when Unsynced).</param>
/// <param name="ReceivedAt">Local time the frame (or, for Synced, the snapshot) arrived: the start of update → decision latency.</param>
public sealed record SpotBookEvent(
    SpotBookEventKind Kind,
    string Symbol,
    long EventTimeMs,
    long LastUpdateId,
    IReadOnlyList<PriceLevel> Bids,
    IReadOnlyList<PriceLevel> Asks,
    DateTimeOffset ReceivedAt) : SpotFeedEvent
{
    /// <summary>Set on <see cref="SpotBookEventKind.Unsynced"/>.</summary>
    public SpotUnsyncedReason? Reason { get; init; }

    /// <summary>For people: the dropped connection's cause, or the ids that did not follow.</summary>
    public string? Detail { get; init; }

    /// <summary>Snapshots applied to this pair's book since the feed started (each resync adds one; a stale snapshot too).</summary>
    public int Snapshots { get; init; }

    public bool IsSynced => Kind != SpotBookEventKind.Unsynced;

    public PriceLevel? BestBid => Bids.Count > 0 ? Bids[0] : null;

    public PriceLevel? BestAsk => Asks.Count > 0 ? Asks[0] : null;
}

/// <summary>
/// <c>bookTicker</c>: best bid and ask, pushed on every change (faster than the 100 ms diffs). Spot tickers carry no
/// event time (<see cref="EventTimeMs"/> is 0 then); <see cref="UpdateId"/> is the order book's update id, comparable
/// with <see cref="SpotBookEvent.LastUpdateId"/>. Independent of the book's sync state.
/// </summary>
public sealed record SpotTickerEvent(
    string Symbol, long UpdateId, decimal BidPrice, decimal BidQuantity, decimal AskPrice, decimal AskQuantity, long EventTimeMs,
    DateTimeOffset ReceivedAt) : SpotFeedEvent;

/// <summary>One of the feed's connections went up or down (<paramref name="Connection"/> = its index in the plan).</summary>
public sealed record SpotConnectionEvent(int Connection, bool Connected, IReadOnlyList<string> Symbols, string Detail, DateTimeOffset Time) : SpotFeedEvent;
