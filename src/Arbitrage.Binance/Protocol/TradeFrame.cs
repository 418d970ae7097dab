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
        long eventTime = 0, id = 0, tradeTime = 0;
        decimal price = 0, qty = 0;
        bool maker = false;
        int seen = 0; // t p q T m s
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
                        if (ok && !type.SequenceEqual("trade"u8))
                        {
                            error = new ParseError(ParseErrorCode.WrongEventType, "e");
                            return false;
                        }

                        break;
                    case (byte)'E': ok = s.TryReadInt64(out eventTime); break;
                    case (byte)'t': ok = s.TryReadInt64(out id); seen |= 1; break;
                    case (byte)'p': ok = s.TryReadDecimal(out price); seen |= 2; break;
                    case (byte)'q': ok = s.TryReadDecimal(out qty); seen |= 4; break;
                    case (byte)'T': ok = s.TryReadInt64(out tradeTime); seen |= 8; break;
                    case (byte)'m': ok = s.TryReadBool(out maker); seen |= 16; break;
                    case (byte)'s':
                        ok = s.TryReadPlainString(out var sym) && sym.Length > 0;
                        if (ok)
                        {
                            symbol = symbols.GetOrAdd(sym);
                            seen |= 32;
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
            error = ParseError.Missing((seen & 1) == 0 ? "t" : (seen & 2) == 0 ? "p" : (seen & 4) == 0 ? "q" : (seen & 8) == 0 ? "T" : (seen & 16) == 0 ? "m" : "s");
            return false;
        }

        if (!s.TryLeavePayload(wrapped))
        {
            error = ParseError.Malformed("trailing");
            return false;
        }

        evt = new TradeEvent(symbol!, eventTime, id, price, qty, tradeTime, maker);
        error = ParseError.None;
        return true;
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
