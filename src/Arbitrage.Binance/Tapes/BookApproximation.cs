namespace Arbitrage.Binance.Tapes;

/// <summary>
/// What a book tape does with a pair whose depth diffs were not recorded (only periodic snapshots and trades).
/// Chosen by the caller, never implied: the default keeps to what was recorded.
/// </summary>
public enum BookApproximation
{
    /// <summary>Recorded books only: such a pair has a book at its snapshots alone (its cycles then go stale).</summary>
    None,

    /// <summary>
    /// After each trade of such a pair, its last snapshot's levels are shifted by one price offset so that the trade
    /// price is the best bid (a seller-initiated trade, <c>m</c> = true) or the best ask (buyer-initiated), the other
    /// side keeping the snapshot's spread; quantities are the snapshot's. Not a recorded book: the source says
    /// <see cref="IBookTapeSource.IsApproximated"/> and every consumer must label what it derives from it.
    /// </summary>
    TopMovedToTrades,
}
