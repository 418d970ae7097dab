using Arbitrage.Core.MarketData;

namespace Arbitrage.Benchmarks.Indicators;

/// <summary>
/// The baseline: what the source system did — keep every trade, recompute every indicator from the raw list
/// at each 15 s tick (the same work as the naive reference of the tests, without its late-trade rules).
/// </summary>
internal sealed class NaiveRecompute
{
    private readonly List<Trade> _trades = new(16_384);
    private readonly List<double> _window = new(16_384);
    private long _nextTick = long.MinValue;
    private long _firstPeriod;
    private double _p99InForce = double.PositiveInfinity;
    private readonly List<double> _largeThresholds = new(16_384);

    public double Checksum { get; private set; }

    public void OnTrade(in Trade trade)
    {
        if (_nextTick == long.MinValue)
        {
            _nextTick = (trade.TimeMs / 15_000 + 1) * 15_000;
            _firstPeriod = trade.TimeMs / 300_000;
        }

        while (_nextTick <= trade.TimeMs)
        {
            Evaluate(_nextTick);
            _nextTick += 15_000;
        }

        _trades.Add(trade);
        _largeThresholds.Add(_p99InForce);
    }

    private void Evaluate(long t)
    {
        double cvd30 = 0, cvd4h = 0, cvd24h = 0, v30 = 0, v4h = 0, v24h = 0, n30 = 0, n4h = 0, n24h = 0;
        double cvd5 = 0, cvdPrev5 = 0, largeBuy = 0, largeSell = 0;
        _window.Clear();
        for (int i = 0; i < _trades.Count; i++)
        {
            var x = _trades[i];
            long age = t - x.TimeMs;
            double pq = x.Price * x.Quantity;
            if (age <= 86_400_000)
            {
                cvd24h += x.Delta;
                v24h += x.Quantity;
                n24h += pq;
                _window.Add(x.Quantity);
            }

            if (age <= 14_400_000)
            {
                cvd4h += x.Delta;
                v4h += x.Quantity;
                n4h += pq;
            }

            if (age <= 1_800_000)
            {
                cvd30 += x.Delta;
                v30 += x.Quantity;
                n30 += pq;
            }

            if (age <= 300_000)
            {
                cvd5 += x.Delta;
                if (x.Quantity >= _largeThresholds[i])
                {
                    if (x.IsBuyerMaker)
                    {
                        largeSell += x.Quantity;
                    }
                    else
                    {
                        largeBuy += x.Quantity;
                    }
                }
            }
            else if (age <= 600_000)
            {
                cvdPrev5 += x.Delta;
            }
        }

        // Candles and ATR from scratch.
        double atr = double.NaN, prevClose = double.NaN, trSum = 0;
        int closed = 0, idx = 0;
        for (long p = _firstPeriod; (p + 1) * 300_000 <= t; p++)
        {
            double h = double.MinValue, l = double.MaxValue, c = prevClose;
            for (; idx < _trades.Count && _trades[idx].TimeMs < (p + 1) * 300_000; idx++)
            {
                double price = _trades[idx].Price;
                h = Math.Max(h, price);
                l = Math.Min(l, price);
                c = price;
            }

            if (h == double.MinValue)
            {
                h = l = c = prevClose;
            }

            double tr = closed == 0 ? h - l : Math.Max(h - l, Math.Max(Math.Abs(h - prevClose), Math.Abs(l - prevClose)));
            closed++;
            if (closed <= 14)
            {
                trSum += tr;
                atr = closed == 14 ? trSum / 14 : double.NaN;
            }
            else
            {
                atr = (atr * 13 + tr) / 14;
            }

            prevClose = c;
        }

        _window.Sort();
        double p99 = _window.Count == 0 ? double.NaN : _window[(int)Math.Ceiling(0.99 * _window.Count) - 1];
        _p99InForce = double.IsNaN(p99) ? double.PositiveInfinity : p99;
        Checksum += cvd30 + cvd4h + cvd24h + n30 / v30 + n4h / v4h + n24h / v24h + cvd5 - cvdPrev5 + largeBuy + largeSell
            + (double.IsNaN(atr) ? 0 : atr) + (double.IsNaN(p99) ? 0 : p99);
    }
}
