using System.Text.Json;
using Arbitrage.Core.Books;

namespace Arbitrage.Binance.Protocol;

/// <summary>
/// A <c>depthUpdate</c> diff event. <see cref="PrevFinalUpdateId"/> (<c>pu</c>) exists on futures only
/// (−1 on spot). The levels live in the <see cref="DepthLevelBuffer"/> passed to the parser.
/// </summary>
public readonly record struct DepthUpdateEvent(
    string Symbol,
    long EventTimeMs,
    long TransactionTimeMs,
    long FirstUpdateId,
    long FinalUpdateId,
    long PrevFinalUpdateId)
{
    public bool IsFutures => PrevFinalUpdateId >= 0;
}

/// <summary>Parser and writer of <c>depthUpdate</c> frames.</summary>
public static class DepthUpdateFrame
{
    public static bool TryParse(
        ReadOnlySpan<byte> frame, SymbolTable symbols, DepthLevelBuffer levels, out DepthUpdateEvent evt, out ParseError error)
    {
        evt = default;
        levels.Clear();
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
        long eventTime = 0, txTime = 0, first = 0, final = 0, prev = -1;
        int seen = 0; // U u s b a
        bool firstProp = true;
        while (true)
        {
            if (!s.TryNextProperty(ref firstProp, out var name, out bool end))
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
                        if (ok && !type.SequenceEqual("depthUpdate"u8))
                        {
                            error = new ParseError(ParseErrorCode.WrongEventType, "e");
                            return false;
                        }

                        break;
                    case (byte)'E': ok = s.TryReadInt64(out eventTime); break;
                    case (byte)'T': ok = s.TryReadInt64(out txTime); break;
                    case (byte)'U': ok = s.TryReadInt64(out first); seen |= 1; break;
                    case (byte)'u': ok = s.TryReadInt64(out final); seen |= 2; break;
                    case (byte)'s':
                        ok = s.TryReadPlainString(out var sym) && sym.Length > 0;
                        if (ok)
                        {
                            symbol = symbols.GetOrAdd(sym);
                            seen |= 4;
                        }

                        break;
                    case (byte)'b': ok = levels.TryReadLevels(ref s, bids: true); seen |= 8; break;
                    case (byte)'a': ok = levels.TryReadLevels(ref s, bids: false); seen |= 16; break;
                    default: ok = s.TrySkipValue(); break;
                }
            }
            else if (name.Length == 2 && name[0] == (byte)'p' && name[1] == (byte)'u')
            {
                ok = s.TryReadInt64(out prev);
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

        if (seen != 31)
        {
            error = ParseError.Missing((seen & 1) == 0 ? "U" : (seen & 2) == 0 ? "u" : (seen & 4) == 0 ? "s" : (seen & 8) == 0 ? "b" : "a");
            return false;
        }

        if (!s.TryLeavePayload(wrapped))
        {
            error = ParseError.Malformed("trailing");
            return false;
        }

        evt = new DepthUpdateEvent(symbol!, eventTime, txTime, first, final, prev);
        error = ParseError.None;
        return true;
    }

    /// <summary>Writes futures layout when <c>pu</c> ≥ 0 (with <c>T</c>), else the spot layout.</summary>
    public static void WriteJson(Utf8JsonWriter w, in DepthUpdateEvent e, ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks)
    {
        w.WriteStartObject();
        w.WriteString("e"u8, "depthUpdate"u8);
        w.WriteNumber("E"u8, e.EventTimeMs);
        if (e.IsFutures)
        {
            w.WriteNumber("T"u8, e.TransactionTimeMs);
        }

        w.WriteString("s"u8, e.Symbol);
        w.WriteNumber("U"u8, e.FirstUpdateId);
        w.WriteNumber("u"u8, e.FinalUpdateId);
        if (e.IsFutures)
        {
            w.WriteNumber("pu"u8, e.PrevFinalUpdateId);
        }

        WireWrite.Levels(w, "b"u8, bids);
        WireWrite.Levels(w, "a"u8, asks);
        w.WriteEndObject();
    }
}
