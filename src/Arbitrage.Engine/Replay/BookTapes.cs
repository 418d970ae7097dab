using Arbitrage.Core.Triangles;

namespace Arbitrage.Engine.Replay;

/// <summary>A file format that holds order books: its events as full books, time-ordered within the file.</summary>
public interface IBookTapeFormat
{
    /// <summary>Whether <paramref name="path"/> is a book tape of this format (by name, and content where names are shared).</summary>
    bool Accepts(string path);

    IEnumerable<BookTapeEvent> Read(string path);
}

/// <summary>
/// The book tapes of a replay, chosen by format: a tape no format here accepts is a trade tape (<see cref="TapeFeeder"/>,
/// <see cref="TapeClock"/>). Add a format (Binance spot <c>.hftbt.gz</c> books, the deep_orderbook zip) to
/// <see cref="Formats"/>.
/// </summary>
public static class BookTapes
{
    public static IReadOnlyList<IBookTapeFormat> Formats { get; } = [new JsonlBookTape()];

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
    public static IReadOnlyList<BookTapeEvent> ReadAll(IEnumerable<string> paths) =>
        BookTape.Merge(paths.Select(p => (IReadOnlyList<BookTapeEvent>)(FormatOf(p) ?? throw new InvalidDataException($"{p}: not a book tape")).Read(p).ToList()));

    /// <summary>
    /// The Arbitrade seed's JSONL books (<see cref="BookTape"/>): a <c>.jsonl</c> file whose first line is a book
    /// (<c>timestamp</c>, <c>symbol</c>, <c>bids</c>, <c>asks</c>); our recorded JSONL frames (<c>recv_ms</c>, <c>frame</c>) are trade tapes.
    /// </summary>
    private sealed class JsonlBookTape : IBookTapeFormat
    {
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

        public IEnumerable<BookTapeEvent> Read(string path)
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
}
