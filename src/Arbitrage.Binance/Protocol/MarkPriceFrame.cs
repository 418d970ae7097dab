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
        long e = 0, next = 0;
        decimal mark = 0, index = 0, settle = 0, rate = 0;
        int seen = 0; // s p r T
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
                        if (ok && !type.SequenceEqual("markPriceUpdate"u8))
                        {
                            error = new ParseError(ParseErrorCode.WrongEventType, "e");
                            return false;
                        }

                        break;
                    case (byte)'E': ok = s.TryReadInt64(out e); break;
                    case (byte)'p': ok = s.TryReadDecimal(out mark); seen |= 2; break;
                    case (byte)'i': ok = s.TryReadDecimal(out index); break;
                    case (byte)'P': ok = s.TryReadDecimal(out settle); break;
                    // r is "" for symbols without funding (delivery contracts): read as 0.
                    case (byte)'r': ok = s.TryReadNumberText(out var r) && (r.Length == 0 || Utf8Number.TryParseDecimal(r, out rate)); seen |= 4; break;
                    case (byte)'T': ok = s.TryReadInt64(out next); seen |= 8; break;
                    case (byte)'s':
                        ok = s.TryReadPlainString(out var sym) && sym.Length > 0;
                        if (ok)
                        {
                            symbol = symbols.GetOrAdd(sym);
                            seen |= 1;
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

        if (seen != 15)
        {
            error = ParseError.Missing((seen & 1) == 0 ? "s" : (seen & 2) == 0 ? "p" : (seen & 4) == 0 ? "r" : "T");
            return false;
        }

        if (!s.TryLeavePayload(wrapped))
        {
            error = ParseError.Malformed("trailing");
            return false;
        }

        evt = new MarkPriceEvent(symbol!, e, mark, index, settle, rate, next);
        error = ParseError.None;
        return true;
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
