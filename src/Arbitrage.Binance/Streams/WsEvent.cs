using System.Buffers;

namespace Arbitrage.Binance.Streams;

/// <summary>Why a connection ended (or never started).</summary>
public enum DisconnectKind
{
    /// <summary>TCP, TLS or the HTTP upgrade failed, or timed out.</summary>
    ConnectFailed,
    /// <summary>The server sent a close frame (Binance does this at its 24 h limit and on maintenance).</summary>
    ClosedByServer,
    /// <summary>The transport broke: reset, abort, missing pong, oversized message.</summary>
    Error,
    /// <summary>We closed it ourselves before Binance's 24 h limit (<see cref="BinanceStreamOptions.MaxConnectionAge"/>).</summary>
    MaxAgeReached,
}

/// <summary>What a raw WebSocket source emits: connection status changes and complete text messages.</summary>
public abstract record WsEvent(DateTimeOffset Time);

/// <summary>The connection is open and subscribed; <paramref name="Attempt"/> counts connections of this source (1 = first).</summary>
public sealed record WsConnected(Uri Url, int Attempt, DateTimeOffset Time) : WsEvent(Time);

/// <summary>The connection ended; frames in flight are lost (resync: REST catch-up, new book snapshot).</summary>
public sealed record WsDisconnected(Uri Url, DisconnectKind Kind, string Reason, DateTimeOffset Time) : WsEvent(Time);

/// <summary>
/// One complete text message, assembled from its fragments in a buffer rented from
/// <see cref="ArrayPool{T}.Shared"/>. The receiver owns it: read <see cref="Span"/>, then
/// <see cref="Dispose"/> to return the buffer (a frame dropped without Dispose is merely collected).
/// </summary>
public sealed record WsFrame : WsEvent, IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    internal WsFrame(byte[] buffer, int length, DateTimeOffset time)
        : base(time)
    {
        _buffer = buffer;
        _length = length;
    }

    /// <summary>A copy (<c>with</c>) never owns the buffer, so it cannot be returned to the pool twice.</summary>
    private WsFrame(WsFrame original)
        : base(original)
    {
        _buffer = null;
        _length = 0;
    }

    /// <summary>For tests and fake sources: a frame over a copy of <paramref name="utf8"/>.</summary>
    public static WsFrame Copy(ReadOnlySpan<byte> utf8, DateTimeOffset time)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, utf8.Length));
        utf8.CopyTo(buffer);
        return new WsFrame(buffer, utf8.Length, time);
    }

    public int Length => _length;

    /// <summary>The message bytes; empty after <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Span => _buffer is { } b ? b.AsSpan(0, _length) : default;

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, null);
        if (b is not null)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    public override string ToString() => $"WsFrame({_length} bytes)";
}
