namespace Arbitrage.Simulator.Http;

/// <summary>Request weight per wall-clock minute and order counts per 10 s / 1 min, as Binance reports them in headers.</summary>
public sealed class WeightMeter(TimeProvider time)
{
    private readonly Lock _gate = new();
    private long _minute = -1;
    private int _weight;
    private readonly Queue<long> _orders = new();

    public int UsedWeight { get { lock (_gate) return _weight; } }

    /// <summary>Adds <paramref name="weight"/>; returns the minute's total after it.</summary>
    public int Add(int weight)
    {
        lock (_gate)
        {
            var minute = time.GetUtcNow().ToUnixTimeMilliseconds() / 60_000;
            if (minute != _minute)
            {
                _minute = minute;
                _weight = 0;
            }
            _weight += weight;
            return _weight;
        }
    }

    /// <summary>Seconds until the current minute ends (Retry-After of a 429).</summary>
    public int SecondsToNextMinute()
    {
        var ms = time.GetUtcNow().ToUnixTimeMilliseconds();
        return (int)Math.Max(1, (60_000 - ms % 60_000 + 999) / 1000);
    }

    public (int Last10S, int Last1M) CountOrder()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            _orders.Enqueue(now);
            while (_orders.Count > 0 && _orders.Peek() <= now - 60_000) _orders.Dequeue();
            var last10 = _orders.Count(t => t > now - 10_000);
            return (last10, _orders.Count);
        }
    }
}
