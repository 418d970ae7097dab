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

        string? symbol = null;
        long u = 0, e = 0, t = 0;
        decimal b = 0, bq = 0, a = 0, aq = 0;
        int seen = 0; // u s b B a A
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
            if (name.Length == 1)
            {
                switch (name[0])
                {
                    case (byte)'e':
                        ok = s.TryReadPlainString(out var type);
                        if (ok && !type.SequenceEqual("bookTicker"u8))
                        {
                            error = new ParseError(ParseErrorCode.WrongEventType, "e");
                            return false;
                        }

                        break;
                    case (byte)'E': ok = s.TryReadInt64(out e); break;
                    case (byte)'T': ok = s.TryReadInt64(out t); break;
                    case (byte)'u': ok = s.TryReadInt64(out u); seen |= 1; break;
                    case (byte)'b': ok = s.TryReadDecimal(out b); seen |= 4; break;
                    case (byte)'B': ok = s.TryReadDecimal(out bq); seen |= 8; break;
                    case (byte)'a': ok = s.TryReadDecimal(out a); seen |= 16; break;
                    case (byte)'A': ok = s.TryReadDecimal(out aq); seen |= 32; break;
                    case (byte)'s':
                        ok = s.TryReadPlainString(out var sym) && sym.Length > 0;
                        if (ok)
                        {
                            symbol = symbols.GetOrAdd(sym);
                            seen |= 2;
                        }

                        break;
                    default: ok = s.TrySkipValue(); break;
                }
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

        if (seen != 63)
        {
            error = ParseError.Missing((seen & 1) == 0 ? "u" : (seen & 2) == 0 ? "s" : (seen & 4) == 0 ? "b" : (seen & 8) == 0 ? "B" : (seen & 16) == 0 ? "a" : "A");
            return false;
        }

        if (!s.TryLeavePayload(wrapped))
        {
            error = ParseError.Malformed("trailing");
            return false;
        }

        evt = new BookTickerEvent(symbol!, u, b, bq, a, aq, e, t);
        error = ParseError.None;
        return true;
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
