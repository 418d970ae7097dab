using System.Globalization;
using System.Text.Json;

namespace Arbitrage.Simulator.Market;

/// <summary>
/// A price-level book rebuilt from the tape's snapshot and depth diffs. A recorder fetches its REST snapshot while
/// diffs keep streaming, so a tape often shows diffs newer than the snapshot before the snapshot itself: those
/// (the last <see cref="RecentDiffs"/>) are applied again on top of it, as a client bridging the snapshot would.
/// </summary>
public sealed class OrderBook
{
    /// <summary>Diffs kept to replay over a later snapshot.</summary>
    public const int RecentDiffs = 64;

    private readonly Queue<JsonElement> _recent = new();
    private readonly SortedDictionary<decimal, decimal> _bids = new(Comparer<decimal>.Create((a, b) => b.CompareTo(a)));
    private readonly SortedDictionary<decimal, decimal> _asks = new();

    /// <summary>The <c>u</c> of the last applied diff (or the snapshot's lastUpdateId).</summary>
    public long LastUpdateId { get; private set; }

    public long LastEventTime { get; private set; }
    public long LastTransactionTime { get; private set; }

    public IEnumerable<KeyValuePair<decimal, decimal>> Bids => _bids;
    public IEnumerable<KeyValuePair<decimal, decimal>> Asks => _asks;

    public void ApplySnapshot(JsonElement r)
    {
        _bids.Clear();
        _asks.Clear();
        LastUpdateId = r.GetProperty("lastUpdateId").GetInt64();
        LastEventTime = r.TryGetProperty("E", out var e) ? e.GetInt64() : LastEventTime;
        LastTransactionTime = r.TryGetProperty("T", out var t) ? t.GetInt64() : LastTransactionTime;
        Apply(_bids, r.GetProperty("bids"));
        Apply(_asks, r.GetProperty("asks"));
        foreach (var diff in _recent) ApplyDiff(diff, remember: false); // only those newer than the snapshot apply
    }

    public void ApplyDiff(JsonElement r) => ApplyDiff(r, remember: true);

    private void ApplyDiff(JsonElement r, bool remember)
    {
        if (remember)
        {
            _recent.Enqueue(r.Clone());
            if (_recent.Count > RecentDiffs) _recent.Dequeue();
        }

        var u = r.GetProperty("u").GetInt64();
        if (u <= LastUpdateId) return; // older than the snapshot
        LastUpdateId = u;
        LastEventTime = r.TryGetProperty("E", out var e) ? e.GetInt64() : LastEventTime;
        LastTransactionTime = r.TryGetProperty("T", out var t) ? t.GetInt64() : LastEventTime;
        Apply(_bids, r.GetProperty("b"));
        Apply(_asks, r.GetProperty("a"));
    }

    public void Clear()
    {
        _bids.Clear();
        _asks.Clear();
        _recent.Clear();
        LastUpdateId = 0;
    }

    private static void Apply(SortedDictionary<decimal, decimal> side, JsonElement levels)
    {
        foreach (var l in levels.EnumerateArray())
        {
            var p = decimal.Parse(l[0].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
            var q = decimal.Parse(l[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (q == 0) side.Remove(p);
            else side[p] = q;
        }
    }
}
