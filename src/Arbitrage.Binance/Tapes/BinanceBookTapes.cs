using System.IO.Compression;

namespace Arbitrage.Binance.Tapes;

/// <summary>The book-tape formats of Binance recordings, by file: the entry point for replays.</summary>
public static class BinanceBookTapes
{
    /// <summary>
    /// The reader of <paramref name="path"/> when it is a Binance book tape: <c>*.hftbt.gz</c> (hftbacktest spot
    /// capture) → <see cref="HftBookTape"/>; a <c>.zip</c> of <c>PAIR/…_snapshot.json</c> folders →
    /// <see cref="DeepOrderbookTape"/>. Null for anything else (a JSONL replay tape is Core's <c>BookTape</c>).
    /// </summary>
    public static IBookTapeSource? TryOpen(string path, BookTapeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = System.IO.Path.GetFileName(path);
        if (name.EndsWith(".hftbt.gz", StringComparison.OrdinalIgnoreCase))
        {
            return new HftBookTape(path, options);
        }

        if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) && IsDeepOrderbook(path))
        {
            return new DeepOrderbookTape(path, options);
        }

        return null;
    }

    private static bool IsDeepOrderbook(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.Any(static e => e.FullName.Count(static c => c == '/') == 1 && e.Name.EndsWith("_snapshot.json", StringComparison.Ordinal));
    }
}
