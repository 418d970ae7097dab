using System.Buffers;
using System.Net.WebSockets;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;

namespace Arbitrage.Binance.Streams;

/// <summary>
/// A WebSocket as an Akka.Streams source (Akka.NET has no WebSocket connector): one
/// <see cref="ClientWebSocket"/> per connection via <see cref="Source.UnfoldResourceAsync{T,TSource}"/>,
/// restarted with exponential back-off by <see cref="RestartSource.WithBackoff{T,TMat}(Func{Source{T,TMat}},RestartSettings)"/>.
/// <para>
/// Every connection starts with a <see cref="WsConnected"/> and ends with a <see cref="WsDisconnected"/>
/// (also when it never opened), so a consumer can report "feed down" and resync. The source never
/// completes or fails on its own; stop it with the materialized <see cref="UniqueKillSwitch"/> (or by
/// cancelling downstream). Connections are closed and re-opened before
/// <see cref="BinanceStreamOptions.MaxConnectionAge"/> (Binance cuts them at 24 h).
/// </para>
/// </summary>
public static class BinanceWebSocketSource
{
    /// <summary>The reconnecting source of <paramref name="url"/> with a kill switch for shutdown.</summary>
    public static Source<WsEvent, UniqueKillSwitch> Create(Uri url, BinanceStreamOptions options) =>
        Reconnecting(url, options).ViaMaterialized(KillSwitches.Single<WsEvent>(), Keep.Right);

    /// <summary>As <see cref="Create"/> without the kill switch (for graphs that put one further down).</summary>
    public static Source<WsEvent, NotUsed> Reconnecting(Uri url, BinanceStreamOptions options)
    {
        var settings = RestartSettings.Create(options.MinBackoff, options.MaxBackoff, options.RandomFactor);

        // Lazily: the attempt counter belongs to one materialization, not to the blueprint.
        return Source.Lazily(() =>
            {
                var attempts = new AttemptCounter();
                return RestartSource.WithBackoff(() => Connection(url, options, attempts), settings);
            })
            .MapMaterializedValue(_ => NotUsed.Instance);
    }

    /// <summary>One connection: <see cref="WsConnected"/>, frames, <see cref="WsDisconnected"/>, then completion.</summary>
    private static Source<WsEvent, NotUsed> Connection(Uri url, BinanceStreamOptions options, AttemptCounter attempts) =>
        Source.UnfoldResourceAsync<WsEvent, WsConnection>(
            () => WsConnection.OpenAsync(url, options, attempts.Next()),
            c => c.ReadAsync(),
            c => c.CloseAsync());

    private sealed class AttemptCounter
    {
        private int _n;

        public int Next() => Interlocked.Increment(ref _n);
    }

    private sealed class WsConnection
    {
        private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

        private readonly Uri _url;
        private readonly BinanceStreamOptions _options;
        private readonly CancellationTokenSource _lifetime = new();
        private ClientWebSocket? _socket;
        private WsEvent? _pending;
        private bool _finished;
        private long _openedAt;

        private WsConnection(Uri url, BinanceStreamOptions options)
        {
            _url = url;
            _options = options;
        }

        private DateTimeOffset Now => _options.Time.GetUtcNow();

        public static async Task<WsConnection> OpenAsync(Uri url, BinanceStreamOptions options, int attempt)
        {
            var c = new WsConnection(url, options);
            var ws = new ClientWebSocket();
            ws.Options.KeepAliveInterval = options.KeepAliveInterval;
            ws.Options.KeepAliveTimeout = options.KeepAliveTimeout;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(c._lifetime.Token);
                timeout.CancelAfter(options.ConnectTimeout);
                await ws.ConnectAsync(url, timeout.Token).ConfigureAwait(false);
                c._socket = ws;
                c._openedAt = options.Time.GetTimestamp();
                c._pending = new WsConnected(url, attempt, c.Now);
            }
            catch (Exception e)
            {
                // Whatever failed (DNS, TCP, TLS, upgrade status, timeout), the answer is the same: report and back off.
                ws.Dispose();
                c._pending = new WsDisconnected(url, DisconnectKind.ConnectFailed, Describe(e), c.Now);
                c._finished = true;
            }

            return c;
        }

        public async Task<Option<WsEvent>> ReadAsync()
        {
            if (_pending is { } p)
            {
                _pending = null;
                return p;
            }

            if (_finished || _socket is null)
            {
                return Option<WsEvent>.None;
            }

            var remaining = _options.MaxConnectionAge - _options.Time.GetElapsedTime(_openedAt);
            if (remaining <= TimeSpan.Zero)
            {
                return Finish(DisconnectKind.MaxAgeReached, $"connection older than {_options.MaxConnectionAge}: reconnecting before Binance's 24 h limit", graceful: true);
            }

            // The age token also ends a receive on a connection that has gone silent past its age.
            using var age = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            age.CancelAfter(remaining);
            try
            {
                var frame = await ReceiveMessageAsync(_socket, age.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    var status = _socket.CloseStatus is { } s ? $"{(int)s} {s}" : "no status";
                    return Finish(DisconnectKind.ClosedByServer, $"closed by server ({status}: {_socket.CloseStatusDescription})", graceful: true);
                }

                return frame;
            }
            catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
            {
                return Option<WsEvent>.None; // shut down by CloseAsync
            }
            catch (OperationCanceledException)
            {
                return Finish(DisconnectKind.MaxAgeReached, $"connection older than {_options.MaxConnectionAge}: reconnecting before Binance's 24 h limit", graceful: false);
            }
            catch (Exception e) when (e is WebSocketException or IOException or InvalidDataException or ObjectDisposedException)
            {
                return Finish(DisconnectKind.Error, Describe(e), graceful: false);
            }
        }

        public async Task<Done> CloseAsync()
        {
            var ws = _socket;
            if (ws is not null && ws.State == WebSocketState.Open)
            {
                try
                {
                    using var cts = new CancellationTokenSource(CloseTimeout);
                    await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
                {
                    // closing anyway
                }
            }

            await _lifetime.CancelAsync().ConfigureAwait(false);
            ws?.Abort();
            ws?.Dispose();
            return Done.Instance;
        }

        private WsEvent Finish(DisconnectKind kind, string reason, bool graceful)
        {
            _finished = true;
            var ws = _socket;
            if (ws is not null)
            {
                if (graceful && ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    // Fire and forget: the next read completes the stage and CloseAsync aborts whatever is left.
                    _ = ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, kind.ToString(), CancellationToken.None)
                        .ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                }
                else
                {
                    ws.Abort();
                }
            }

            return new WsDisconnected(_url, kind, reason, Now);
        }

        /// <summary>Assembles one message into a pooled buffer; null when the server closed.</summary>
        private async Task<WsFrame?> ReceiveMessageAsync(ClientWebSocket ws, CancellationToken ct)
        {
            var pool = ArrayPool<byte>.Shared;
            var buffer = pool.Rent(_options.ReceiveBufferSize);
            var n = 0;
            try
            {
                while (true)
                {
                    if (n == buffer.Length)
                    {
                        if (buffer.Length >= _options.MaxMessageSize)
                        {
                            throw new InvalidDataException($"message larger than {_options.MaxMessageSize} bytes");
                        }

                        var bigger = pool.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, n).CopyTo(bigger);
                        pool.Return(buffer);
                        buffer = bigger;
                    }

                    var r = await ws.ReceiveAsync(buffer.AsMemory(n), ct).ConfigureAwait(false);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        pool.Return(buffer);
                        return null;
                    }

                    n += r.Count;
                    if (r.EndOfMessage)
                    {
                        return new WsFrame(buffer, n, Now);
                    }
                }
            }
            catch
            {
                // The receive has completed (faulted or cancelled): nothing writes into the buffer any more.
                pool.Return(buffer);
                throw;
            }
        }

        private static string Describe(Exception e) => e switch
        {
            OperationCanceledException => "timed out",
            WebSocketException w when w.InnerException is { } inner => $"{w.Message} ({inner.Message})",
            _ => e.Message,
        };
    }
}
