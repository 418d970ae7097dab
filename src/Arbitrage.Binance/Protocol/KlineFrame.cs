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
        var f = new Fields(symbols);
        if (!FrameWalker.TryReadFrame(frame, ref f, out error))
        {
            evt = default;
            return false;
        }

        var k = f.K;
        evt = new KlineEvent(f.Symbol!, f.EventTime, k.Interval, k.Open, k.Close, k.FirstId, k.LastId, k.O, k.H, k.L, k.C, k.V, k.Count, k.IsClosed, k.Q, k.TakerV, k.TakerQ);
        return true;
    }

    private struct Fields(SymbolTable symbols) : IFieldReader
    {
        public long EventTime;
        public string? Symbol;
        public KFields K = new(symbols);
        private bool _haveK;

        public FieldRead Read(ref JsonScanner s, scoped ReadOnlySpan<byte> name, ref ParseError nested)
        {
            switch (FrameWalker.Letter(name))
            {
                case (byte)'e': return FrameWalker.EventType(ref s, "kline"u8);
                case (byte)'E': return FrameWalker.Ok(s.TryReadInt64(out EventTime));
                case (byte)'s': return FrameWalker.Symbol(ref s, symbols, ref Symbol);
                case (byte)'k': _haveK = true; return FrameWalker.Nested(ref s, ref K, "k", ref nested);
                default: return FrameWalker.Skip(ref s);
            }
        }

        /// <summary>The outer <c>s</c>, else the kline's own.</summary>
        public bool TryComplete(out ParseError error)
        {
            Symbol ??= K.Symbol.Length > 0 ? K.Symbol : null;
            error = !_haveK ? ParseError.Missing("k") : Symbol is null ? ParseError.Missing("s") : ParseError.None;
            return error.Code == ParseErrorCode.None;
        }
    }

    private struct KFields(SymbolTable symbols) : IFieldReader
    {
        public string Symbol = "", Interval = "";
        public long Open, Close, FirstId, LastId, Count;
        public decimal O, H, L, C, V, Q, TakerV, TakerQ;
        public bool IsClosed;
        private int _seen; // t T o h l c v x

        public FieldRead Read(ref JsonScanner s, scoped ReadOnlySpan<byte> name, ref ParseError nested)
        {
            ReadOnlySpan<byte> text;
            bool ok;
            switch (FrameWalker.Letter(name))
            {
                case (byte)'s': ok = s.TryReadPlainString(out text); Symbol = ok && text.Length > 0 ? symbols.GetOrAdd(text) : ""; return FrameWalker.Ok(ok);
                case (byte)'i': ok = s.TryReadPlainString(out text); Interval = ok ? symbols.GetOrAdd(text) : ""; return FrameWalker.Ok(ok);
                case (byte)'t': _seen |= 1; return FrameWalker.Ok(s.TryReadInt64(out Open));
                case (byte)'T': _seen |= 2; return FrameWalker.Ok(s.TryReadInt64(out Close));
                case (byte)'f': return FrameWalker.Ok(s.TryReadInt64(out FirstId));
                case (byte)'L': return FrameWalker.Ok(s.TryReadInt64(out LastId));
                case (byte)'o': _seen |= 4; return FrameWalker.Ok(s.TryReadDecimal(out O));
                case (byte)'h': _seen |= 8; return FrameWalker.Ok(s.TryReadDecimal(out H));
                case (byte)'l': _seen |= 16; return FrameWalker.Ok(s.TryReadDecimal(out L));
                case (byte)'c': _seen |= 32; return FrameWalker.Ok(s.TryReadDecimal(out C));
                case (byte)'v': _seen |= 64; return FrameWalker.Ok(s.TryReadDecimal(out V));
                case (byte)'x': _seen |= 128; return FrameWalker.Ok(s.TryReadBool(out IsClosed));
                case (byte)'n': return FrameWalker.Ok(s.TryReadInt64(out Count));
                case (byte)'q': return FrameWalker.Ok(s.TryReadDecimal(out Q));
                case (byte)'V': return FrameWalker.Ok(s.TryReadDecimal(out TakerV));
                case (byte)'Q': return FrameWalker.Ok(s.TryReadDecimal(out TakerQ));
                default: return FrameWalker.Skip(ref s);
            }
        }

        public readonly bool TryComplete(out ParseError error)
        {
            error = _seen == 255 ? ParseError.None : ParseError.Missing("k");
            return _seen == 255;
        }
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
