using System.Text.Json;

namespace Arbitrage.Binance.Protocol;

/// <summary>A <c>bookTicker</c> event. Spot frames carry no <c>e</c>/<c>E</c>/<c>T</c> (those are 0 then).</summary>
public readonly record struct BookTickerEvent(
    string Symbol, long UpdateId, decimal BidPrice, decimal BidQuantity, decimal AskPrice, decimal AskQuantity,
    long EventTimeMs, long TransactionTimeMs);

/// <summary>Parser and writer of <c>bookTicker</c> frames.</summary>
public static class BookTickerFrame
{
    public static bool TryParse(ReadOnlySpan<byte> frame, SymbolTable symbols, out BookTickerEvent evt, out ParseError error)
    {
        var f = new Fields(symbols);
        if (!FrameWalker.TryReadFrame(frame, ref f, out error))
        {
            evt = default;
            return false;
        }

        evt = new BookTickerEvent(f.Symbol!, f.U, f.Bid, f.BidQty, f.Ask, f.AskQty, f.EventTime, f.TxTime);
        return true;
    }

    private struct Fields(SymbolTable symbols) : IFieldReader
    {
        public string? Symbol;
        public long U, EventTime, TxTime;
        public decimal Bid, BidQty, Ask, AskQty;
        private int _seen; // u s b B a A

        public FieldRead Read(ref JsonScanner s, scoped ReadOnlySpan<byte> name, ref ParseError nested)
        {
            switch (FrameWalker.Letter(name))
            {
                case (byte)'e': return FrameWalker.EventType(ref s, "bookTicker"u8);
                case (byte)'E': return FrameWalker.Ok(s.TryReadInt64(out EventTime));
                case (byte)'T': return FrameWalker.Ok(s.TryReadInt64(out TxTime));
                case (byte)'u': _seen |= 1; return FrameWalker.Ok(s.TryReadInt64(out U));
                case (byte)'s': _seen |= 2; return FrameWalker.Symbol(ref s, symbols, ref Symbol);
                case (byte)'b': _seen |= 4; return FrameWalker.Ok(s.TryReadDecimal(out Bid));
                case (byte)'B': _seen |= 8; return FrameWalker.Ok(s.TryReadDecimal(out BidQty));
                case (byte)'a': _seen |= 16; return FrameWalker.Ok(s.TryReadDecimal(out Ask));
                case (byte)'A': _seen |= 32; return FrameWalker.Ok(s.TryReadDecimal(out AskQty));
                default: return FrameWalker.Skip(ref s);
            }
        }

        public readonly bool TryComplete(out ParseError error)
        {
            error = _seen == 63 ? ParseError.None
                : ParseError.Missing((_seen & 1) == 0 ? "u" : (_seen & 2) == 0 ? "s" : (_seen & 4) == 0 ? "b" : (_seen & 8) == 0 ? "B" : (_seen & 16) == 0 ? "a" : "A");
            return _seen == 63;
        }
    }

    /// <summary>Futures layout when <see cref="BookTickerEvent.EventTimeMs"/> is set, else spot (no e/E/T).</summary>
    public static void WriteJson(Utf8JsonWriter w, in BookTickerEvent e)
    {
        w.WriteStartObject();
        bool futures = e.EventTimeMs != 0;
        if (futures)
        {
            w.WriteString("e"u8, "bookTicker"u8);
        }

        w.WriteNumber("u"u8, e.UpdateId);
        w.WriteString("s"u8, e.Symbol);
        WireWrite.Decimal(w, "b"u8, e.BidPrice);
        WireWrite.Decimal(w, "B"u8, e.BidQuantity);
        WireWrite.Decimal(w, "a"u8, e.AskPrice);
        WireWrite.Decimal(w, "A"u8, e.AskQuantity);
        if (futures)
        {
            w.WriteNumber("T"u8, e.TransactionTimeMs);
            w.WriteNumber("E"u8, e.EventTimeMs);
        }

        w.WriteEndObject();
    }
}
