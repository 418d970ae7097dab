using System.Text.Json;

namespace Arbitrage.Binance.Protocol;

/// <summary>A <c>forceOrder</c> (liquidation) event: the nested <c>o</c> object flattened.</summary>
public readonly record struct ForceOrderEvent(
    string Symbol, long EventTimeMs, bool IsSell, string OrderType, string TimeInForce, decimal Quantity, decimal Price,
    decimal AveragePrice, string Status, decimal LastFilledQuantity, decimal FilledQuantity, long TradeTimeMs);

/// <summary>Parser and writer of <c>forceOrder</c> frames.</summary>
public static class ForceOrderFrame
{
    public static bool TryParse(ReadOnlySpan<byte> frame, SymbolTable symbols, out ForceOrderEvent evt, out ParseError error)
    {
        var f = new Fields(symbols);
        if (!FrameWalker.TryReadFrame(frame, ref f, out error))
        {
            evt = default;
            return false;
        }

        var o = f.Order;
        evt = new ForceOrderEvent(o.Symbol!, f.EventTime, o.Sell, o.Type ?? "", o.TimeInForce ?? "", o.Qty, o.Price, o.AvgPrice, o.Status ?? "", o.LastQty, o.FilledQty, o.TradeTime);
        return true;
    }

    private struct Fields(SymbolTable symbols) : IFieldReader
    {
        public long EventTime;
        public OrderFields Order = new(symbols);
        private bool _haveOrder;

        public FieldRead Read(ref JsonScanner s, scoped ReadOnlySpan<byte> name, ref ParseError nested)
        {
            switch (FrameWalker.Letter(name))
            {
                case (byte)'e': return FrameWalker.EventType(ref s, "forceOrder"u8);
                case (byte)'E': return FrameWalker.Ok(s.TryReadInt64(out EventTime));
                case (byte)'o': _haveOrder = true; return FrameWalker.Nested(ref s, ref Order, "o", ref nested);
                default: return FrameWalker.Skip(ref s);
            }
        }

        public readonly bool TryComplete(out ParseError error)
        {
            error = _haveOrder ? ParseError.None : ParseError.Missing("o");
            return _haveOrder;
        }
    }

    private struct OrderFields(SymbolTable symbols) : IFieldReader
    {
        public string? Symbol, Type, TimeInForce, Status;
        public bool Sell;
        public decimal Qty, Price, AvgPrice, LastQty, FilledQty;
        public long TradeTime;
        private int _seen; // s S q p

        public FieldRead Read(ref JsonScanner s, scoped ReadOnlySpan<byte> name, ref ParseError nested)
        {
            ReadOnlySpan<byte> text;
            bool ok;
            switch (FrameWalker.Letter(name))
            {
                case (byte)'s': _seen |= 1; return FrameWalker.Symbol(ref s, symbols, ref Symbol);
                case (byte)'S':
                    _seen |= 2;
                    ok = s.TryReadPlainString(out text) && (text.SequenceEqual("SELL"u8) || text.SequenceEqual("BUY"u8));
                    Sell = ok && text[0] == (byte)'S';
                    return FrameWalker.Ok(ok);
                case (byte)'o': ok = s.TryReadPlainString(out text); Type = ok ? symbols.GetOrAdd(text) : null; return FrameWalker.Ok(ok);
                case (byte)'f': ok = s.TryReadPlainString(out text); TimeInForce = ok ? symbols.GetOrAdd(text) : null; return FrameWalker.Ok(ok);
                case (byte)'X': ok = s.TryReadPlainString(out text); Status = ok ? symbols.GetOrAdd(text) : null; return FrameWalker.Ok(ok);
                case (byte)'q': _seen |= 4; return FrameWalker.Ok(s.TryReadDecimal(out Qty));
                case (byte)'p': _seen |= 8; return FrameWalker.Ok(s.TryReadDecimal(out Price));
                case (byte)'l': return FrameWalker.Ok(s.TryReadDecimal(out LastQty));
                case (byte)'z': return FrameWalker.Ok(s.TryReadDecimal(out FilledQty));
                case (byte)'T': return FrameWalker.Ok(s.TryReadInt64(out TradeTime));
                default:
                    return name.SequenceEqual("ap"u8) ? FrameWalker.Ok(s.TryReadDecimal(out AvgPrice)) : FrameWalker.Skip(ref s);
            }
        }

        public readonly bool TryComplete(out ParseError error)
        {
            error = _seen == 15 ? ParseError.None
                : ParseError.Missing((_seen & 1) == 0 ? "s" : (_seen & 2) == 0 ? "S" : (_seen & 4) == 0 ? "q" : "p");
            return _seen == 15;
        }
    }

    public static void WriteJson(Utf8JsonWriter w, in ForceOrderEvent e)
    {
        w.WriteStartObject();
        w.WriteString("e"u8, "forceOrder"u8);
        w.WriteNumber("E"u8, e.EventTimeMs);
        w.WriteStartObject("o"u8);
        w.WriteString("s"u8, e.Symbol);
        w.WriteString("S"u8, e.IsSell ? "SELL"u8 : "BUY"u8);
        w.WriteString("o"u8, e.OrderType);
        w.WriteString("f"u8, e.TimeInForce);
        WireWrite.Decimal(w, "q"u8, e.Quantity);
        WireWrite.Decimal(w, "p"u8, e.Price);
        WireWrite.Decimal(w, "ap"u8, e.AveragePrice);
        w.WriteString("X"u8, e.Status);
        WireWrite.Decimal(w, "l"u8, e.LastFilledQuantity);
        WireWrite.Decimal(w, "z"u8, e.FilledQuantity);
        w.WriteNumber("T"u8, e.TradeTimeMs);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
