using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Engine.Replay;

/// <summary>A file format that holds order books: its events as full books, time-ordered within the file.</summary>
public interface IBookTapeFormat
{
    /// <summary>Whether <paramref name="path"/> is a book tape of this format (by name, and content where names are shared).</summary>
    bool Accepts(string path);

    /// <summary>Whether the file also holds trades for the symbols (a Binance capture): it is then a trade tape as well.</summary>
    bool HoldsTrades(string path);

    /// <summary>The file's books; <paramref name="notes"/> gets what the reader says about them (approximations, what is not recorded).</summary>
    IEnumerable<BookTapeEvent> Read(string path, BookTapeOptions options, IList<BookTapeNote> notes);
}

/// <summary>What a book tape's reader says of a file: <see cref="Approximated"/> when some books are not recorded ones.</summary>
public sealed record BookTapeNote(string Path, string Text, bool Approximated);

/// <summary>
/// The book tapes of a replay, chosen by format: a tape no format here accepts is a trade tape (<see cref="TapeFeeder"/>,
/// <see cref="TapeClock"/>). Add a format (Binance spot <c>.hftbt.gz</c> books, the deep_orderbook zip) to
/// <see cref="Formats"/>.
/// </summary>
public static class BookTapes
{
    public static IReadOnlyList<IBookTapeFormat> Formats { get; } = [new JsonlBookTape(), new BinanceBookTape()];

    /// <summary>The format of <paramref name="path"/>, or null for a trade tape.</summary>
    public static IBookTapeFormat? FormatOf(string path)
    {
        foreach (var format in Formats)
        {
            if (format.Accepts(path)) return format;
        }

        return null;
    }

    /// <summary>Every event of the tapes as one stream in event time; equal times keep tape order, then file order.</summary>
    public static IReadOnlyList<BookTapeEvent> ReadAll(IEnumerable<string> paths, BookTapeOptions options, IList<BookTapeNote> notes) =>
        BookTape.Merge(paths.Select(p => (IReadOnlyList<BookTapeEvent>)(FormatOf(p) ?? throw new InvalidDataException($"{p}: not a book tape")).Read(p, options, notes).ToList()));

    /// <summary>
    /// The Arbitrade seed's JSONL books (<see cref="BookTape"/>): a <c>.jsonl</c> file whose first line is a book
    /// (<c>timestamp</c>, <c>symbol</c>, <c>bids</c>, <c>asks</c>); our recorded JSONL frames (<c>recv_ms</c>, <c>frame</c>) are trade tapes.
    /// </summary>
    private sealed class JsonlBookTape : IBookTapeFormat
    {
        public bool HoldsTrades(string path) => false;

        public bool Accepts(string path)
        {
            if (!path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || !File.Exists(path)) return false;
            foreach (var line in File.ReadLines(path))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                try
                {
                    BookTape.ParseLine(line, path, 1);
                    return true;
                }
                catch (BookTapeException)
                {
                    return false;
                }
            }

            return false;
        }

        public IEnumerable<BookTapeEvent> Read(string path, BookTapeOptions options, IList<BookTapeNote> notes)
        {
            try
            {
                return BookTape.Parse(path, File.ReadAllBytes(path));
            }
            catch (BookTapeException e)
            {
                throw new InvalidDataException(e.Message, e);
            }
        }
    }

    /// <summary>
    /// Binance captures (<see cref="BinanceBookTapes"/>): a spot <c>.hftbt.gz</c> (books from its snapshot and depth diffs;
    /// its trades feed the symbols as well) and the deep_orderbook zip (hourly snapshots, ETHBTC diffs; the legs without
    /// diffs are recorded only at their snapshots unless an approximation is asked for, and then every note says so).
    /// </summary>
    private sealed class BinanceBookTape : IBookTapeFormat
    {
        public bool HoldsTrades(string path) => path.EndsWith(".hftbt.gz", StringComparison.OrdinalIgnoreCase);

        public bool Accepts(string path) => File.Exists(path) && BinanceBookTapes.TryOpen(path) is not null;

        public IEnumerable<BookTapeEvent> Read(string path, BookTapeOptions options, IList<BookTapeNote> notes)
        {
            var source = BinanceBookTapes.TryOpen(path, options) ?? throw new InvalidDataException($"{path}: not a Binance book tape");
            List<BookTapeEvent> events;
            try
            {
                events = source.Read().ToList();
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }

            foreach (var note in source.Notes)
            {
                notes.Add(new BookTapeNote(path, note, source.IsApproximated));
            }

            return events;
        }
    }
}
