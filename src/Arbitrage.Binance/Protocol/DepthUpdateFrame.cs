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
        levels.Clear();
        var f = new Fields(symbols, levels);
        if (!FrameWalker.TryReadFrame(frame, ref f, out error))
        {
            evt = default;
            return false;
        }

        evt = new DepthUpdateEvent(f.Symbol!, f.EventTime, f.TxTime, f.First, f.Final, f.Prev);
        return true;
    }

    private struct Fields(SymbolTable symbols, DepthLevelBuffer levels) : IFieldReader
    {
        public string? Symbol;
        public long EventTime, TxTime, First, Final, Prev = -1;
        private int _seen; // U u s b a

        public FieldRead Read(ref JsonScanner s, scoped ReadOnlySpan<byte> name, ref ParseError nested)
        {
            switch (FrameWalker.Letter(name))
            {
                case (byte)'e': return FrameWalker.EventType(ref s, "depthUpdate"u8);
                case (byte)'E': return FrameWalker.Ok(s.TryReadInt64(out EventTime));
                case (byte)'T': return FrameWalker.Ok(s.TryReadInt64(out TxTime));
                case (byte)'U': _seen |= 1; return FrameWalker.Ok(s.TryReadInt64(out First));
                case (byte)'u': _seen |= 2; return FrameWalker.Ok(s.TryReadInt64(out Final));
                case (byte)'s': _seen |= 4; return FrameWalker.Symbol(ref s, symbols, ref Symbol);
                case (byte)'b': _seen |= 8; return FrameWalker.Ok(levels.TryReadLevels(ref s, bids: true));
                case (byte)'a': _seen |= 16; return FrameWalker.Ok(levels.TryReadLevels(ref s, bids: false));
                default:
                    return name.SequenceEqual("pu"u8) ? FrameWalker.Ok(s.TryReadInt64(out Prev)) : FrameWalker.Skip(ref s);
            }
        }

        public readonly bool TryComplete(out ParseError error)
        {
            error = _seen == 31 ? ParseError.None
                : ParseError.Missing((_seen & 1) == 0 ? "U" : (_seen & 2) == 0 ? "u" : (_seen & 4) == 0 ? "s" : (_seen & 8) == 0 ? "b" : "a");
            return _seen == 31;
        }
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
