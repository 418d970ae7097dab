using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Core.Books;

namespace Arbitrage.Binance.Streams;

/// <summary>Where one book stands between its diff stream and its REST snapshots.</summary>
internal enum BookSyncMode
{
    /// <summary>No connection: diffs are not expected and are ignored.</summary>
    Down,
    /// <summary>Diffs are buffered while a snapshot is awaited (or about to be requested).</summary>
    Syncing,
    /// <summary>The book is synchronised: each diff is applied as it comes.</summary>
    Live,
}

/// <summary>What <see cref="BookSynchronizer.OnDiff"/> did with a diff.</summary>
internal enum DiffOutcome
{
    /// <summary>Down: no connection to belong to.</summary>
    Ignored,
    /// <summary>Kept for the snapshot to come.</summary>
    Buffered,
    /// <summary>The buffer was full: it was emptied, a new snapshot is needed (the diff is buffered).</summary>
    Overflowed,
    /// <summary>Applied to the live book.</summary>
    Applied,
    /// <summary>Older than the book: nothing changed.</summary>
    Stale,
    /// <summary>The sequence broke: the book was dropped and a resync begun (the diff is buffered).</summary>
    Gap,
}

/// <summary>What <see cref="BookSynchronizer.OnSnapshot"/> made of a snapshot.</summary>
internal enum SnapshotOutcome
{
    /// <summary>Applied with the buffered diffs replayed: the book is live.</summary>
    Synced,
    /// <summary>Older than the buffered diffs (or the buffer broke): a newer snapshot is needed.</summary>
    Stale,
}

/// <summary>
/// One symbol's local book kept the way Binance prescribes, without I/O or clocks: diffs are buffered while a
/// snapshot is on its way; a snapshot is applied and the buffer replayed by the venue's rule (futures:
/// <c>U ≤ lastUpdateId ≤ u</c> then <c>pu</c> = previous <c>u</c>; spot: <c>U ≤ lastUpdateId+1 ≤ u</c> then
/// <c>U</c> = previous <c>u</c>+1, see <see cref="LocalOrderBook"/>); a broken sequence drops the book and
/// starts over. The owner (a stream stage) fetches the snapshots, keeps the timers and emits the events;
/// <see cref="Generation"/> tells it which snapshot answers are still wanted.
/// </summary>
internal sealed class BookSynchronizer(string symbol, DepthSequenceRule rule, int maxBufferedDiffs)
{
    private readonly List<BufferedDiff> _pending = [];
    private DepthSnapshot? _snapshot; // kept until the first diff after it has been applied
    private bool _bridged;

    public string Symbol { get; } = symbol;

    public LocalOrderBook Book { get; } = new(rule);

    public BookSyncMode Mode { get; private set; } = BookSyncMode.Down;

    /// <summary>Grows at every disconnect and resync: a snapshot requested under an older generation is ignored.</summary>
    public int Generation { get; private set; }

    /// <summary>Snapshot requests since the last (re)connect or gap (drives the retry back-off).</summary>
    public int SnapshotAttempts { get; private set; }

    /// <summary>Snapshots applied so far (one per sync, plus the stale ones).</summary>
    public int SnapshotsApplied { get; private set; }

    /// <summary>Resyncs caused by a broken diff sequence so far.</summary>
    public int GapResyncs { get; private set; }

    public int Buffered => _pending.Count;

    /// <summary>Exchange event time of the last diff applied (0 before any).</summary>
    public long LastAppliedEventTimeMs { get; private set; }

    /// <summary>True when an answer for <paramref name="generation"/> is still awaited.</summary>
    public bool Wants(int generation) => generation == Generation && Mode == BookSyncMode.Syncing;

    /// <summary>The connection dropped: the book and the buffer are gone; answers in flight belong to the dead connection.</summary>
    public void Disconnect()
    {
        Mode = BookSyncMode.Down;
        Generation++;
        _pending.Clear();
        Book.Reset();
    }

    /// <summary>A (re)connect or a gap: forget everything and sync from scratch.</summary>
    public void Begin()
    {
        _pending.Clear();
        Book.Reset();
        SnapshotAttempts = 0;
        Restart();
    }

    /// <summary>Wait for a new snapshot, keeping the buffered diffs (a stale snapshot, an overflow).</summary>
    public void Restart()
    {
        Mode = BookSyncMode.Syncing;
        Generation++;
    }

    /// <summary>Counts a snapshot request of the current generation (for the back-off).</summary>
    public void CountSnapshotRequest() => SnapshotAttempts++;

    /// <summary>
    /// One diff (its levels in <paramref name="bids"/>/<paramref name="asks"/>, valid only during the call).
    /// On <see cref="DiffOutcome.Gap"/>, <paramref name="gapDetail"/> says which ids did not follow.
    /// </summary>
    public DiffOutcome OnDiff(in DepthUpdateEvent d, ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks, out string? gapDetail)
    {
        gapDetail = null;
        switch (Mode)
        {
            case BookSyncMode.Syncing:
                return Buffer(d, bids, asks);
            case BookSyncMode.Live:
                var r = Apply(d.FirstUpdateId, d.FinalUpdateId, d.PrevFinalUpdateId, bids, asks);
                if (r == BookApplyResult.Applied)
                {
                    LastAppliedEventTimeMs = d.EventTimeMs;
                    return DiffOutcome.Applied;
                }

                if (r != BookApplyResult.Gap)
                {
                    return DiffOutcome.Stale;
                }

                gapDetail = Book.Rule == DepthSequenceRule.Futures
                    ? $"diff U={d.FirstUpdateId} u={d.FinalUpdateId} pu={d.PrevFinalUpdateId} after u={Book.LastUpdateId}"
                    : $"diff U={d.FirstUpdateId} u={d.FinalUpdateId} after u={Book.LastUpdateId}";
                GapResyncs++;
                Begin();
                Buffer(d, bids, asks); // the diff after the gap is still news; the snapshot decides whether it applies
                return DiffOutcome.Gap;
            default:
                return DiffOutcome.Ignored;
        }
    }

    /// <summary>
    /// A snapshot answer of the current generation: applied, then the buffer replayed. On
    /// <see cref="SnapshotOutcome.Stale"/> the synchronizer already waits for the next one (<paramref name="staleDetail"/> says why).
    /// <paramref name="eventTimeMs"/> is the exchange time the book now stands at (the last replayed diff, else the snapshot's).
    /// </summary>
    public SnapshotOutcome OnSnapshot(DepthSnapshot s, out long eventTimeMs, out string? staleDetail)
    {
        staleDetail = null;
        _snapshot = s;
        _bridged = false;
        Book.ApplySnapshot(s.LastUpdateId, ToLevels(s.Bids), ToLevels(s.Asks));
        SnapshotsApplied++;
        eventTimeMs = s.EventTime;
        foreach (var d in _pending)
        {
            var r = Apply(d.First, d.Final, d.Prev, d.Bids, d.Asks);
            if (r == BookApplyResult.Gap)
            {
                // The snapshot is older than the first buffered diff (or the buffer itself broke): a newer one fixes both.
                staleDetail = $"snapshot lastUpdateId={s.LastUpdateId} does not bridge to buffered diff U={d.First} u={d.Final}";
                Restart();
                return SnapshotOutcome.Stale;
            }

            if (r == BookApplyResult.Applied)
            {
                eventTimeMs = d.EventTimeMs;
                LastAppliedEventTimeMs = d.EventTimeMs;
            }
        }

        _pending.Clear();
        Mode = BookSyncMode.Live;
        return SnapshotOutcome.Synced;
    }

    /// <summary>First retry after <paramref name="first"/>, doubling per attempt up to <paramref name="max"/>.</summary>
    public TimeSpan RetryDelay(TimeSpan first, TimeSpan max) => TimeSpan.FromTicks(Math.Min(
        max.Ticks,
        first.Ticks * (1L << Math.Clamp(SnapshotAttempts - 1, 0, 20))));

    /// <summary>The top of the book, best first (a copy: the event leaves the stage).</summary>
    public (PriceLevel[] Bids, PriceLevel[] Asks) Top(int levels)
    {
        var bids = new PriceLevel[Math.Min(levels, Book.BidCount)];
        var asks = new PriceLevel[Math.Min(levels, Book.AskCount)];
        Book.CopyBids(bids);
        Book.CopyAsks(asks);
        return (bids, asks);
    }

    private DiffOutcome Buffer(in DepthUpdateEvent d, ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks)
    {
        var outcome = DiffOutcome.Buffered;
        if (_pending.Count >= maxBufferedDiffs)
        {
            // A snapshot that slow is useless anyway: start over with a fresh one.
            _pending.Clear();
            Restart();
            outcome = DiffOutcome.Overflowed;
        }

        _pending.Add(new BufferedDiff(d.FirstUpdateId, d.FinalUpdateId, d.PrevFinalUpdateId, d.EventTimeMs, bids.ToArray(), asks.ToArray()));
        return outcome;
    }

    /// <summary>
    /// <see cref="LocalOrderBook.ApplyDiff"/>, plus one case its futures rule rejects: a snapshot taken
    /// exactly at a diff boundary (lastUpdateId = u of a diff we never see) followed by the next diff,
    /// <c>pu</c> = lastUpdateId but <c>U</c> &gt; lastUpdateId. That diff continues the snapshot, so it
    /// is bridged by re-basing the (untouched) snapshot on <c>U</c>, instead of resyncing for nothing.
    /// </summary>
    private BookApplyResult Apply(long first, long final, long prev, ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks)
    {
        var r = Book.ApplyDiff(first, final, prev, bids, asks);
        if (r == BookApplyResult.Gap && !_bridged && _snapshot is { } s && Book.Rule == DepthSequenceRule.Futures
            && prev == s.LastUpdateId && first > s.LastUpdateId)
        {
            Book.ApplySnapshot(first, ToLevels(s.Bids), ToLevels(s.Asks));
            r = Book.ApplyDiff(first, final, prev, bids, asks);
        }

        if (r == BookApplyResult.Applied && !_bridged)
        {
            _bridged = true;
            _snapshot = null;
        }

        return r;
    }

    private static ReadOnlySpan<PriceLevel> ToLevels(IReadOnlyList<PriceLevel> levels)
    {
        if (levels is PriceLevel[] array)
        {
            return array;
        }

        var result = new PriceLevel[levels.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = levels[i];
        }

        return result;
    }

    private sealed record BufferedDiff(long First, long Final, long Prev, long EventTimeMs, PriceLevel[] Bids, PriceLevel[] Asks);
}
