using System.Text.Json;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Binance.Protocol;

/// <summary>An <c>aggTrade</c> stream event. Price/quantity are <c>decimal</c> (exact wire values); <see cref="ToTrade"/> gives the indicators' doubles.</summary>
public readonly record struct AggTradeEvent(
    string Symbol,
    long EventTimeMs,
    long AggId,
    decimal Price,
    decimal Quantity,
    long FirstTradeId,
    long LastTradeId,
    long TradeTimeMs,
    bool IsBuyerMaker)
{
    public Trade ToTrade() => new(AggId, (double)Price, (double)Quantity, TradeTimeMs, IsBuyerMaker);
}

/// <summary>Parser and writer of <c>aggTrade</c> frames (futures and spot; bare or combined-stream).</summary>
public static class AggTradeFrame
{
    /// <summary>
    /// Parses a bare or combined-stream aggTrade frame. Binance's own compact layout takes a fast path
    /// (<see cref="CompactFrame"/>); anything else — whitespace, other key orders with unknown keys,
    /// escapes, quoted integers, malformed input — goes through the general scanner, which gives the
    /// same value or the precise error.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, SymbolTable symbols, out AggTradeEvent evt, out ParseError error)
    {
        if (TryParseCompact(frame, symbols, out evt))
        {
            error = ParseError.None;
            return true;
        }

        return TryParseGeneral(frame, symbols, out evt, out error);
    }

    /// <summary>The fast path alone: true only for the plain compact layout (tests compare it with the general parser).</summary>
    internal static bool TryParseCompact(ReadOnlySpan<byte> f, SymbolTable symbols, out AggTradeEvent evt)
    {
        evt = default;
        int p = CompactFrame.PayloadStart(f, out bool wrapped);
        if (p < 0 || f[p] != (byte)'{')
        {
            return false;
        }

        p++;
        string? symbol = null;
        long eventTime = 0, aggId = 0, firstId = 0, lastId = 0, tradeTime = 0;
        decimal price = 0, qty = 0;
        bool maker = false;
        int seen = 0; // a p q T m s | e E f l M
        while (true)
        {
            int bit;
            bool ok;
            switch (CompactFrame.Key(f, ref p))
            {
                case (byte)'e':
                    bit = 64;
                    ok = f[p..].StartsWith("\"aggTrade\""u8);
                    p += 10;
                    break;
                case (byte)'E': bit = 128; ok = CompactFrame.Int64(f, ref p, out eventTime); break;
                case (byte)'a': bit = 1; ok = CompactFrame.Int64(f, ref p, out aggId); break;
                case (byte)'p': bit = 2; ok = CompactFrame.QuotedDecimal(f, ref p, out price); break;
                case (byte)'q': bit = 4; ok = CompactFrame.QuotedDecimal(f, ref p, out qty); break;
                case (byte)'f': bit = 256; ok = CompactFrame.Int64(f, ref p, out firstId); break;
                case (byte)'l': bit = 512; ok = CompactFrame.Int64(f, ref p, out lastId); break;
                case (byte)'T': bit = 8; ok = CompactFrame.Int64(f, ref p, out tradeTime); break;
                case (byte)'m': bit = 16; ok = CompactFrame.Bool(f, ref p, out maker); break;
                case (byte)'M': bit = 1024; ok = CompactFrame.Bool(f, ref p, out _); break;
                case (byte)'s':
                    bit = 32;
                    ok = CompactFrame.PlainString(f, ref p, out var sym) && sym.Length > 0;
                    if (ok)
                    {
                        symbol = symbols.GetOrAdd(sym);
                    }

                    break;
                default:
                    return false;
            }

            if (!ok || (seen & bit) != 0 || !CompactFrame.Next(f, ref p, wrapped, out bool end))
            {
                return false;
            }

            seen |= bit;
            if (end)
            {
                break;
            }
        }

        if ((seen & 63) != 63)
        {
            return false;
        }

        evt = new AggTradeEvent(symbol!, eventTime, aggId, price, qty, firstId, lastId, tradeTime, maker);
        return true;
    }

    /// <summary>The general parser: any whitespace, key order, unknown fields, quoted or bare numbers.</summary>
    internal static bool TryParseGeneral(ReadOnlySpan<byte> frame, SymbolTable symbols, out AggTradeEvent evt, out ParseError error)
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
        long eventTime = 0, aggId = 0, firstId = 0, lastId = 0, tradeTime = 0;
        decimal price = 0, qty = 0;
        bool maker = false;
        int seen = 0; // bit set of required fields: a p q T m s
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
                        if (ok && !type.SequenceEqual("aggTrade"u8))
                        {
                            error = new ParseError(ParseErrorCode.WrongEventType, "e");
                            return false;
                        }

                        break;
                    case (byte)'E': ok = s.TryReadInt64(out eventTime); break;
                    case (byte)'a': ok = s.TryReadInt64(out aggId); seen |= 1; break;
                    case (byte)'p': ok = s.TryReadDecimal(out price); seen |= 2; break;
                    case (byte)'q': ok = s.TryReadDecimal(out qty); seen |= 4; break;
                    case (byte)'f': ok = s.TryReadInt64(out firstId); break;
                    case (byte)'l': ok = s.TryReadInt64(out lastId); break;
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
                error = ParseError.Invalid(FieldName(name));
                return false;
            }
        }

        if (seen != 63)
        {
            error = ParseError.Missing(MissingName(seen));
            return false;
        }

        if (!s.TryLeavePayload(wrapped))
        {
            error = ParseError.Malformed("trailing");
            return false;
        }

        evt = new AggTradeEvent(symbol!, eventTime, aggId, price, qty, firstId, lastId, tradeTime, maker);
        error = ParseError.None;
        return true;
    }

    /// <summary>Writes the futures layout <c>{"e":"aggTrade","E",..,"s","a","p","q","f","l","T","m"}</c>.</summary>
    public static void WriteJson(Utf8JsonWriter w, in AggTradeEvent e)
    {
        w.WriteStartObject();
        w.WriteString("e"u8, "aggTrade"u8);
        w.WriteNumber("E"u8, e.EventTimeMs);
        w.WriteString("s"u8, e.Symbol);
        w.WriteNumber("a"u8, e.AggId);
        WireWrite.Decimal(w, "p"u8, e.Price);
        WireWrite.Decimal(w, "q"u8, e.Quantity);
        w.WriteNumber("f"u8, e.FirstTradeId);
        w.WriteNumber("l"u8, e.LastTradeId);
        w.WriteNumber("T"u8, e.TradeTimeMs);
        w.WriteBoolean("m"u8, e.IsBuyerMaker);
        w.WriteEndObject();
    }

    private static string MissingName(int seen) =>
        (seen & 1) == 0 ? "a" : (seen & 2) == 0 ? "p" : (seen & 4) == 0 ? "q" : (seen & 8) == 0 ? "T" : (seen & 16) == 0 ? "m" : "s";

    internal static string FieldName(ReadOnlySpan<byte> name) => WireWrite.FieldName(name);
}
