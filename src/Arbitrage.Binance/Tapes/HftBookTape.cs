using System.IO.Compression;
using System.Text;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.Books;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Binance.Tapes;

/// <summary>
/// A Binance spot hftbacktest recording (<c>.hftbt.gz</c>: <c>&lt;local ns&gt; &lt;json&gt;</c> lines; one REST depth
/// snapshot, then combined-stream depthUpdate @100ms, bookTicker and trade frames) as detector books of its one
/// symbol. The book is kept by <see cref="BookSynchronizer"/> under the spot rule, exactly as the live feed keeps it:
/// diffs before the snapshot are buffered, the snapshot applied and the buffer replayed (diffs with
/// <c>u ≤ lastUpdateId</c> skipped, the first applied one bridging <c>U ≤ lastUpdateId+1 ≤ u</c>), then each diff
/// must follow with <c>U</c> = previous <c>u</c> + 1.
/// </summary>
/// <remarks>
/// <para>Events: the full book after each applied diff, at the diff's exchange time <c>E</c> (never the local
/// timestamp, which runs on the collector's clock). The snapshot itself emits nothing (a spot snapshot has no time);
/// the first book is the one after the first diff that bridges it.</para>
/// <para>bookTicker frames are ignored: the §7 book is the depth book, and spot bookTickers carry no exchange time
/// to place them in event time. Trades are ignored. Both are counted in <see cref="Stats"/>.</para>
/// <para>A broken chain (none in the recordings we hold) emits an empty book at the breaking diff's time, so cycles
/// through the pair stop being valued, and the pair stays without a book until a later snapshot line resynchronises
/// it.</para>
/// </remarks>
public sealed class HftBookTape : IBookTapeSource
{
    private readonly BookTapeOptions _options;

    public HftBookTape(string path, BookTapeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = path;
        _options = options ?? BookTapeOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxLevels, 1);
    }

    public string Path { get; }

    public bool IsApproximated => false;

    public IReadOnlyList<string> Notes { get; } =
    [
        "books: REST snapshot + depthUpdate diffs under the spot rule, one book per applied diff at its exchange time E; bookTicker and trade frames are not used for books",
    ];

    public BookTapeStats Stats { get; } = new();

    public IEnumerable<BookTapeEvent> Read()
    {
        Stats.Reset();
        var symbols = new SymbolTable();
        var levels = new DepthLevelBuffer();
        BookSynchronizer? sync = null;
        string? pair = null;
        DepthSnapshot? early = null; // a snapshot line before the first diff names no symbol yet
                byte[] buffer = new byte[1 << 14];
        using var reader = Open(Path);
        int lineNo = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0)
            {
                continue;
            }

            int sp = line.IndexOf(' ', StringComparison.Ordinal);
            if (sp <= 0)
            {
                throw new TapeFormatException(Path, lineNo, "expected '<local timestamp> <json>'");
            }

            var frame = Encode(line.AsSpan(sp + 1), ref buffer);
            if (!StreamEnvelope.TryUnwrap(frame, out _, out var data))
            {
                throw new TapeFormatException(Path, lineNo, "malformed combined-stream wrapper");
            }

            switch (MarketFrame.Classify(data))
            {
                case FrameKind.DepthSnapshot:
                    if (!DepthSnapshotFrame.TryParse(data, levels, out var info, out var snapshotError))
                    {
                        throw new TapeFormatException(Path, lineNo, $"bad depth snapshot: {snapshotError}");
                    }

                    var snapshot = new DepthSnapshot(info.LastUpdateId, info.EventTimeMs, info.TransactionTimeMs, levels.Bids.ToArray(), levels.Asks.ToArray());
                    if (sync is null)
                    {
                        early = snapshot;
                                                break;
                    }

                    if (OnSnapshot(sync, snapshot) is { } synced)
                    {
                        Stats.Events++;
                        yield return TapeBooks.Event(synced, pair!, sync.Book, _options.MaxLevels, lineNo);
                    }

                    break;
                case FrameKind.DepthUpdate:
                    if (!DepthUpdateFrame.TryParse(data, symbols, levels, out var d, out var diffError))
                    {
                        throw new TapeFormatException(Path, lineNo, $"bad depthUpdate frame: {diffError}");
                    }

                    if (sync is null)
                    {
                        if (!_options.SymbolNames.TryToPair(d.Symbol, out var name, out var nameError))
                        {
                            throw new TapeFormatException(Path, lineNo, nameError);
                        }

                        pair = name;
                        sync = new BookSynchronizer(d.Symbol, DepthSequenceRule.Spot, int.MaxValue);
                        sync.Begin();
                    }
                    else if (!string.Equals(d.Symbol, sync.Symbol, StringComparison.Ordinal))
                    {
                        throw new TapeFormatException(Path, lineNo,
                            $"depth of {d.Symbol} after depth of {sync.Symbol}: a .hftbt.gz book tape holds one symbol (its snapshot lines name none)");
                    }

                    var outcome = sync.OnDiff(d, levels.Bids, levels.Asks, out _);
                    if (early is not null && outcome == DiffOutcome.Buffered)
                    {
                        // The snapshot came first: apply it now, this diff replayed over it.
                        Stats.DiffsBuffered++;
                        var first = OnSnapshot(sync, early);
                        early = null;
                        if (first is { } t)
                        {
                            Stats.Events++;
                            yield return TapeBooks.Event(t, pair!, sync.Book, _options.MaxLevels, lineNo);
                        }

                        break;
                    }

                    switch (outcome)
                    {
                        case DiffOutcome.Applied:
                            Stats.DiffsApplied++;
                            Stats.Events++;
                            yield return TapeBooks.Event(d.EventTimeMs, pair!, sync.Book, _options.MaxLevels, lineNo);
                            break;
                        case DiffOutcome.Stale:
                            Stats.DiffsStale++;
                            break;
                        case DiffOutcome.Gap:
                            Stats.Gaps++;
                            Stats.DiffsBuffered++;
                            Stats.Events++;
                            yield return TapeBooks.Empty(d.EventTimeMs, pair!, lineNo);
                            break;
                        default:
                            Stats.DiffsBuffered++;
                            break;
                    }

                    break;
                case FrameKind.BookTicker:
                    Stats.BookTickersIgnored++;
                    break;
                case FrameKind.Trade:
                case FrameKind.AggTrade:
                    Stats.TradesIgnored++;
                    break;
            }
        }
    }

    /// <summary>Applies a snapshot when the book needs one; the time of the book it leaves when a buffered diff bridged it (else the next applied diff emits).</summary>
    private long? OnSnapshot(BookSynchronizer sync, DepthSnapshot snapshot)
    {
        if (sync.Mode != BookSyncMode.Syncing)
        {
            Stats.SnapshotsUnused++;
            return null;
        }

        long before = sync.LastAppliedEventTimeMs;
        if (sync.OnSnapshot(snapshot, out _, out _) != SnapshotOutcome.Synced)
        {
            Stats.SnapshotsUnused++;
            return null;
        }

        Stats.SnapshotsApplied++;
        return sync.LastAppliedEventTimeMs != before ? sync.LastAppliedEventTimeMs : null;
    }

    private static ReadOnlySpan<byte> Encode(ReadOnlySpan<char> text, ref byte[] buffer)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (buffer.Length < max)
        {
            buffer = new byte[Math.Max(max, buffer.Length * 2)];
        }

        return buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer));
    }

    private static StreamReader Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Stream s = file;
        if (file.Length >= 2)
        {
            int b0 = file.ReadByte(), b1 = file.ReadByte();
            file.Position = 0;
            if (b0 == 0x1f && b1 == 0x8b)
            {
                s = new GZipStream(file, CompressionMode.Decompress);
            }
        }

        return new StreamReader(s, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }
}
