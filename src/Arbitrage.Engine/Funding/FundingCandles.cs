namespace Arbitrage.Engine.Funding;

/// <summary>Which value a funding candle follows.</summary>
public enum CandleField
{
    /// <summary>Mark price: exact OHLC (every snapshot row carries its bucket's open/high/low/close).</summary>
    Mark,

    /// <summary>Predicted funding rate: OHLC of the rows' last-in-bucket values (as exact as the tier's resolution).</summary>
    Funding,
}

/// <summary>One candle; <paramref name="TimeMs"/> is its open time.</summary>
public sealed record FundingCandle(long TimeMs, decimal Open, decimal High, decimal Low, decimal Close, int Updates);

/// <summary>Candles from snapshot rows (pure).</summary>
public static class FundingCandles
{
    /// <summary>Rows in time order, one resolution dividing <paramref name="intervalMs"/>; empty buckets produce no candle.</summary>
    public static List<FundingCandle> Build(IReadOnlyList<FundingSnapshotRow> rows, CandleField field, long intervalMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intervalMs, 1);
        var candles = new List<FundingCandle>();
        long start = long.MinValue;
        decimal o = 0, h = 0, l = 0, c = 0;
        var n = 0;
        foreach (var r in rows)
        {
            var bucket = r.TimeMs - (((r.TimeMs % intervalMs) + intervalMs) % intervalMs);
            var (ro, rh, rl, rc) = field == CandleField.Mark
                ? (r.MarkOpen, r.MarkHigh, r.MarkLow, r.Mark)
                : (r.PredictedRate, r.PredictedRate, r.PredictedRate, r.PredictedRate);
            if (n > 0 && bucket == start)
            {
                if (rh > h) h = rh;
                if (rl < l) l = rl;
                c = rc;
                n += r.Updates;
                continue;
            }

            if (n > 0) candles.Add(new FundingCandle(start, o, h, l, c, n));
            start = bucket;
            (o, h, l, c, n) = (ro, rh, rl, rc, r.Updates);
        }

        if (n > 0) candles.Add(new FundingCandle(start, o, h, l, c, n));
        return candles;
    }
}
