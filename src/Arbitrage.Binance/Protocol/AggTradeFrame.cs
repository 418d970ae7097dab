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
        var f = new Fields(symbols);
        if (!FrameWalker.TryReadFrame(frame, ref f, out error))
        {
            evt = default;
            return false;
        }

        evt = new AggTradeEvent(f.Symbol!, f.EventTime, f.AggId, f.Price, f.Qty, f.FirstId, f.LastId, f.TradeTime, f.Maker);
        return true;
    }

    private struct Fields(SymbolTable symbols) : IFieldReader
    {
        public string? Symbol;
        public long EventTime, AggId, FirstId, LastId, TradeTime;
        public decimal Price, Qty;
        public bool Maker;
        private int _seen; // a p q T m s

        public FieldRead Read(ref JsonScanner s, scoped ReadOnlySpan<byte> name, ref ParseError nested)
        {
            switch (FrameWalker.Letter(name))
            {
                case (byte)'e': return FrameWalker.EventType(ref s, "aggTrade"u8);
                case (byte)'E': return FrameWalker.Ok(s.TryReadInt64(out EventTime));
                case (byte)'a': _seen |= 1; return FrameWalker.Ok(s.TryReadInt64(out AggId));
                case (byte)'p': _seen |= 2; return FrameWalker.Ok(s.TryReadDecimal(out Price));
                case (byte)'q': _seen |= 4; return FrameWalker.Ok(s.TryReadDecimal(out Qty));
                case (byte)'f': return FrameWalker.Ok(s.TryReadInt64(out FirstId));
                case (byte)'l': return FrameWalker.Ok(s.TryReadInt64(out LastId));
                case (byte)'T': _seen |= 8; return FrameWalker.Ok(s.TryReadInt64(out TradeTime));
                case (byte)'m': _seen |= 16; return FrameWalker.Ok(s.TryReadBool(out Maker));
                case (byte)'s': _seen |= 32; return FrameWalker.Symbol(ref s, symbols, ref Symbol);
                default: return FrameWalker.Skip(ref s);
            }
        }

        public readonly bool TryComplete(out ParseError error)
        {
            error = _seen == 63 ? ParseError.None
                : ParseError.Missing((_seen & 1) == 0 ? "a" : (_seen & 2) == 0 ? "p" : (_seen & 4) == 0 ? "q" : (_seen & 8) == 0 ? "T" : (_seen & 16) == 0 ? "m" : "s");
            return _seen == 63;
        }
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
}
