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
        snapshot = default;
        levels.Clear();
        var s = new JsonScanner(json);
        if (!s.TryBeginObject())
        {
            error = ParseError.Malformed("{");
            return false;
        }

        long id = 0, e = 0, t = 0;
        int seen = 0;
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
            if (name.SequenceEqual("lastUpdateId"u8))
            {
                ok = s.TryReadInt64(out id);
                seen |= 1;
            }
            else if (name.SequenceEqual("bids"u8))
            {
                ok = levels.TryReadLevels(ref s, bids: true);
                seen |= 2;
            }
            else if (name.SequenceEqual("asks"u8))
            {
                ok = levels.TryReadLevels(ref s, bids: false);
                seen |= 4;
            }
            else if (name.Length == 1 && name[0] == (byte)'E')
            {
                ok = s.TryReadInt64(out e);
            }
            else if (name.Length == 1 && name[0] == (byte)'T')
            {
                ok = s.TryReadInt64(out t);
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

        if (seen != 7)
        {
            error = ParseError.Missing((seen & 1) == 0 ? "lastUpdateId" : (seen & 2) == 0 ? "bids" : "asks");
            return false;
        }

        if (!s.AtEnd())
        {
            error = ParseError.Malformed("trailing");
            return false;
        }

        snapshot = new DepthSnapshotInfo(id, e, t);
        error = ParseError.None;
        return true;
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
