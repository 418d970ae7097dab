namespace Arbitrage.Binance.Rest;

/// <summary>
/// What the exchange told us about our request budget: used weight and order counts from the
/// response headers, the resume time after a 429 and the ban after a 418. Calls ask
/// <see cref="TryEnter()"/> before touching the network.
/// </summary>
public sealed class RateLimitGate(TimeProvider time)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _resumeAt;
    private DateTimeOffset? _ordersResumeAt;
    private DateTimeOffset? _bannedUntil;
    private bool _banned;

    /// <summary><c>X-MBX-USED-WEIGHT-1M</c> of the last response (−1 before any).</summary>
    public int UsedWeight1M { get; private set; } = -1;

    /// <summary><c>X-MBX-ORDER-COUNT-10S</c> of the last order response (−1 before any).</summary>
    public int OrderCount10S { get; private set; } = -1;

    /// <summary><c>X-MBX-ORDER-COUNT-1M</c> of the last order response (−1 before any).</summary>
    public int OrderCount1M { get; private set; } = -1;

    /// <summary><c>X-MBX-ORDER-COUNT-1D</c> of the last spot order response (−1 before any).</summary>
    public int OrderCount1D { get; private set; } = -1;

    /// <summary>Set after a spot -1015 (too many new orders) until it passes: spot placements wait, other calls go on.</summary>
    public DateTimeOffset? OrdersResumeAt { get { lock (_gate) return _ordersResumeAt; } }

    /// <summary>Set after a 429 until it passes.</summary>
    public DateTimeOffset? ResumeAt { get { lock (_gate) return _resumeAt; } }

    /// <summary>True after a 418 until <see cref="ClearBan"/>.</summary>
    public bool IsBanned { get { lock (_gate) return _banned; } }

    /// <summary>The end of the ban Binance announced (Retry-After of the 418), if any.</summary>
    public DateTimeOffset? BannedUntil { get { lock (_gate) return _bannedUntil; } }

    /// <summary>Null when a call may go out now, else the error to return without calling.</summary>
    public BinanceError? TryEnter() => TryEnter(placesSpotOrder: false);

    /// <summary>As <see cref="TryEnter()"/>; a spot placement is also refused while spot's order-count limit (-1015) lasts.</summary>
    public BinanceError? TryEnter(bool placesSpotOrder)
    {
        lock (_gate)
        {
            if (placesSpotOrder && !_banned && _ordersResumeAt is { } ordersResume)
            {
                if (time.GetUtcNow() < ordersResume)
                    return new BinanceError(-1015, $"Order-count limit reached (-1015); new orders resume at {ordersResume:O}.",
                        null, BinanceErrorKind.RateLimited) { RetryAt = ordersResume };
                _ordersResumeAt = null;
            }
            if (_banned)
                return new BinanceError(-1003, "IP banned by Binance (HTTP 418); the client is stopped until an operator clears the ban.",
                    null, BinanceErrorKind.IpBanned) { RetryAt = _bannedUntil };
            if (_resumeAt is { } resume)
            {
                if (time.GetUtcNow() < resume)
                    return new BinanceError(-1003, $"Rate limited by Binance (HTTP 429); calls resume at {resume:O}.",
                        null, BinanceErrorKind.RateLimited) { RetryAt = resume };
                _resumeAt = null;
            }
            return null;
        }
    }

    internal void ObserveHeaders(int? usedWeight, int? orders10S, int? orders1M, int? orders1D = null)
    {
        lock (_gate)
        {
            if (orders1D is { } d) OrderCount1D = d;
            if (usedWeight is { } w) UsedWeight1M = w;
            if (orders10S is { } o) OrderCount10S = o;
            if (orders1M is { } m) OrderCount1M = m;
        }
    }

    internal DateTimeOffset BackOff(TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var resume = time.GetUtcNow() + retryAfter;
            if (_resumeAt is null || resume > _resumeAt) _resumeAt = resume;
            return _resumeAt.Value;
        }
    }

    /// <summary>Binance spot's -1015: only new spot orders wait (queries, cancels and USD-M are not counted against it).</summary>
    internal DateTimeOffset BackOffOrders(TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var resume = time.GetUtcNow() + retryAfter;
            if (_ordersResumeAt is null || resume > _ordersResumeAt) _ordersResumeAt = resume;
            return _ordersResumeAt.Value;
        }
    }

    internal void Ban(TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            _banned = true;
            _bannedUntil = retryAfter is { } r ? time.GetUtcNow() + r : null;
        }
    }

    /// <summary>An operator's decision to call again after a ban.</summary>
    public void ClearBan()
    {
        lock (_gate)
        {
            _banned = false;
            _bannedUntil = null;
        }
    }
}
