using Arbitrage.Simulator.Exchange;

namespace Arbitrage.Simulator.Http;

/// <summary>
/// Binance spot's order-count limits (<c>rateLimitType: ORDERS</c>): accepted placements per 10-second and per UTC-day
/// interval. A placement over either limit is refused with HTTP 429 and -1015 before it reaches the account.
/// </summary>
public sealed class SpotOrderCount(TimeProvider time, int perTenSeconds, int perDay)
{
    private const long TenSecondsMs = 10_000;
    private const long DayMs = 86_400_000;

    private readonly Lock _gate = new();
    private long _tenSecondsStart = -1, _dayStart = -1;
    private int _tenSeconds, _day;

    public sealed record Refused(SimError Error, int RetryAfterSeconds);

    /// <summary>The refusal of a new placement now, or null when it is within both limits.</summary>
    public Refused? Refusal()
    {
        lock (_gate)
        {
            var now = Roll();
            if (_tenSeconds >= perTenSeconds)
                return new Refused(new SimError(429, -1015, $"Too many new orders; current limit is {perTenSeconds} orders per TEN_SECONDS."),
                    Seconds(_tenSecondsStart + TenSecondsMs - now));
            if (_day >= perDay)
                return new Refused(new SimError(429, -1015, $"Too many new orders; current limit is {perDay} orders per DAY."),
                    Seconds(_dayStart + DayMs - now));
            return null;
        }
    }

    /// <summary>Counts an accepted placement; returns the counts the answer's headers report.</summary>
    public (int TenSeconds, int Day) Count()
    {
        lock (_gate)
        {
            Roll();
            return (++_tenSeconds, ++_day);
        }
    }

    private long Roll()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now - now % TenSecondsMs != _tenSecondsStart) (_tenSecondsStart, _tenSeconds) = (now - now % TenSecondsMs, 0);
        if (now - now % DayMs != _dayStart) (_dayStart, _day) = (now - now % DayMs, 0);
        return now;
    }

    private static int Seconds(long ms) => (int)Math.Max(1, (ms + 999) / 1000);
}
