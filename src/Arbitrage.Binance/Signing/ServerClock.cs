namespace Arbitrage.Binance.Signing;

/// <summary>
/// Request timestamps for signed calls: local clock plus the last measured offset to Binance's
/// server time. Binance rejects a timestamp more than 1 s ahead of it or older than recvWindow (-1021).
/// </summary>
public sealed class ServerClock(TimeProvider time)
{
    private long _offsetMs;

    /// <summary>Server time minus local time, in milliseconds.</summary>
    public long OffsetMs => Interlocked.Read(ref _offsetMs);

    public long LocalNowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The timestamp to put on a signed request.</summary>
    public long NowMs => LocalNowMs + OffsetMs;

    /// <summary>
    /// Records a server time read by a request sent at <paramref name="sentLocalMs"/> and answered at
    /// <paramref name="receivedLocalMs"/>; the server is assumed to have stamped it half-way.
    /// </summary>
    public void Observe(long serverTimeMs, long sentLocalMs, long receivedLocalMs)
    {
        var midpoint = sentLocalMs + (receivedLocalMs - sentLocalMs) / 2;
        Interlocked.Exchange(ref _offsetMs, serverTimeMs - midpoint);
    }

    public void SetOffset(long offsetMs) => Interlocked.Exchange(ref _offsetMs, offsetMs);
}
