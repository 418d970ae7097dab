using System.Text.Json;

namespace Arbitrage.Binance.Protocol;

/// <summary>A <c>markPriceUpdate</c> event (<c>markPrice@1s</c>): mark/index price, predicted funding rate and next funding time.</summary>
public readonly record struct MarkPriceEvent(
    string Symbol, long EventTimeMs, decimal MarkPrice, decimal IndexPrice, decimal EstimatedSettlePrice,
    decimal FundingRate, long NextFundingTimeMs);

/// <summary>Parser and writer of <c>markPriceUpdate</c> frames.</summary>
public static class MarkPriceFrame
{
    public static bool TryParse(ReadOnlySpan<byte> frame, SymbolTable symbols, out MarkPriceEvent evt, out ParseError error)
    {
        var f = new Fields(symbols);
        if (!FrameWalker.TryReadFrame(frame, ref f, out error))
        {
            evt = default;
            return false;
        }

        evt = new MarkPriceEvent(f.Symbol!, f.EventTime, f.Mark, f.Index, f.Settle, f.Rate, f.NextFunding);
        return true;
    }

    private struct Fields(SymbolTable symbols) : IFieldReader
    {
        public string? Symbol;
        public long EventTime, NextFunding;
        public decimal Mark, Index, Settle, Rate;
        private int _seen; // s p r T

        public FieldRead Read(ref JsonScanner s, scoped ReadOnlySpan<byte> name, ref ParseError nested)
        {
            switch (FrameWalker.Letter(name))
            {
                case (byte)'e': return FrameWalker.EventType(ref s, "markPriceUpdate"u8);
                case (byte)'E': return FrameWalker.Ok(s.TryReadInt64(out EventTime));
                case (byte)'s': _seen |= 1; return FrameWalker.Symbol(ref s, symbols, ref Symbol);
                case (byte)'p': _seen |= 2; return FrameWalker.Ok(s.TryReadDecimal(out Mark));
                case (byte)'i': return FrameWalker.Ok(s.TryReadDecimal(out Index));
                case (byte)'P': return FrameWalker.Ok(s.TryReadDecimal(out Settle));
                // r is "" for symbols without funding (delivery contracts): read as 0.
                case (byte)'r': _seen |= 4; return FrameWalker.Ok(s.TryReadNumberText(out var r) && (r.Length == 0 || Utf8Number.TryParseDecimal(r, out Rate)));
                case (byte)'T': _seen |= 8; return FrameWalker.Ok(s.TryReadInt64(out NextFunding));
                default: return FrameWalker.Skip(ref s);
            }
        }

        public readonly bool TryComplete(out ParseError error)
        {
            error = _seen == 15 ? ParseError.None
                : ParseError.Missing((_seen & 1) == 0 ? "s" : (_seen & 2) == 0 ? "p" : (_seen & 4) == 0 ? "r" : "T");
            return _seen == 15;
        }
    }

    public static void WriteJson(Utf8JsonWriter w, in MarkPriceEvent e)
    {
        w.WriteStartObject();
        w.WriteString("e"u8, "markPriceUpdate"u8);
        w.WriteNumber("E"u8, e.EventTimeMs);
        w.WriteString("s"u8, e.Symbol);
        WireWrite.Decimal(w, "p"u8, e.MarkPrice);
        WireWrite.Decimal(w, "P"u8, e.EstimatedSettlePrice);
        WireWrite.Decimal(w, "i"u8, e.IndexPrice);
        WireWrite.Decimal(w, "r"u8, e.FundingRate);
        w.WriteNumber("T"u8, e.NextFundingTimeMs);
        w.WriteEndObject();
    }
}
