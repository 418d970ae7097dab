using System.Text;
using Microsoft.Extensions.Logging;

namespace Arbitrage.Binance.Protocol;

/// <summary>
/// Counts malformed frames per <see cref="ParseErrorCode"/> and logs them at most once per interval
/// (with the number suppressed since the last line), so a broken feed cannot flood the log.
/// Thread-safe.
/// </summary>
public sealed class FrameErrorCounter
{
    private const int MaxLoggedBytes = 256;
    private readonly long[] _byCode = new long[Enum.GetValues<ParseErrorCode>().Length];
    private readonly ILogger? _logger;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private long _total;
    private long _suppressed;
    private long _nextLogTimestamp = long.MinValue;

    public FrameErrorCounter(ILogger? logger = null, TimeSpan? logInterval = null, TimeProvider? time = null)
    {
        _logger = logger;
        _interval = logInterval ?? TimeSpan.FromSeconds(10);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Called (rate-limited, like the log) with the error, a frame prefix and the suppressed count.</summary>
    public event Action<ParseError, string, long>? Reported;

    public long Count => Interlocked.Read(ref _total);

    public long CountOf(ParseErrorCode code) => Interlocked.Read(ref _byCode[(int)code]);

    /// <summary>Convenience for <c>counter.Track(Parser.TryParse(..., out var e), e, frame)</c>: records failures, returns <paramref name="ok"/>.</summary>
    public bool Track(bool ok, in ParseError error, ReadOnlySpan<byte> frame)
    {
        if (!ok)
        {
            Record(error, frame);
        }

        return ok;
    }

    public void Record(in ParseError error, ReadOnlySpan<byte> frame)
    {
        Interlocked.Increment(ref _total);
        Interlocked.Increment(ref _byCode[(int)error.Code]);
        if (_logger is null && Reported is null)
        {
            return;
        }

        long now = _time.GetTimestamp();
        long suppressed;
        lock (_gate)
        {
            if (now < _nextLogTimestamp)
            {
                _suppressed++;
                return;
            }

            suppressed = _suppressed;
            _suppressed = 0;
            _nextLogTimestamp = now + (long)(_interval.TotalSeconds * _time.TimestampFrequency);
        }

        string prefix = Encoding.UTF8.GetString(frame[..Math.Min(frame.Length, MaxLoggedBytes)]);
        _logger?.LogWarning(
            "Malformed Binance frame: {Error}; {Suppressed} more suppressed since last report; total {Total}; frame starts {Frame}",
            error.ToString(), suppressed, Count, prefix);
        Reported?.Invoke(error, prefix, suppressed);
    }
}
