namespace Arbitrage.Core.Triangles.Execution;

/// <summary>
/// A pair's book as execution sees it: levels best first (the detector's <see cref="BookLevel"/>s), the event time of
/// its last update, and whether it is synchronised (a gap or reconnect makes it unusable until the next book).
/// </summary>
public sealed record PairBook(BookLevel[] Bids, BookLevel[] Asks, long TimeMs, bool Synchronised = true)
{
    /// <summary>The side a leg walks: bids to sell base, asks to buy it.</summary>
    public BookLevel[] SideFor(LegSide side) => side == LegSide.SellBase ? Bids : Asks;
}

/// <summary>The books execution reads, by symbol (<c>BASE/QUOTE</c>): the actor's latest books, a tape's, a test's.</summary>
public interface ITriangleBooks
{
    /// <summary>The latest book of <paramref name="symbol"/>, or null when none has arrived.</summary>
    PairBook? Book(string symbol);
}

/// <summary>Books in a dictionary (tests, replays).</summary>
public sealed class TriangleBookSet : ITriangleBooks
{
    private readonly Dictionary<string, PairBook> _books = new(StringComparer.Ordinal);

    public PairBook? Book(string symbol) => _books.GetValueOrDefault(symbol);

    public TriangleBookSet Set(string symbol, PairBook book)
    {
        _books[symbol] = book;
        return this;
    }
}
