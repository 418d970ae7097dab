using System.Globalization;
using System.Text.Json;
using Arbitrage.Binance.Tapes;
using Arbitrage.Simulator.Streams;

namespace Arbitrage.Simulator.Tape;

/// <summary>
/// Reads the tapes into one event-time-ordered array. Within a tape file order is kept (event time is
/// clamped to be non-decreasing); across tapes frames merge by event time, ties by tape order.
/// </summary>
public static class TapeLoader
{
    public static SimFrame[] Load(IReadOnlyList<string> paths, IReadOnlyList<TapeFrame> extra)
    {
        var all = new List<(long Time, int Tape, int Seq, SimFrame Frame)>();
        var sources = new List<IEnumerable<TapeFrame>>();
        foreach (var p in paths) sources.Add(TapeReader.ReadFrames(p));
        if (extra.Count > 0) sources.Add(extra);
        for (var tape = 0; tape < sources.Count; tape++)
        {
            long clock = long.MinValue;
            var seq = 0;
            var first = all.Count;
            foreach (var f in sources[tape])
            {
                var frame = Classify(f);
                if (frame is null) continue;
                clock = Math.Max(clock, frame.EventTimeMs);
                all.Add((clock, tape, seq++, frame with { EventTimeMs = clock }));
            }
            NameSnapshots(all, first);
        }
        all.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Tape != b.Tape ? a.Tape.CompareTo(b.Tape) : a.Seq.CompareTo(b.Seq));
        var result = new SimFrame[all.Count];
        for (var i = 0; i < result.Length; i++) result[i] = all[i].Frame;
        return result;
    }

    /// <summary>
    /// A hftbacktest tape's REST snapshot line names no symbol; the tape records one symbol's streams, so a snapshot
    /// without a symbol belongs to the one symbol whose depth diffs the same tape carries (left alone when there are several).
    /// </summary>
    private static void NameSnapshots(List<(long Time, int Tape, int Seq, SimFrame Frame)> all, int first)
    {
        string? only = null;
        for (var i = first; i < all.Count; i++)
        {
            var f = all[i].Frame;
            if (f.Kind != FrameKind.DepthUpdate || f.Symbol.Length == 0 || f.Symbol == only) continue;
            if (only is not null) return;
            only = f.Symbol;
        }
        if (only is null) return;
        for (var i = first; i < all.Count; i++)
        {
            if (all[i].Frame is { Kind: FrameKind.DepthSnapshot, Symbol.Length: 0 } snap)
                all[i] = all[i] with { Frame = snap with { Symbol = only, StreamKey = only.ToLowerInvariant() + "@depthSnapshot" } };
        }
    }

    /// <summary>Null for frames the simulator has no use for (REST answers other than depth, malformed lines).</summary>
    public static SimFrame? Classify(TapeFrame f)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(f.Json); }
        catch (JsonException) { return null; }
        using (doc)
        {
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object) return null;
            var e = Str(r, "e");
            var symbol = (Str(r, "s") ?? SymbolFromStream(f.Stream) ?? "").ToUpperInvariant();
            var time = Long(r, "E") ?? Long(r, "T") ?? f.ReceiveTimeMs;
            var lower = symbol.ToLowerInvariant();
            switch (e)
            {
                case "aggTrade":
                    return new SimFrame(FrameKind.AggTrade, symbol, lower + "@aggTrade", time, f.Json)
                    {
                        Trade = Tick(r, Long(r, "a") ?? 0, Long(r, "f"), Long(r, "l"), time),
                    };
                case "trade":
                    var id = Long(r, "t") ?? 0;
                    return new SimFrame(FrameKind.Trade, symbol, lower + "@trade", time, f.Json) { Trade = Tick(r, id, id, id, time) };
                case "depthUpdate":
                    return new SimFrame(FrameKind.DepthUpdate, symbol, lower + "@depth", time, f.Json);
                case "markPriceUpdate":
                    return new SimFrame(FrameKind.MarkPrice, symbol, lower + "@markPrice", time, f.Json);
                case "bookTicker":
                    return new SimFrame(FrameKind.BookTicker, symbol, lower + "@bookTicker", time, f.Json);
                case null when r.TryGetProperty("lastUpdateId", out _):
                    // A REST depth snapshot: first line of a hftbacktest tape, or a cryptofeed http answer.
                    var snapSymbol = symbol.Length > 0 ? symbol : SymbolFromUrl(f.Stream);
                    if (snapSymbol is null || snapSymbol.Length == 0) snapSymbol = "";
                    return new SimFrame(FrameKind.DepthSnapshot, snapSymbol, snapSymbol.ToLowerInvariant() + "@depthSnapshot", time, f.Json);
                case null when r.TryGetProperty("u", out _) && r.TryGetProperty("b", out _) && r.TryGetProperty("a", out _) && symbol.Length > 0:
                    // Spot bookTicker has no "e".
                    return new SimFrame(FrameKind.BookTicker, symbol, lower + "@bookTicker", time, f.Json);
                case null:
                    return null;
                default:
                    var stream = f.Stream is { Length: > 0 } s && !s.StartsWith("http", StringComparison.Ordinal)
                        ? StreamNames.Canonical(s)
                        : lower + "@" + e;
                    return new SimFrame(FrameKind.Other, symbol, stream, time, f.Json);
            }
        }
    }

    private static TradeTick Tick(JsonElement r, long id, long? first, long? last, long eventTime)
    {
        var p = Str(r, "p") ?? "0";
        var q = Str(r, "q") ?? "0";
        return new TradeTick(id, decimal.Parse(p, NumberStyles.Float, CultureInfo.InvariantCulture),
            decimal.Parse(q, NumberStyles.Float, CultureInfo.InvariantCulture), first ?? id, last ?? id,
            Long(r, "T") ?? eventTime, r.TryGetProperty("m", out var m) && m.ValueKind == JsonValueKind.True, p, q);
    }

    private static string? SymbolFromStream(string? stream)
    {
        if (stream is null || stream.StartsWith("http", StringComparison.Ordinal)) return null;
        var at = stream.IndexOf('@');
        return at > 0 ? stream[..at] : null;
    }

    private static string? SymbolFromUrl(string? url)
    {
        if (url is null) return null;
        var i = url.IndexOf("symbol=", StringComparison.Ordinal);
        if (i < 0) return null;
        var rest = url[(i + 7)..];
        var end = rest.IndexOf('&');
        return (end < 0 ? rest : rest[..end]).ToUpperInvariant();
    }

    private static string? Str(JsonElement r, string name) =>
        r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement r, string name) =>
        r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;
}
