using System.Text.Json;

namespace Arbitrage.Binance.Protocol;

/// <summary>A <c>kline</c> event (the nested <c>k</c> object flattened).</summary>
public readonly record struct KlineEvent(
    string Symbol, long EventTimeMs, string Interval, long OpenTimeMs, long CloseTimeMs, long FirstTradeId, long LastTradeId,
    decimal Open, decimal High, decimal Low, decimal Close, decimal Volume, long TradeCount, bool IsClosed,
    decimal QuoteVolume, decimal TakerBuyVolume, decimal TakerBuyQuoteVolume);

/// <summary>Parser and writer of <c>kline</c> frames.</summary>
public static class KlineFrame
{
    public static bool TryParse(ReadOnlySpan<byte> frame, SymbolTable symbols, out KlineEvent evt, out ParseError error)
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
        string? outerSymbol = null;
        bool haveK = false;
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
                if (ok && !type.SequenceEqual("kline"u8))
                {
                    error = new ParseError(ParseErrorCode.WrongEventType, "e");
                    return false;
                }
            }
            else if (name.Length == 1 && name[0] == (byte)'E')
            {
                ok = s.TryReadInt64(out e);
            }
            else if (name.Length == 1 && name[0] == (byte)'s')
            {
                ok = s.TryReadPlainString(out var sym) && sym.Length > 0;
                outerSymbol = ok ? symbols.GetOrAdd(sym) : null;
            }
            else if (name.Length == 1 && name[0] == (byte)'k')
            {
                if (!TryReadK(ref s, symbols, out evt, out error))
                {
                    return false;
                }

                ok = haveK = true;
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

        if (!haveK)
        {
            error = ParseError.Missing("k");
            return false;
        }

        string? symbol = outerSymbol ?? (evt.Symbol.Length > 0 ? evt.Symbol : null);
        if (symbol is null)
        {
            error = ParseError.Missing("s");
            return false;
        }

        if (!s.TryLeavePayload(wrapped))
        {
            error = ParseError.Malformed("trailing");
            return false;
        }

        evt = evt with { Symbol = symbol, EventTimeMs = e };
        error = ParseError.None;
        return true;
    }

    private static bool TryReadK(ref JsonScanner s, SymbolTable symbols, out KlineEvent evt, out ParseError error)
    {
        evt = default;
        if (!s.TryBeginObject())
        {
            error = ParseError.Invalid("k");
            return false;
        }

        string symbol = "", interval = "";
        long t = 0, tc = 0, f = 0, l = 0, n = 0;
        decimal o = 0, h = 0, lo = 0, c = 0, v = 0, q = 0, vb = 0, qb = 0;
        bool x = false;
        int seen = 0; // t T o h l c v x
        bool first = true;
        while (true)
        {
            if (!s.TryNextProperty(ref first, out var name, out bool end))
            {
                error = ParseError.Malformed("k");
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
                    case (byte)'s': ok = s.TryReadPlainString(out text); symbol = ok && text.Length > 0 ? symbols.GetOrAdd(text) : ""; break;
                    case (byte)'i': ok = s.TryReadPlainString(out text); interval = ok ? symbols.GetOrAdd(text) : ""; break;
                    case (byte)'t': ok = s.TryReadInt64(out t); seen |= 1; break;
                    case (byte)'T': ok = s.TryReadInt64(out tc); seen |= 2; break;
                    case (byte)'f': ok = s.TryReadInt64(out f); break;
                    case (byte)'L': ok = s.TryReadInt64(out l); break;
                    case (byte)'o': ok = s.TryReadDecimal(out o); seen |= 4; break;
                    case (byte)'h': ok = s.TryReadDecimal(out h); seen |= 8; break;
                    case (byte)'l': ok = s.TryReadDecimal(out lo); seen |= 16; break;
                    case (byte)'c': ok = s.TryReadDecimal(out c); seen |= 32; break;
                    case (byte)'v': ok = s.TryReadDecimal(out v); seen |= 64; break;
                    case (byte)'x': ok = s.TryReadBool(out x); seen |= 128; break;
                    case (byte)'n': ok = s.TryReadInt64(out n); break;
                    case (byte)'q': ok = s.TryReadDecimal(out q); break;
                    case (byte)'V': ok = s.TryReadDecimal(out vb); break;
                    case (byte)'Q': ok = s.TryReadDecimal(out qb); break;
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

        if (seen != 255)
        {
            error = ParseError.Missing("k");
            return false;
        }

        evt = new KlineEvent(symbol, 0, interval, t, tc, f, l, o, h, lo, c, v, n, x, q, vb, qb);
        error = ParseError.None;
        return true;
    }

    public static void WriteJson(Utf8JsonWriter w, in KlineEvent e)
    {
        w.WriteStartObject();
        w.WriteString("e"u8, "kline"u8);
        w.WriteNumber("E"u8, e.EventTimeMs);
        w.WriteString("s"u8, e.Symbol);
        w.WriteStartObject("k"u8);
        w.WriteNumber("t"u8, e.OpenTimeMs);
        w.WriteNumber("T"u8, e.CloseTimeMs);
        w.WriteString("s"u8, e.Symbol);
        w.WriteString("i"u8, e.Interval);
        w.WriteNumber("f"u8, e.FirstTradeId);
        w.WriteNumber("L"u8, e.LastTradeId);
        WireWrite.Decimal(w, "o"u8, e.Open);
        WireWrite.Decimal(w, "c"u8, e.Close);
        WireWrite.Decimal(w, "h"u8, e.High);
        WireWrite.Decimal(w, "l"u8, e.Low);
        WireWrite.Decimal(w, "v"u8, e.Volume);
        w.WriteNumber("n"u8, e.TradeCount);
        w.WriteBoolean("x"u8, e.IsClosed);
        WireWrite.Decimal(w, "q"u8, e.QuoteVolume);
        WireWrite.Decimal(w, "V"u8, e.TakerBuyVolume);
        WireWrite.Decimal(w, "Q"u8, e.TakerBuyQuoteVolume);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
