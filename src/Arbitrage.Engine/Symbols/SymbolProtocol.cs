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
public sealed record TradeBatch(string Symbol, Trade[] Trades, int Count, long Sequence) : ISymbolMessage;

/// <summary>The batch was ingested; <paramref name="Ticks"/> evaluation ticks were published.</summary>
public sealed record TradeBatchAck(string Symbol, long Sequence, int Ticks, long LastAggId);

/// <summary>Event-time heartbeat (live feed silent): evaluates the ticks now due.</summary>
public sealed record AdvanceClock(string Symbol, long NowMs) : ISymbolMessage;

/// <summary>
/// End of a finite feed (replay): the actor publishes <see cref="IndicatorStreamEnded"/> after every
/// tick it published, so subscribers know they have seen everything. Answered with the same message type.
/// </summary>
public sealed record EndOfFeed(string Symbol) : ISymbolMessage;

/// <summary>Save an Akka snapshot now; answered with <see cref="SnapshotTaken"/>.</summary>
public sealed record TakeSnapshot(string Symbol) : ISymbolMessage;

public sealed record SnapshotTaken(string Symbol, long LastAggId, long Trades);

/// <summary>Current indicator values; answered with <see cref="SymbolIndicatorsReply"/>.</summary>
public sealed record GetSymbolIndicators(string Symbol) : ISymbolMessage;

/// <summary>
/// Answer to <see cref="GetSymbolIndicators"/>. Its askers (<c>/api/health</c>, the indicators endpoint) wait seconds; while
/// the shard region starts, the answer can come later, to an asker that gave up: expected, so not a logged dead letter.
/// </summary>
public sealed record SymbolIndicatorsReply(string Symbol, IndicatorValues? Last, long Trades, long LastAggId, string FeedStatus) : Akka.Event.IDeadLetterSuppression;

/// <summary>Published on <c>indicators</c> and <c>indicators.SYMBOL</c> at every evaluation tick.</summary>
public sealed record IndicatorSnapshot(string Symbol, IndicatorValues Values);

/// <summary>
/// The ticks one ingest produced, in tick order, published instead of one <see cref="IndicatorSnapshot"/> per
/// tick when <see cref="SymbolSettings.PublishTickBatches"/> is on (replay): one pub-sub hop per trade batch.
/// Subscribers handle it as its snapshots one after the other.
/// </summary>
public sealed record IndicatorSnapshotBatch(string Symbol, IReadOnlyList<IndicatorSnapshot> Snapshots);

/// <summary>Published after the last tick of a finite feed.</summary>
public sealed record IndicatorStreamEnded(string Symbol, long Trades);

/// <summary>The SymbolActor's snapshot: the exact indicator state plus the exactly-once cursor.</summary>
[Manifest("symbol-state.v1")]
public sealed record SymbolActorState(string Symbol, long LastAggId, long Trades, SymbolIndicatorsState Indicators) : IPersistedSnapshot;
