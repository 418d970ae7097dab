using Arbitrage.Core.Triangles;

namespace Arbitrage.Binance.Tapes;

/// <summary>
/// A recorded file read as detector books: <see cref="Read"/> gives each pair's full book (best
/// <see cref="BookTapeOptions.MaxLevels"/> levels per side) after each book event, in event time (exchange time),
/// stable for equal times. Each call reads the file again; <see cref="Stats"/> describes the latest read.
/// </summary>
public interface IBookTapeSource
{
    string Path { get; }

    /// <summary>True when some books are not recorded ones (<see cref="BookApproximation.TopMovedToTrades"/> on a tape without all diffs): label every output.</summary>
    bool IsApproximated { get; }

    /// <summary>Plain sentences on what this tape holds and what the reader does with what it lacks (for a replay to print).</summary>
    IReadOnlyList<string> Notes { get; }

    BookTapeStats Stats { get; }

    IEnumerable<BookTapeEvent> Read();
}
