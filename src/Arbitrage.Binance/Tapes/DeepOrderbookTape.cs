using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.Books;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Binance.Tapes;

/// <summary>
/// A deep_orderbook recording (a zip of folders per pair, <c>PAIR/yyyy-MM-ddTHH-mm-ss_snapshot.json</c> REST depth,
/// <c>…_trades.json</c> a JSON array of aggTrade events, <c>…_update.json</c> a JSON array of 1-second depthUpdate
/// diffs where recorded) as detector books of every pair, merged in event time (stable: equal times keep the order of
/// the pairs' folder names, ordinal).
/// </summary>
/// <remarks>
/// <para>A snapshot has no timestamp: its time is its file name's (the hour it was taken in; the real request came
/// seconds later, which the update ids, not the time, settle).</para>
/// <para>A pair with diffs: kept by <see cref="BookSynchronizer"/> under the spot rule from its first snapshot (diffs
/// with <c>u ≤ lastUpdateId</c> skipped, the first applied one bridging it); one book per applied diff at the diff's
/// <c>E</c>. A later snapshot is used only when the book needs one (after a break of the chain); while the chain is
/// unbroken it is not re-applied. Its trades are not used.</para>
/// <para>A pair without diffs (BTCUSDT, ETHUSDT in the 2 h recording) is not recorded between its snapshots. With
/// <see cref="BookApproximation.None"/> (the default) its book exists only at its snapshots: one event per snapshot, at
/// the snapshot's time, and nothing else — a detector then finds its cycles stale <c>staleness_ms</c> after each
/// snapshot. With <see cref="BookApproximation.TopMovedToTrades"/>, each of its aggTrades (at the trade's <c>E</c>)
/// also emits the last snapshot with every level price shifted by <c>d = p − best bid</c> when the buyer was the maker
/// (<c>m</c> = true: the trade hit the bid) or <c>d = p − best ask</c> otherwise, quantities unchanged, levels whose
/// price would be ≤ 0 dropped; <see cref="IsApproximated"/> is then true and <see cref="Notes"/> says so.</para>
/// <para><see cref="BookTapeEvent.Line"/> is the record's 1-based position in its JSON file (1 for a snapshot).</para>
/// </remarks>
public sealed class DeepOrderbookTape : IBookTapeSource
{
    private readonly BookTapeOptions _options;
    private readonly List<PairFiles> _pairs;

    public DeepOrderbookTape(string path, BookTapeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = path;
        _options = options ?? BookTapeOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxLevels, 1);
        _pairs = Index(path, _options.SymbolNames);
        var undiffed = _pairs.Where(static p => !p.HasDiffs).Select(static p => p.Symbol).ToArray();
        IsApproximated = undiffed.Length > 0 && _options.Approximation == BookApproximation.TopMovedToTrades;
        var notes = new List<string>();
        var diffed = _pairs.Where(static p => p.HasDiffs).Select(static p => p.Symbol).ToArray();
        if (diffed.Length > 0)
        {
            notes.Add($"{string.Join(", ", diffed)}: recorded books (snapshot + depth diffs under the spot rule, one book per applied diff at its time E)");
        }

        if (undiffed.Length > 0)
        {
            var hours = string.Join(", ", _pairs.Where(static p => !p.HasDiffs).SelectMany(static p => p.Files)
                .Where(static f => f.Kind == FileKind.Snapshot).Select(static f => f.TimeMs).Distinct().Order()
                .Select(static t => DateTimeOffset.FromUnixTimeMilliseconds(t).ToString("yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture)));
            notes.Add(IsApproximated
                ? $"APPROXIMATED: {string.Join(", ", undiffed)} have no depth diffs; between their snapshots ({hours}) each aggTrade shifts the last snapshot's levels so the trade price is the best bid (seller-initiated) or best ask (buyer-initiated). These are not recorded books: episodes through these pairs are approximations."
                : $"{string.Join(", ", undiffed)}: no depth diffs recorded; their books exist only at their snapshots ({hours}), so cycles through them are evaluated only within staleness_ms of a snapshot (approximation off)");
        }

        Notes = notes;
    }

    public string Path { get; }

    public bool IsApproximated { get; }

    public IReadOnlyList<string> Notes { get; }

    public BookTapeStats Stats { get; } = new();

    /// <summary>The pairs of the tape (<c>BASE/QUOTE</c>), in folder order.</summary>
    public IReadOnlyList<string> Pairs => _pairs.Select(static p => p.Pair).ToArray();

    /// <summary>The pairs whose depth diffs were recorded (<c>BASE/QUOTE</c>).</summary>
    public IReadOnlyList<string> PairsWithDiffs => _pairs.Where(static p => p.HasDiffs).Select(static p => p.Pair).ToArray();

    public IEnumerable<BookTapeEvent> Read()
    {
        Stats.Reset();
        using var zip = ZipFile.OpenRead(Path);
        var streams = new List<IEnumerator<BookTapeEvent>>(_pairs.Count);
        try
        {
            foreach (var p in _pairs)
            {
                streams.Add(PairEvents(zip, p).GetEnumerator());
            }

            // Each pair's stream is in time order: a k-way merge, ties to the earlier pair.
            var heads = new BookTapeEvent?[streams.Count];
            for (int i = 0; i < streams.Count; i++)
            {
                heads[i] = streams[i].MoveNext() ? streams[i].Current : null;
            }

            while (true)
            {
                int next = -1;
                for (int i = 0; i < heads.Length; i++)
                {
                    if (heads[i] is { } h && (next < 0 || h.TimeMs < heads[next]!.TimeMs))
                    {
                        next = i;
                    }
                }

                if (next < 0)
                {
                    yield break;
                }

                var e = heads[next]!;
                heads[next] = streams[next].MoveNext() ? streams[next].Current : null;
                Stats.Events++;
                yield return e;
            }
        }
        finally
        {
            foreach (var s in streams)
            {
                s.Dispose();
            }
        }
    }

    private IEnumerable<BookTapeEvent> PairEvents(ZipArchive zip, PairFiles pair)
    {
        var records = Records(zip, pair);
        return pair.HasDiffs ? Recorded(pair, records) : Undiffed(pair, records);
    }

    /// <summary>A pair with diffs: the spot-rule book after each applied diff.</summary>
    private IEnumerable<BookTapeEvent> Recorded(PairFiles pair, List<Record> records)
    {
        var sync = new BookSynchronizer(pair.Symbol, DepthSequenceRule.Spot, int.MaxValue);
        sync.Begin();
        foreach (var r in records)
        {
            switch (r.Kind)
            {
                case FileKind.Snapshot:
                    if (sync.Mode != BookSyncMode.Syncing)
                    {
                        Stats.SnapshotsUnused++;
                        break;
                    }

                    long before = sync.LastAppliedEventTimeMs;
                    if (sync.OnSnapshot(r.Snapshot!, out _, out _) != SnapshotOutcome.Synced)
                    {
                        Stats.SnapshotsUnused++;
                        break;
                    }

                    Stats.SnapshotsApplied++;
                    if (sync.LastAppliedEventTimeMs != before)
                    {
                        yield return TapeBooks.Event(sync.LastAppliedEventTimeMs, pair.Pair, sync.Book, _options.MaxLevels, r.Line);
                    }

                    break;
                case FileKind.Update:
                    switch (sync.OnDiff(r.Diff, r.Bids, r.Asks, out _))
                    {
                        case DiffOutcome.Applied:
                            Stats.DiffsApplied++;
                            yield return TapeBooks.Event(r.TimeMs, pair.Pair, sync.Book, _options.MaxLevels, r.Line);
                            break;
                        case DiffOutcome.Stale:
                            Stats.DiffsStale++;
                            break;
                        case DiffOutcome.Gap:
                            Stats.Gaps++;
                            Stats.DiffsBuffered++;
                            yield return TapeBooks.Empty(r.TimeMs, pair.Pair, r.Line);
                            break;
                        default:
                            Stats.DiffsBuffered++;
                            break;
                    }

                    break;
                default:
                    Stats.TradesIgnored++;
                    break;
            }
        }
    }

    /// <summary>A pair without diffs: its snapshots, and (approximation only) the last snapshot moved to each trade.</summary>
    private IEnumerable<BookTapeEvent> Undiffed(PairFiles pair, List<Record> records)
    {
        bool approximate = _options.Approximation == BookApproximation.TopMovedToTrades;
        DepthSnapshot? last = null;
        foreach (var r in records)
        {
            if (r.Kind == FileKind.Snapshot)
            {
                last = r.Snapshot!;
                Stats.SnapshotsApplied++;
                yield return new BookTapeEvent(r.TimeMs, pair.Pair, Shifted(last.Bids, 0m), Shifted(last.Asks, 0m), r.Line);
            }
            else if (approximate && last is { Bids.Count: > 0, Asks.Count: > 0 })
            {
                var t = r.Trade;
                decimal shift = t.IsBuyerMaker ? t.Price - last.Bids[0].Price : t.Price - last.Asks[0].Price;
                Stats.TradesApplied++;
                yield return new BookTapeEvent(r.TimeMs, pair.Pair, Shifted(last.Bids, shift), Shifted(last.Asks, shift), r.Line);
            }
            else
            {
                Stats.TradesIgnored++;
            }
        }
    }

    private BookLevel[] Shifted(IReadOnlyList<PriceLevel> levels, decimal shift)
    {
        var result = new List<BookLevel>(Math.Min(levels.Count, _options.MaxLevels));
        for (int i = 0; i < levels.Count && result.Count < _options.MaxLevels; i++)
        {
            decimal price = levels[i].Price + shift;
            if (price > 0m)
            {
                result.Add(new BookLevel((double)price, (double)levels[i].Quantity));
            }
        }

        return [.. result];
    }

    /// <summary>Every record of a pair, in time order (stable: files by time, then snapshot, diffs, trades; then position).</summary>
    private List<Record> Records(ZipArchive zip, PairFiles pair)
    {
        var records = new List<Record>();
        var symbols = new SymbolTable();
        var levels = new DepthLevelBuffer();
        foreach (var file in pair.Files)
        {
            var entry = zip.GetEntry(file.Entry) ?? throw new TapeFormatException(Path, 0, $"{file.Entry} disappeared from the zip");
            var bytes = ReadAll(entry);
            string where = $"{Path}!{file.Entry}";
            if (file.Kind == FileKind.Snapshot)
            {
                if (!DepthSnapshotFrame.TryParse(bytes, levels, out var info, out var error))
                {
                    throw new TapeFormatException(where, 1, $"bad depth snapshot: {error}");
                }

                records.Add(new Record(file.TimeMs, FileKind.Snapshot, 1,
                    new DepthSnapshot(info.LastUpdateId, 0, 0, levels.Bids.ToArray(), levels.Asks.ToArray()), default, [], [], default));
                continue;
            }

            int position = 0;
            foreach (var (start, length) in Elements(bytes, where))
            {
                position++;
                var element = bytes.AsSpan(start, length);
                if (file.Kind == FileKind.Update)
                {
                    if (!DepthUpdateFrame.TryParse(element, symbols, levels, out var d, out var error))
                    {
                        throw new TapeFormatException(where, position, $"bad depthUpdate: {error}");
                    }

                    Check(d.Symbol, pair, where, position);
                    records.Add(new Record(d.EventTimeMs, FileKind.Update, position, null, d, levels.Bids.ToArray(), levels.Asks.ToArray(), default));
                }
                else
                {
                    if (!AggTradeFrame.TryParse(element, symbols, out var t, out var error))
                    {
                        throw new TapeFormatException(where, position, $"bad aggTrade: {error}");
                    }

                    Check(t.Symbol, pair, where, position);
                    records.Add(new Record(t.EventTimeMs, FileKind.Trades, position, null, default, [], [], t));
                }
            }
        }

        // Stable by time: the index breaks ties.
        var keyed = new (long Time, int Index)[records.Count];
        for (int i = 0; i < keyed.Length; i++)
        {
            keyed[i] = (records[i].TimeMs, i);
        }

        Array.Sort(keyed);
        var sorted = new List<Record>(records.Count);
        foreach (var (_, i) in keyed)
        {
            sorted.Add(records[i]);
        }

        return sorted;
    }

    private static void Check(string symbol, PairFiles pair, string where, int position)
    {
        if (!string.Equals(symbol, pair.Symbol, StringComparison.Ordinal))
        {
            throw new TapeFormatException(where, position, $"record of {symbol} in the folder of {pair.Symbol}");
        }
    }

    /// <summary>The (start, length) of each object of a top-level JSON array.</summary>
    private static List<(int Start, int Length)> Elements(byte[] json, string where)
    {
        var list = new List<(int, int)>();
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new TapeFormatException(where, 0, "expected a JSON array of events");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new TapeFormatException(where, list.Count + 1, "expected an event object");
                }

                int start = (int)reader.TokenStartIndex;
                reader.Skip();
                list.Add((start, (int)reader.BytesConsumed - start));
            }
        }
        catch (JsonException e)
        {
            throw new TapeFormatException(where, list.Count + 1, $"invalid JSON: {e.Message}");
        }

        return list;
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var s = entry.Open();
        var bytes = new byte[entry.Length];
        s.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The pairs of the zip and their files, in time order (snapshot, update, trades within an hour).</summary>
    private static List<PairFiles> Index(string path, SpotSymbolNames names)
    {
        using var zip = ZipFile.OpenRead(path);
        var byPair = new SortedDictionary<string, List<FileRef>>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (entry.FullName.EndsWith('/'))
            {
                continue;
            }

            var parts = entry.FullName.Split('/');
            var name = parts[^1];
            int cut = name.LastIndexOf('_');
            if (parts.Length != 2 || cut < 0 || !name.EndsWith(".json", StringComparison.Ordinal))
            {
                throw new TapeFormatException(path, 0, $"{entry.FullName}: expected PAIR/yyyy-MM-ddTHH-mm-ss_(snapshot|trades|update).json (a deep_orderbook recording)");
            }

            var kind = name[(cut + 1)..^5] switch
            {
                "snapshot" => FileKind.Snapshot,
                "update" => FileKind.Update,
                "trades" => FileKind.Trades,
                _ => throw new TapeFormatException(path, 0, $"{entry.FullName}: unknown file kind (snapshot, trades or update)"),
            };
            if (!DateTime.TryParseExact(name[..cut], "yyyy-MM-dd'T'HH-mm-ss", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            {
                throw new TapeFormatException(path, 0, $"{entry.FullName}: the file name does not start with its time yyyy-MM-ddTHH-mm-ss");
            }

            if (!byPair.TryGetValue(parts[0], out var files))
            {
                files = [];
                byPair.Add(parts[0], files);
            }

            files.Add(new FileRef(entry.FullName, kind, new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeMilliseconds()));
        }

        if (byPair.Count == 0)
        {
            throw new TapeFormatException(path, 0, "no PAIR/ folders with snapshot, trades or update files: not a deep_orderbook recording");
        }

        var pairs = new List<PairFiles>();
        foreach (var (symbol, files) in byPair)
        {
            if (!names.TryToPair(symbol, out var pair, out var error))
            {
                throw new TapeFormatException(path, 0, error);
            }

            files.Sort(static (a, b) => a.TimeMs != b.TimeMs ? a.TimeMs.CompareTo(b.TimeMs) : a.Kind.CompareTo(b.Kind));
            pairs.Add(new PairFiles(symbol, pair, files, files.Any(static f => f.Kind == FileKind.Update)));
        }

        return pairs;
    }

    private enum FileKind
    {
        Snapshot,
        Update,
        Trades,
    }

    private sealed record FileRef(string Entry, FileKind Kind, long TimeMs);

    private sealed record PairFiles(string Symbol, string Pair, List<FileRef> Files, bool HasDiffs);

    private sealed record Record(long TimeMs, FileKind Kind, int Line, DepthSnapshot? Snapshot, DepthUpdateEvent Diff, PriceLevel[] Bids, PriceLevel[] Asks, AggTradeEvent Trade);
}
