using Arbitrage.Binance.Protocol;

namespace Arbitrage.Binance.Streams;

/// <summary>
/// Turns raw socket events of one symbol's connection into <see cref="FeedEvent"/>s: status changes,
/// aggTrade/trade, markPrice, forceOrder, bookTicker. A frame that does not parse is counted (and
/// logged, rate-limited) by the <see cref="FrameErrorCounter"/> and skipped; frames of other symbols
/// and of kinds this feed does not carry are skipped silently. Returns null for skipped frames.
/// </summary>
public sealed class SymbolFrameDecoder(string symbol, string connection, FrameErrorCounter errors, SymbolTable? symbols = null)
{
    private readonly SymbolTable _symbols = symbols ?? SymbolTable.Shared;

    public string Symbol { get; } = symbol.ToUpperInvariant();

    internal FeedEvent DecodeOrSkip(WsEvent e) => Decode(e) ?? FeedEvent.Skip.Instance;

    public FeedEvent? Decode(WsEvent e)
    {
        switch (e)
        {
            case WsConnected c:
                return new FeedEvent.FeedStatusEvent(Symbol, FeedStatus.Connected, connection, null, $"connected to {c.Url} (attempt {c.Attempt})", c.Time);
            case WsDisconnected d:
                return new FeedEvent.FeedStatusEvent(Symbol, FeedStatus.Disconnected, connection, d.Kind, d.Reason, d.Time);
            case WsFrame f:
                using (f)
                {
                    return DecodeFrame(f.Span);
                }

            default:
                return null;
        }
    }

    public FeedEvent? DecodeFrame(ReadOnlySpan<byte> frame)
    {
        ParseError error;
        switch (MarketFrame.Classify(frame))
        {
            case FrameKind.AggTrade:
                if (!AggTradeFrame.TryParse(frame, _symbols, out var agg, out error))
                {
                    break;
                }

                return Mine(agg.Symbol) ? new FeedEvent.TradeEvent(agg.Symbol, agg.ToTrade()) : null;
            case FrameKind.Trade:
                if (!TradeFrame.TryParse(frame, _symbols, out var trade, out error))
                {
                    break;
                }

                return Mine(trade.Symbol) ? new FeedEvent.TradeEvent(trade.Symbol, trade.ToTrade()) : null;
            case FrameKind.MarkPrice:
                if (!MarkPriceFrame.TryParse(frame, _symbols, out var mark, out error))
                {
                    break;
                }

                return Mine(mark.Symbol)
                    ? new FeedEvent.MarkPriceEvent(mark.Symbol, mark.MarkPrice, mark.IndexPrice, mark.FundingRate, mark.NextFundingTimeMs, mark.EventTimeMs)
                    : null;
            case FrameKind.ForceOrder:
                if (!ForceOrderFrame.TryParse(frame, _symbols, out var liq, out error))
                {
                    break;
                }

                return Mine(liq.Symbol)
                    ? new FeedEvent.LiquidationEvent(liq.Symbol, liq.IsSell, liq.Price, liq.AveragePrice, liq.Quantity, liq.TradeTimeMs, liq.EventTimeMs)
                    : null;
            case FrameKind.BookTicker:
                if (!BookTickerFrame.TryParse(frame, _symbols, out var bt, out error))
                {
                    break;
                }

                return Mine(bt.Symbol)
                    ? new FeedEvent.BookTickerEvent(bt.Symbol, bt.UpdateId, bt.BidPrice, bt.BidQuantity, bt.AskPrice, bt.AskQuantity, bt.EventTimeMs)
                    : null;
            case FrameKind.Unknown:
                error = ParseError.Malformed("e");
                break;
            default:
                return null; // a kind this feed does not carry (kline, depth on a shared connection)
        }

        errors.Record(error, frame);
        return null;
    }

    private bool Mine(string frameSymbol) => string.Equals(frameSymbol, Symbol, StringComparison.Ordinal);
}
