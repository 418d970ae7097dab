using Arbitrage.Core.Books;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Binance.Tapes;

/// <summary>Copies of local books as detector books (the same decimal → double conversion as the detector's live path).</summary>
internal static class TapeBooks
{
    public static BookTapeEvent Event(long timeMs, string pair, LocalOrderBook book, int maxLevels, int line)
    {
        var bids = new BookLevel[Math.Min(book.BidCount, maxLevels)];
        var asks = new BookLevel[Math.Min(book.AskCount, maxLevels)];
        for (int i = 0; i < bids.Length; i++)
        {
            var l = book.Bid(i);
            bids[i] = new BookLevel((double)l.Price, (double)l.Quantity);
        }

        for (int i = 0; i < asks.Length; i++)
        {
            var l = book.Ask(i);
            asks[i] = new BookLevel((double)l.Price, (double)l.Quantity);
        }

        return new BookTapeEvent(timeMs, pair, bids, asks, line);
    }

    /// <summary>A pair without a book (a broken diff chain): empty sides, so every cycle through it is infeasible until the book is back.</summary>
    public static BookTapeEvent Empty(long timeMs, string pair, int line) => new(timeMs, pair, [], [], line);
}
