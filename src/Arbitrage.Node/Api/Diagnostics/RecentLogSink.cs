using Serilog.Core;
using Serilog.Events;

namespace Arbitrage.Node.Api.Diagnostics;

/// <summary>One rendered log event kept for <c>GET /api/diag/logs</c>.</summary>
public sealed record LogLine(DateTimeOffset Timestamp, string Level, string? Source, string Message, string? Exception);

/// <summary>
/// A Serilog sink keeping the last <see cref="Capacity"/> rendered events in memory (a ring buffer).
/// <see cref="Shared"/> is the node's instance: add it to the logger with <c>.WriteTo.Sink(RecentLogSink.Shared)</c>.
/// </summary>
public sealed class RecentLogSink(int capacity = 500) : ILogEventSink
{
    private const int MaxExceptionChars = 4000;
    private readonly LogLine[] _ring = new LogLine[capacity];
    private readonly Lock _gate = new();
    private long _written;

    public static RecentLogSink Shared { get; } = new();

    public int Capacity => _ring.Length;

    public void Emit(LogEvent logEvent)
    {
        var source = logEvent.Properties.TryGetValue("SourceContext", out var sc) && sc is ScalarValue { Value: string name } ? name : null;
        var exception = logEvent.Exception?.ToString();
        if (exception is { Length: > MaxExceptionChars })
        {
            exception = exception[..MaxExceptionChars] + "…";
        }

        var line = new LogLine(logEvent.Timestamp, logEvent.Level.ToString(), source, logEvent.RenderMessage(), exception);
        lock (_gate)
        {
            _ring[_written % _ring.Length] = line;
            _written++;
        }
    }

    /// <summary>The newest <paramref name="limit"/> lines at or above <paramref name="minimum"/>, oldest first.</summary>
    public IReadOnlyList<LogLine> Recent(int limit, LogEventLevel minimum = LogEventLevel.Verbose)
    {
        var result = new List<LogLine>(Math.Min(limit, _ring.Length));
        lock (_gate)
        {
            var count = (int)Math.Min(_written, _ring.Length);
            for (var i = 0; i < count && result.Count < limit; i++)
            {
                var line = _ring[(_written - 1 - i) % _ring.Length];
                if (Enum.Parse<LogEventLevel>(line.Level) >= minimum)
                {
                    result.Add(line);
                }
            }
        }

        result.Reverse();
        return result;
    }
}
