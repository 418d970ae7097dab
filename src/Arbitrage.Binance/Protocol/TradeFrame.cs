using System.Text.Json;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Binance.Protocol;

/// <summary>A raw <c>trade</c> stream event (one fill).</summary>
public readonly record struct TradeEvent(
    string Symbol, long EventTimeMs, long TradeId, decimal Price, decimal Quantity, long TradeTimeMs, bool IsBuyerMaker)
{
    /// <summary>For the indicators a raw trade is an aggTrade of one fill (<c>a := t</c>).</summary>
    public Trade ToTrade() => new(TradeId, (double)Price, (double)Quantity, TradeTimeMs, IsBuyerMaker);
}

/// <summary>Parser and writer of <c>trade</c> frames.</summary>
public static class TradeFrame
{
    public static bool TryParse(ReadOnlySpan<byte> frame, SymbolTable symbols, out TradeEvent evt, out ParseError error)
    {
        var f = new Fields(symbols);
        if (!FrameWalker.TryReadFrame(frame, ref f, out error))
        {
            evt = default;
            return false;
        }

        evt = new TradeEvent(f.Symbol!, f.EventTime, f.Id, f.Price, f.Qty, f.TradeTime, f.Maker);
        return true;
    }

    private struct Fields(SymbolTable symbols) : IFieldReader
    {
        public string? Symbol;
        public long EventTime, Id, TradeTime;
        public decimal Price, Qty;
        public bool Maker;
        private int _seen; // t p q T m s

        public FieldRead Read(ref JsonScanner s, scoped ReadOnlySpan<byte> name, ref ParseError nested)
        {
            switch (FrameWalker.Letter(name))
            {
                case (byte)'e': return FrameWalker.EventType(ref s, "trade"u8);
                case (byte)'E': return FrameWalker.Ok(s.TryReadInt64(out EventTime));
                case (byte)'t': _seen |= 1; return FrameWalker.Ok(s.TryReadInt64(out Id));
                case (byte)'p': _seen |= 2; return FrameWalker.Ok(s.TryReadDecimal(out Price));
                case (byte)'q': _seen |= 4; return FrameWalker.Ok(s.TryReadDecimal(out Qty));
                case (byte)'T': _seen |= 8; return FrameWalker.Ok(s.TryReadInt64(out TradeTime));
                case (byte)'m': _seen |= 16; return FrameWalker.Ok(s.TryReadBool(out Maker));
                case (byte)'s': _seen |= 32; return FrameWalker.Symbol(ref s, symbols, ref Symbol);
                default: return FrameWalker.Skip(ref s);
            }
        }

        public readonly bool TryComplete(out ParseError error)
        {
            error = _seen == 63 ? ParseError.None
                : ParseError.Missing((_seen & 1) == 0 ? "t" : (_seen & 2) == 0 ? "p" : (_seen & 4) == 0 ? "q" : (_seen & 8) == 0 ? "T" : (_seen & 16) == 0 ? "m" : "s");
            return _seen == 63;
        }
    }

    public static void WriteJson(Utf8JsonWriter w, in TradeEvent e)
    {
        w.WriteStartObject();
        w.WriteString("e"u8, "trade"u8);
        w.WriteNumber("E"u8, e.EventTimeMs);
        w.WriteNumber("T"u8, e.TradeTimeMs);
        w.WriteString("s"u8, e.Symbol);
        w.WriteNumber("t"u8, e.TradeId);
        WireWrite.Decimal(w, "p"u8, e.Price);
        WireWrite.Decimal(w, "q"u8, e.Quantity);
        w.WriteBoolean("m"u8, e.IsBuyerMaker);
        w.WriteEndObject();
    }
}
