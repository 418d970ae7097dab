using Akka;
using Akka.Streams.Dsl;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.MarketData;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Engine.Feeds;

/// <summary>
/// A SymbolActor's stream over Binance's (or the simulator's) WebSocket + REST protocol: trades gap-free
/// across reconnects (<see cref="SymbolFeed"/>), batched when the actor is busy, plus status and
/// non-trade market events.
/// </summary>
public sealed class BinanceSymbolFeedFactory(BinanceStreamOptions options, IAggTradeHistory history, FrameErrorCounter? errors = null) : ISymbolFeedFactory
{
    public Source<SymbolFeedItem, NotUsed> Create(string symbol, long afterAggId)
    {
        var settings = new SymbolFeedSettings(symbol)
        {
            FromAggId = afterAggId == long.MinValue ? null : afterAggId + 1,
        };
        return SymbolFeed.Create(settings, options, history, errors)
            .MapMaterializedValue(_ => NotUsed.Instance)
            // Aggregates only while the actor is slower than the feed: live latency stays one event,
            // a burst or a catch-up becomes a few large batches.
            .Batch(
                4096,
                e => new List<FeedEvent> { e },
                (list, e) =>
                {
                    list.Add(e);
                    return list;
                })
            .SelectMany(ToItems);
    }

    internal static IEnumerable<SymbolFeedItem> ToItems(List<FeedEvent> events)
    {
        var trades = new List<Trade>();
        foreach (var e in events)
        {
            if (e is FeedEvent.TradeEvent t)
            {
                trades.Add(t.Trade);
                continue;
            }

            if (trades.Count > 0)
            {
                yield return new FeedTrades(trades.ToArray(), trades.Count);
                trades.Clear();
            }

            yield return e switch
            {
                FeedEvent.FeedStatusEvent s => new FeedStatusChanged(s.Status == FeedStatus.Connected, $"{s.Connection}: {s.Reason}"),
                FeedEvent.TradeCatchUpEvent c => new FeedCatchUp(c.Phase != CatchUpPhase.Completed, c.NextId, c.Detail),
                FeedEvent.TradeGapEvent g => new FeedTradeGap(g.FirstMissingId, g.LastMissingId, g.Reason),
                _ => new FeedMarketEvent(e),
            };
        }

        if (trades.Count > 0)
        {
            yield return new FeedTrades(trades.ToArray(), trades.Count);
        }
    }
}
