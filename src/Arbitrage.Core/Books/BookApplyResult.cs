namespace Arbitrage.Core.Books;

/// <summary>What <see cref="LocalOrderBook.ApplyDiff"/> did with a depth event.</summary>
public enum BookApplyResult
{
    /// <summary>The event was applied.</summary>
    Applied,
    /// <summary>The event is older than the book (before the snapshot, or a duplicate): ignored.</summary>
    Stale,
    /// <summary>The sequence broke: the book is now unsynced; fetch a new snapshot (buffering events meanwhile).</summary>
    Gap,
    /// <summary>No snapshot yet: buffer the event and replay it after <see cref="LocalOrderBook.ApplySnapshot"/>.</summary>
    NotSynced,
}

/// <summary>Binance's two depth-stream sequencing rules.</summary>
public enum DepthSequenceRule
{
    /// <summary>USD-M/COIN-M: drop u &lt; lastUpdateId; first has U ≤ lastUpdateId ≤ u; then pu == previous u.</summary>
    Futures,
    /// <summary>Spot: drop u ≤ lastUpdateId; first has U ≤ lastUpdateId+1 ≤ u; then U == previous u + 1.</summary>
    Spot,
}
