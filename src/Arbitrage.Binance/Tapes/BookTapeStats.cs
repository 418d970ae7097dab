namespace Arbitrage.Binance.Tapes;

/// <summary>What one read of a book tape did with its records (filled as the read goes; complete at its end).</summary>
public sealed class BookTapeStats
{
    /// <summary>Book events emitted.</summary>
    public long Events { get; internal set; }

    /// <summary>Depth diffs applied to a synchronised book (each one emits a book).</summary>
    public long DiffsApplied { get; internal set; }

    /// <summary>Depth diffs older than the book (before its snapshot): skipped, as the spot rule says.</summary>
    public long DiffsStale { get; internal set; }

    /// <summary>Depth diffs seen while no book was synchronised (kept for the snapshot, or lost when none came).</summary>
    public long DiffsBuffered { get; internal set; }

    /// <summary>Breaks of the diff chain (<c>U</c> ≠ previous <c>u</c> + 1): the book is dropped until a later snapshot.</summary>
    public long Gaps { get; internal set; }

    /// <summary>Snapshots that (re)synchronised a book.</summary>
    public long SnapshotsApplied { get; internal set; }

    /// <summary>Snapshots not needed (the book was synchronised by its unbroken diff chain) or too old to bridge.</summary>
    public long SnapshotsUnused { get; internal set; }

    /// <summary>bookTicker frames: not part of the depth book (see the tape's documentation).</summary>
    public long BookTickersIgnored { get; internal set; }

    /// <summary>Trade frames not used for books.</summary>
    public long TradesIgnored { get; internal set; }

    /// <summary>Trades that moved an approximated book (<see cref="BookApproximation.TopMovedToTrades"/>).</summary>
    public long TradesApplied { get; internal set; }

    internal void Reset()
    {
        Events = DiffsApplied = DiffsStale = DiffsBuffered = Gaps = SnapshotsApplied = SnapshotsUnused = 0;
        BookTickersIgnored = TradesIgnored = TradesApplied = 0;
    }
}
