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
        evt = default;
        var s = new JsonScanner(frame);
        if (!s.TryEnterPayload(out bool wrapped))
        {
            error = ParseError.Malformed("stream");
            return false;
        }

        if (!s.TryBeginObject())
        {
            error = ParseError.Malformed("{");
            return false;
        }

        long e = 0;
        bool haveOrder = false;
        bool first = true;
        while (true)
        {
            if (!s.TryNextProperty(ref first, out var name, out bool end))
            {
                error = ParseError.Malformed("property");
                return false;
            }

            if (end)
            {
                break;
            }

            bool ok;
            if (name.Length == 1 && name[0] == (byte)'e')
            {
                ok = s.TryReadPlainString(out var type);
                if (ok && !type.SequenceEqual("forceOrder"u8))
                {
                    error = new ParseError(ParseErrorCode.WrongEventType, "e");
                    return false;
                }
            }
            else if (name.Length == 1 && name[0] == (byte)'E')
            {
                ok = s.TryReadInt64(out e);
            }
            else if (name.Length == 1 && name[0] == (byte)'o')
            {
                if (!TryReadOrder(ref s, symbols, out evt, out error))
                {
                    return false;
                }

                ok = haveOrder = true;
            }
            else
            {
                ok = s.TrySkipValue();
            }

            if (!ok)
            {
                error = ParseError.Invalid(WireWrite.FieldName(name));
                return false;
            }
        }

        if (!haveOrder)
        {
            error = ParseError.Missing("o");
            return false;
        }

        if (!s.TryLeavePayload(wrapped))
        {
            error = ParseError.Malformed("trailing");
            return false;
        }

        evt = evt with { EventTimeMs = e };
        error = ParseError.None;
        return true;
    }

    private static bool TryReadOrder(ref JsonScanner s, SymbolTable symbols, out ForceOrderEvent evt, out ParseError error)
    {
        evt = default;
        if (!s.TryBeginObject())
        {
            error = ParseError.Invalid("o");
            return false;
        }

        string? symbol = null, type = null, tif = null, status = null;
        bool sell = false;
        decimal q = 0, p = 0, ap = 0, l = 0, z = 0;
        long t = 0;
        int seen = 0; // s S q p
        bool first = true;
        while (true)
        {
            if (!s.TryNextProperty(ref first, out var name, out bool end))
            {
                error = ParseError.Malformed("o");
                return false;
            }

            if (end)
            {
                break;
            }

            bool ok;
            ReadOnlySpan<byte> text;
            if (name.Length == 1)
            {
                switch (name[0])
                {
                    case (byte)'s':
                        ok = s.TryReadPlainString(out text) && text.Length > 0;
                        if (ok)
                        {
                            symbol = symbols.GetOrAdd(text);
                            seen |= 1;
                        }

                        break;
                    case (byte)'S':
                        ok = s.TryReadPlainString(out text) && (text.SequenceEqual("SELL"u8) || text.SequenceEqual("BUY"u8));
                        sell = ok && text[0] == (byte)'S';
                        seen |= 2;
                        break;
                    case (byte)'o': ok = s.TryReadPlainString(out text); type = ok ? symbols.GetOrAdd(text) : null; break;
                    case (byte)'f': ok = s.TryReadPlainString(out text); tif = ok ? symbols.GetOrAdd(text) : null; break;
                    case (byte)'X': ok = s.TryReadPlainString(out text); status = ok ? symbols.GetOrAdd(text) : null; break;
                    case (byte)'q': ok = s.TryReadDecimal(out q); seen |= 4; break;
                    case (byte)'p': ok = s.TryReadDecimal(out p); seen |= 8; break;
                    case (byte)'l': ok = s.TryReadDecimal(out l); break;
                    case (byte)'z': ok = s.TryReadDecimal(out z); break;
                    case (byte)'T': ok = s.TryReadInt64(out t); break;
                    default: ok = s.TrySkipValue(); break;
                }
            }
            else if (name.Length == 2 && name[0] == (byte)'a' && name[1] == (byte)'p')
            {
                ok = s.TryReadDecimal(out ap);
            }
            else
            {
                ok = s.TrySkipValue();
            }

            if (!ok)
            {
                error = ParseError.Invalid(WireWrite.FieldName(name));
                return false;
            }
        }

        if (seen != 15)
        {
            error = ParseError.Missing((seen & 1) == 0 ? "s" : (seen & 2) == 0 ? "S" : (seen & 4) == 0 ? "q" : "p");
            return false;
        }

        evt = new ForceOrderEvent(symbol!, 0, sell, type ?? "", tif ?? "", q, p, ap, status ?? "", l, z, t);
        error = ParseError.None;
        return true;
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
