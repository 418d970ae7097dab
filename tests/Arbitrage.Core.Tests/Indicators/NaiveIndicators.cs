using Arbitrage.Core.Indicators;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Core.Tests.Indicators;

/// <summary>Volumes the tolerances of the float comparisons are relative to (Σ|terms| of each window).</summary>
internal readonly record struct NaiveScales(double Vol30m, double Vol4h, double Vol24h, double Vol10m, double Vol5m);

/// <summary>
/// The reference: keeps every trade it is given and recomputes every indicator at every tick from that raw
/// list, straight from ARCHITECTURE.md §4 (and the documented rules for late trades). Deliberately slow and
/// simple: no buckets, no running sums, no cleverness.
/// </summary>
internal sealed class NaiveIndicators
{
    private const long Tick = 15_000;
    private const long Minute = 60_000;
    private const long Candle = 300_000;

    private readonly List<(Trade Trade, double LargeThreshold, bool InCandles)> _trades = [];
    private long? _nextTick;
    private long? _lastEvaluated;
    private long _firstPeriod;
    private double? _p99InForce;

    public List<IndicatorValues> Ticks { get; } = [];
    public List<NaiveScales> Scales { get; } = [];

    public void OnTrade(Trade trade)
    {
        if (_nextTick is null)
        {
            _nextTick = (FloorDiv(trade.TimeMs, Tick) + 1) * Tick;
            _firstPeriod = FloorDiv(trade.TimeMs, Candle);
        }
        else
        {
            while (_nextTick <= trade.TimeMs)
            {
                Evaluate();
            }
        }

        long period = FloorDiv(trade.TimeMs, Candle);
        bool inCandles = period >= _firstPeriod && (_lastEvaluated is null || (period + 1) * Candle > _lastEvaluated);
        _trades.Add((trade, _p99InForce ?? double.PositiveInfinity, inCandles));
    }

    public void AdvanceTo(long nowMs)
    {
        if (_nextTick is null)
        {
            return;
        }

        while (_nextTick <= nowMs)
        {
            Evaluate();
        }
    }

    private static long FloorDiv(long a, long b) => (long)Math.Floor((double)a / b);

    private void Evaluate()
    {
        long t = _nextTick!.Value;
        // One pass over the raw trades: every window sum straight from its definition t − W ≤ time_ms < t.
        long count = 0;
        double lastPrice = double.NaN;
        double cvd30 = 0, cvd4h = 0, cvd24h = 0, cvd5 = 0, cvdPrev5 = 0;
        double vol30 = 0, vol4h = 0, vol24h = 0, vol10 = 0, vol5 = 0;
        double not30 = 0, not4h = 0, not24h = 0;
        double largeBuy = 0, largeSell = 0;
        var day = new List<double>();
        foreach (var (trade, largeThreshold, _) in _trades)
        {
            long time = trade.TimeMs;
            if (time >= t)
            {
                continue;
            }

            count++;
            lastPrice = trade.Price;
            double q = trade.Quantity;
            if (time >= t - 1440 * Minute)
            {
                cvd24h += trade.Delta;
                vol24h += q;
                not24h += trade.Price * q;
                day.Add(q);
            }

            if (time >= t - 240 * Minute)
            {
                cvd4h += trade.Delta;
                vol4h += q;
                not4h += trade.Price * q;
            }

            if (time >= t - 30 * Minute)
            {
                cvd30 += trade.Delta;
                vol30 += q;
                not30 += trade.Price * q;
            }

            if (time >= t - 10 * Minute)
            {
                vol10 += q;
                if (time >= t - 5 * Minute)
                {
                    cvd5 += trade.Delta;
                    vol5 += q;
                    if (q >= largeThreshold)
                    {
                        if (trade.IsBuyerMaker)
                        {
                            largeSell += q;
                        }
                        else
                        {
                            largeBuy += q;
                        }
                    }
                }
                else
                {
                    cvdPrev5 += trade.Delta;
                }
            }
        }

        // Candles: every period from the first trade's to the last one ending at or before t.
        var atrs = new List<double>();
        double? atr = null;
        double prevClose = double.NaN;
        var trs = new List<double>();
        var byPeriod = new Dictionary<long, List<double>>();
        foreach (var x in _trades.Where(x => x.InCandles))
        {
            long p = FloorDiv(x.Trade.TimeMs, Candle);
            if (!byPeriod.TryGetValue(p, out var list))
            {
                byPeriod[p] = list = [];
            }

            list.Add(x.Trade.Price);
        }

        for (long p = _firstPeriod; (p + 1) * Candle <= t; p++)
        {
            var prices = byPeriod.GetValueOrDefault(p) ?? [];
            double h, l, c;
            if (prices.Count == 0)
            {
                h = l = c = prevClose;
            }
            else
            {
                h = prices.Max();
                l = prices.Min();
                c = prices[^1];
            }

            double tr = trs.Count == 0 ? h - l : Math.Max(h - l, Math.Max(Math.Abs(h - prevClose), Math.Abs(l - prevClose)));
            trs.Add(tr);
            if (trs.Count == 14)
            {
                double sum = 0;
                foreach (double x in trs)
                {
                    sum += x;
                }

                atr = sum / 14;
                atrs.Add(atr.Value);
            }
            else if (trs.Count > 14)
            {
                atr = (atr!.Value * 13 + tr) / 14;
                atrs.Add(atr.Value);
            }

            prevClose = c;
        }

        double? percentile = null;
        if (atr is { } current)
        {
            var last = atrs.Skip(Math.Max(0, atrs.Count - 288)).ToList();
            percentile = 100.0 * last.Count(x => x <= current) / last.Count;
        }

        day.Sort();
        double? p99 = day.Count == 0 ? null : day[(int)Math.Ceiling(0.99m * day.Count) - 1];

        Ticks.Add(new IndicatorValues(
            t,
            count,
            cvd30,
            cvd4h,
            cvd24h,
            vol30 == 0 ? null : not30 / vol30,
            vol4h == 0 ? null : not4h / vol4h,
            vol24h == 0 ? null : not24h / vol24h,
            atr,
            percentile,
            p99,
            cvd5 - cvdPrev5,
            largeBuy,
            largeSell,
            lastPrice));
        Scales.Add(new NaiveScales(vol30, vol4h, vol24h, vol10, vol5));

        _p99InForce = p99;
        _lastEvaluated = t;
        _nextTick = t + Tick;
    }
}
