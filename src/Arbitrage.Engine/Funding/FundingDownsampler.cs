namespace Arbitrage.Engine.Funding;

/// <summary>
/// Folds mark-price updates (in event-time order) into one open bucket per tier; a bucket is emitted as a
/// row when an update falls into a later bucket. Open buckets can be emitted early (a flush) and again
/// when they close: the store upserts by (symbol, resolution, time), so the last write wins.
/// </summary>
public sealed class FundingDownsampler
{
    private readonly string _symbol;
    private readonly long[] _resolutions;
    private readonly Bucket[] _open;

    public FundingDownsampler(string symbol, IReadOnlyList<SnapshotTier> tiers)
    {
        _symbol = symbol;
        _resolutions = new long[tiers.Count];
        for (var i = 0; i < tiers.Count; i++) _resolutions[i] = tiers[i].ResolutionMs;
        _open = new Bucket[tiers.Count];
    }

    /// <summary>Adds one update; rows of buckets it closes are appended to <paramref name="closed"/>.</summary>
    public void Add(MarkPriceUpdate u, List<FundingSnapshotRow> closed)
    {
        var basis = u.Basis;
        for (var i = 0; i < _resolutions.Length; i++)
        {
            var res = _resolutions[i];
            var start = u.EventTimeMs - (((u.EventTimeMs % res) + res) % res);
            ref var b = ref _open[i];
            if (b.Updates > 0 && b.Start == start)
            {
                if (u.MarkPrice > b.High) b.High = u.MarkPrice;
                if (u.MarkPrice < b.Low) b.Low = u.MarkPrice;
                b.Last = u;
                b.Basis = basis;
                b.Updates++;
                continue;
            }

            if (b.Updates > 0) closed.Add(ToRow(res, b));
            b = new Bucket { Start = start, Open = u.MarkPrice, High = u.MarkPrice, Low = u.MarkPrice, Last = u, Basis = basis, Updates = 1 };
        }
    }

    /// <summary>Appends the rows of the still-open buckets (they stay open).</summary>
    public void AddOpenRows(List<FundingSnapshotRow> rows)
    {
        for (var i = 0; i < _resolutions.Length; i++)
        {
            if (_open[i].Updates > 0) rows.Add(ToRow(_resolutions[i], _open[i]));
        }
    }

    private FundingSnapshotRow ToRow(long res, in Bucket b) => new(
        _symbol, res, b.Start, b.Open, b.High, b.Low, b.Last!.MarkPrice, b.Last.IndexPrice, b.Last.EstimatedSettlePrice,
        b.Basis, b.Last.PredictedRate, b.Last.NextFundingTimeMs, b.Last.EventTimeMs, b.Updates);

    private struct Bucket
    {
        public long Start;
        public decimal Open, High, Low, Basis;
        public MarkPriceUpdate? Last;
        public int Updates;
    }
}
