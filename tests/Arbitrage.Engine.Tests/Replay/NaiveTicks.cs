using Arbitrage.Core.MarketData;

namespace Arbitrage.Engine.Tests.Replay;

/// <summary>One tick recomputed from the raw trades (ARCHITECTURE §4), no incremental state.</summary>
public sealed record NaiveTick(
    long TimeMs,
    long Trades,
    double[] Cvd,
    double?[] Vwap,
    double[] Volume,
    double? Atr,
    double? AtrPercentile,
    double? P985,
    double? P995,
    double LastPrice);

/// <summary>
/// The naive reference for the replay's indicators file: every value straight from its definition over the
/// raw trade list (windows t − W ≤ time &lt; t, 5-minute candles with flat empty periods, Wilder ATR(14),
/// percentile over the last 288 ATRs, nearest-rank quantiles of the 24 h quantities).
/// </summary>
public static class NaiveTicks
{
    public static readonly long[] WindowsMs = [30 * 60_000L, 4 * 3_600_000L, 24 * 3_600_000L];
    private const long CandleMs = 300_000;

    public static NaiveTick At(IReadOnlyList<Trade> trades, long t)
    {
        var cvd = new double[3];
        var qty = new double[3];
        var notional = new double[3];
        var day = new List<double>();
        long count = 0;
        var last = double.NaN;
        foreach (var x in trades)
        {
            if (x.TimeMs >= t)
            {
                continue;
            }

            count++;
            last = x.Price;
            for (var w = 0; w < 3; w++)
            {
                if (x.TimeMs >= t - WindowsMs[w])
                {
                    cvd[w] += x.IsBuyerMaker ? -x.Quantity : x.Quantity;
                    qty[w] += x.Quantity;
                    notional[w] += x.Price * x.Quantity;
                }
            }

            if (x.TimeMs >= t - WindowsMs[2])
            {
                day.Add(x.Quantity);
            }
        }

        var vwap = new double?[3];
        for (var w = 0; w < 3; w++)
        {
            vwap[w] = qty[w] > 0 ? notional[w] / qty[w] : null;
        }

        var (atr, pct) = Atr(trades, t);
        day.Sort();
        return new NaiveTick(t, count, cvd, vwap, qty, atr, pct, Rank(day, 0.985), Rank(day, 0.995), last);
    }

    private static double? Rank(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static (double? Atr, double? Percentile) Atr(IReadOnlyList<Trade> trades, long t)
    {
        var first = trades[0].TimeMs / CandleMs;
        var byPeriod = new Dictionary<long, List<double>>();
        foreach (var x in trades)
        {
            if (x.TimeMs < t)
            {
                var p = x.TimeMs / CandleMs;
                if (!byPeriod.TryGetValue(p, out var list))
                {
                    byPeriod[p] = list = [];
                }

                list.Add(x.Price);
            }
        }

        var atrs = new List<double>();
        double? atr = null;
        var prevClose = double.NaN;
        var trSum = 0.0;
        var closed = 0;
        for (var p = first; (p + 1) * CandleMs <= t; p++)
        {
            double h, l, c;
            if (byPeriod.TryGetValue(p, out var prices))
            {
                h = prices.Max();
                l = prices.Min();
                c = prices[^1];
            }
            else
            {
                h = l = c = prevClose;
            }

            var tr = closed == 0 ? h - l : Math.Max(h - l, Math.Max(Math.Abs(h - prevClose), Math.Abs(l - prevClose)));
            closed++;
            if (closed < 14)
            {
                trSum += tr;
            }
            else if (closed == 14)
            {
                atr = (trSum + tr) / 14;
                atrs.Add(atr.Value);
            }
            else
            {
                atr = ((atr!.Value * 13) + tr) / 14;
                atrs.Add(atr.Value);
            }

            prevClose = c;
        }

        if (atr is not { } current)
        {
            return (null, null);
        }

        var recent = atrs.Skip(Math.Max(0, atrs.Count - 288)).ToList();
        return (atr, 100.0 * recent.Count(a => a <= current) / recent.Count);
    }
}
