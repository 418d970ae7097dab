using Akka;
using Akka.Actor;
using Akka.Streams.Dsl;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Engine.Symbols;

/// <summary>What a symbol's market-data stream delivers to its SymbolActor.</summary>
public abstract record SymbolFeedItem : INoSerializationVerificationNeeded;

/// <summary>Trades in feed order (agg ids increasing).</summary>
public sealed record FeedTrades(Trade[] Trades, int Count) : SymbolFeedItem;

/// <summary>A non-trade market event (mark price, liquidation, book ticker) the actor publishes on <c>market-events</c>.</summary>
public sealed record FeedMarketEvent(object Event) : SymbolFeedItem;

/// <summary>The feed connected or dropped; drives /api/health and the stale-data risk rule.</summary>
public sealed record FeedStatusChanged(bool Connected, string Reason) : SymbolFeedItem;

/// <summary>
/// Agg ids from <paramref name="NextId"/> are missing and being fetched (<paramref name="Active"/>), or the gap is
/// closed: while active the actor evaluates no ticks past the gap (no heartbeat) and reports "catching up".
/// </summary>
public sealed record FeedCatchUp(bool Active, long NextId, string Detail) : SymbolFeedItem;

/// <summary>Agg ids the exchange will not serve: the actor reports them loudly (error log, metric, health) and goes on.</summary>
public sealed record FeedTradeGap(long FirstMissingId, long LastMissingId, string Reason) : SymbolFeedItem;

/// <summary>
/// Creates the stream a SymbolActor owns (live Binance, the simulator, ...). It starts after the agg id
/// the actor recovered, so nothing is ingested twice; it is materialised by the actor and moves with its shard.
/// </summary>
public interface ISymbolFeedFactory
{
    Source<SymbolFeedItem, NotUsed> Create(string symbol, long afterAggId);
}
