using Arbitrage.Core.Indicators;
using Arbitrage.Core.MarketData;
using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Symbols;

/// <summary>Every message for a SymbolActor names its symbol: the shard entity id.</summary>
public interface ISymbolMessage
{
    string Symbol { get; }
}

/// <summary>
/// Trades for one symbol, in feed order; <paramref name="Count"/> of <paramref name="Trades"/> are valid.
/// Batches keep the actor hop off the per-trade path. Trades with an agg id at or below the last one
/// ingested are dropped (exactly-once across reconnects and recovery). Answered with <see cref="TradeBatchAck"/>.
/// </summary>
[Manifest("symbol-trade-batch.v1")]
public sealed record TradeBatch(string Symbol, Trade[] Trades, int Count, long Sequence) : ISymbolMessage, IWireMessage;

/// <summary>The batch was ingested; <paramref name="Ticks"/> evaluation ticks were published.</summary>
[Manifest("symbol-trade-batch-ack.v1")]
public sealed record TradeBatchAck(string Symbol, long Sequence, int Ticks, long LastAggId) : IWireMessage;

/// <summary>Event time moved on without a trade (a silent live feed's heartbeat, a backtest's tape clock): evaluates the ticks now due.</summary>
[Manifest("symbol-advance-clock.v1")]
public sealed record AdvanceClock(string Symbol, long NowMs) : ISymbolMessage, IWireMessage;

/// <summary>
/// End of a finite feed (replay): the actor publishes <see cref="IndicatorStreamEnded"/> after every
/// tick it published, so subscribers know they have seen everything. Answered with the same message type.
/// </summary>
[Manifest("symbol-end-of-feed.v1")]
public sealed record EndOfFeed(string Symbol) : ISymbolMessage, IWireMessage;

/// <summary>Save an Akka snapshot now; answered with <see cref="SnapshotTaken"/>.</summary>
[Manifest("symbol-take-snapshot.v1")]
public sealed record TakeSnapshot(string Symbol) : ISymbolMessage, IWireMessage;

[Manifest("symbol-snapshot-taken.v1")]
public sealed record SnapshotTaken(string Symbol, long LastAggId, long Trades) : IWireMessage;

/// <summary>Current indicator values; answered with <see cref="SymbolIndicatorsReply"/>.</summary>
[Manifest("get-symbol-indicators.v1")]
public sealed record GetSymbolIndicators(string Symbol) : ISymbolMessage, IWireMessage;

/// <summary>
/// Answer to <see cref="GetSymbolIndicators"/>. Its askers (<c>/api/health</c>, the indicators endpoint) wait seconds; while
/// the shard region starts, the answer can come later, to an asker that gave up: expected, so not a logged dead letter.
/// <paramref name="FeedStatus"/>: <c>connected</c>, <c>catching up: …</c>, <c>down: …</c>, … <paramref name="TradeGaps"/> and
/// <paramref name="MissingTrades"/> count the agg-id ranges the exchange would not serve since this incarnation started;
/// <paramref name="LastTradeGap"/> describes the latest (<c>ids A-B (N trades): reason</c>).
/// </summary>
[Manifest("symbol-indicators-reply.v1")]
public sealed record SymbolIndicatorsReply(
    string Symbol, IndicatorValues? Last, long Trades, long LastAggId, string FeedStatus,
    long TradeGaps = 0, long MissingTrades = 0, string? LastTradeGap = null) : IWireMessage, Akka.Event.IDeadLetterSuppression;

/// <summary>
/// Answer of the <c>symbol</c> region to any <see cref="ISymbolMessage"/> naming a symbol that is not configured: no
/// entity with state or feed exists for it (<see cref="UnconfiguredSymbolActor"/>). Like
/// <see cref="SymbolIndicatorsReply"/>, it may reach an asker that gave up: not a logged dead letter.
/// </summary>
[Manifest("symbol-not-configured.v1")]
public sealed record SymbolNotConfigured(string Symbol, IReadOnlyList<string> Configured) : IWireMessage, Akka.Event.IDeadLetterSuppression;

/// <summary>One evaluation tick, published on <c>indicators</c> and <c>indicators.SYMBOL</c> (alone, or in an <see cref="IndicatorSnapshotBatch"/>).</summary>
[Manifest("indicator-snapshot.v1")]
public sealed record IndicatorSnapshot(string Symbol, IndicatorValues Values) : IWireMessage;

/// <summary>
/// The ticks one ingest produced when it produced several (a replay's batch of trades, a live catch-up), in tick order:
/// one pub-sub hop per ingest. Subscribers handle it as its snapshots one after the other.
/// </summary>
[Manifest("indicator-snapshot-batch.v1")]
public sealed record IndicatorSnapshotBatch(string Symbol, IReadOnlyList<IndicatorSnapshot> Snapshots) : IWireMessage;

/// <summary>Published after the last tick of a finite feed.</summary>
[Manifest("indicator-stream-ended.v1")]
public sealed record IndicatorStreamEnded(string Symbol, long Trades) : IWireMessage;

/// <summary>The SymbolActor's snapshot: the exact indicator state plus the exactly-once cursor.</summary>
[Manifest("symbol-state.v1")]
public sealed record SymbolActorState(string Symbol, long LastAggId, long Trades, SymbolIndicatorsState Indicators) : IPersistedSnapshot;
