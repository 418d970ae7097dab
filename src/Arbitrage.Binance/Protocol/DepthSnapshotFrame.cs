using System.Text.Json;
using Arbitrage.Core.Books;

namespace Arbitrage.Binance.Protocol;

/// <summary>REST <c>/fapi/v1/depth</c> or <c>/api/v3/depth</c> response header (levels go to a <see cref="DepthLevelBuffer"/>). Times are 0 on spot.</summary>
public readonly record struct DepthSnapshotInfo(long LastUpdateId, long EventTimeMs, long TransactionTimeMs);

/// <summary>Parser and writer of depth snapshots; allocation-free like the stream parsers.</summary>
public static class DepthSnapshotFrame
{
    public static bool TryParse(ReadOnlySpan<byte> json, DepthLevelBuffer levels, out DepthSnapshotInfo snapshot, out ParseError error)
    {
        levels.Clear();
        var f = new Fields(levels);
        if (!FrameWalker.TryReadDocument(json, ref f, out error))
        {
            snapshot = default;
            return false;
        }

        snapshot = new DepthSnapshotInfo(f.LastUpdateId, f.EventTime, f.TxTime);
        return true;
    }

    private struct Fields(DepthLevelBuffer levels) : IFieldReader
    {
        public long LastUpdateId, EventTime, TxTime;
        private int _seen; // lastUpdateId bids asks

        public FieldRead Read(ref JsonScanner s, scoped ReadOnlySpan<byte> name, ref ParseError nested)
        {
            if (name.SequenceEqual("lastUpdateId"u8))
            {
                _seen |= 1;
                return FrameWalker.Ok(s.TryReadInt64(out LastUpdateId));
            }

            if (name.SequenceEqual("bids"u8))
            {
                _seen |= 2;
                return FrameWalker.Ok(levels.TryReadLevels(ref s, bids: true));
            }

            if (name.SequenceEqual("asks"u8))
            {
                _seen |= 4;
                return FrameWalker.Ok(levels.TryReadLevels(ref s, bids: false));
            }

            return FrameWalker.Letter(name) switch
            {
                (byte)'E' => FrameWalker.Ok(s.TryReadInt64(out EventTime)),
                (byte)'T' => FrameWalker.Ok(s.TryReadInt64(out TxTime)),
                _ => FrameWalker.Skip(ref s),
            };
        }

        public readonly bool TryComplete(out ParseError error)
        {
            error = _seen == 7 ? ParseError.None
                : ParseError.Missing((_seen & 1) == 0 ? "lastUpdateId" : (_seen & 2) == 0 ? "bids" : "asks");
            return _seen == 7;
        }
    }

    public static void WriteJson(Utf8JsonWriter w, in DepthSnapshotInfo snap, ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks)
    {
        w.WriteStartObject();
        w.WriteNumber("lastUpdateId"u8, snap.LastUpdateId);
        if (snap.EventTimeMs != 0)
        {
            w.WriteNumber("E"u8, snap.EventTimeMs);
            w.WriteNumber("T"u8, snap.TransactionTimeMs);
        }

        WireWrite.Levels(w, "bids"u8, bids);
        WireWrite.Levels(w, "asks"u8, asks);
        w.WriteEndObject();
    }
}
