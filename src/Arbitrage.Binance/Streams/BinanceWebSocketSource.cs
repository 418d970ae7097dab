using System.Buffers;
using System.Net.WebSockets;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;
using Microsoft.Extensions.Logging;

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
/// <para>
/// It logs to <see cref="BinanceStreamOptions.Log"/> what a person needs, naming the streams and the cause: connected,
/// dropped (warning), cannot connect (warning at the first failure and every tenth in a row, debug between), connected
/// again after an outage. Akka's own line at each restart names neither, and the node filters it out.
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

        // Lazily: the attempt counter and the outage state belong to one materialization, not to the blueprint.
        return Source.Lazily(() =>
            {
                var history = new ConnectionHistory(url, options);
                return RestartSource.WithBackoff(() => Connection(url, options, history), settings);
            })
            .MapMaterializedValue(_ => NotUsed.Instance);
    }

    /// <summary>One connection: <see cref="WsConnected"/>, frames, <see cref="WsDisconnected"/>, then completion.</summary>
    private static Source<WsEvent, NotUsed> Connection(Uri url, BinanceStreamOptions options, ConnectionHistory history) =>
        Source.UnfoldResourceAsync<WsEvent, WsConnection>(
            () => WsConnection.OpenAsync(url, options, history),
            c => c.ReadAsync(),
            c => c.CloseAsync());

    /// <summary>The streams of a URL for people: <c>market btcusdt@aggTrade/btcusdt@markPrice@1s</c>, else the path.</summary>
    internal static string StreamName(Uri url)
    {
        var path = url.AbsolutePath.Trim('/');
        foreach (var part in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("streams=", StringComparison.Ordinal))
            {
                var where = path.EndsWith("/stream", StringComparison.Ordinal) ? path[..^"/stream".Length] : path;
                var streams = Uri.UnescapeDataString(part["streams=".Length..]);
                return where.Length == 0 || where == "stream" ? streams : $"{where} {streams}";
            }
        }

        return path;
    }

    /// <summary>
    /// One reconnecting source's attempts and outage, and its log lines. The connections of one source open and
    /// end one after the other, so no two threads touch it at once.
    /// </summary>
    private sealed class ConnectionHistory(Uri url, BinanceStreamOptions options)
    {
        private const int RepeatWarningEvery = 10;
        private readonly string _name = StreamName(url);
        private int _attempts;
        private int _failedInARow;
        private DateTimeOffset? _downSince;

        public int NextAttempt() => ++_attempts;

        public void WaitingForSlot(TimeSpan wait, Rest.SlidingWindowBudget budget) =>
            options.Log.LogWarning(
                "WebSocket {Stream}: waiting up to {Seconds} s before connecting: {Capacity} connection attempts per {Window} are used up (Binance limits attempts per IP)",
                _name, (long)Math.Ceiling(wait.TotalSeconds), budget.Capacity, budget.Window);

        public void Connected(WsConnected c)
        {
            var log = options.Log;
            if (_downSince is { } since)
            {
                log.LogInformation(
                    "WebSocket {Stream}: connected again to {Url} after {Seconds} s down ({Failed} failed attempt(s))",
                    _name, c.Url, (long)Math.Round((c.Time - since).TotalSeconds), _failedInARow);
            }
            else
            {
                log.LogInformation("WebSocket {Stream}: connected to {Url}", _name, c.Url);
            }

            _downSince = null;
            _failedInARow = 0;
        }

        public void Disconnected(WsDisconnected d)
        {
            var log = options.Log;
            _downSince ??= d.Time;
            switch (d.Kind)
            {
                case DisconnectKind.MaxAgeReached:
                    log.LogInformation("WebSocket {Stream}: {Reason}", _name, d.Reason);
                    break;
                case DisconnectKind.ConnectFailed:
                    _failedInARow++;
                    if (_failedInARow == 1)
                    {
                        log.LogWarning(
                            "WebSocket {Stream}: cannot connect to {Url}: {Reason}. Retrying with back-off up to {MaxBackoff} s; check the network, DNS and firewall on the way to {Host}",
                            _name, d.Url, d.Reason.TrimEnd('.'), options.MaxBackoff.TotalSeconds, d.Url.Host);
                    }
                    else if (_failedInARow % RepeatWarningEvery == 0)
                    {
                        log.LogWarning(
                            "WebSocket {Stream}: still cannot connect to {Url} after {Failed} attempts ({Seconds} s): {Reason}",
                            _name, d.Url, _failedInARow, (long)Math.Round((d.Time - _downSince.Value).TotalSeconds), d.Reason);
                    }
                    else
                    {
                        log.LogDebug("WebSocket {Stream}: attempt {Failed} to connect failed: {Reason}", _name, _failedInARow, d.Reason);
                    }

                    break;
                default:
                    log.LogWarning(
                        "WebSocket {Stream}: disconnected from {Url} ({Kind}): {Reason}. Reconnecting with back-off from {MinBackoff} s; frames in flight are lost and the consumer resynchronises",
                        _name, d.Url, d.Kind, d.Reason.TrimEnd('.'), options.MinBackoff.TotalSeconds);
                    break;
            }
        }
    }

    private sealed class WsConnection
    {
        private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

        private readonly Uri _url;
        private readonly BinanceStreamOptions _options;
        private readonly ConnectionHistory _history;
        private readonly CancellationTokenSource _lifetime = new();
        private ClientWebSocket? _socket;
        private WsEvent? _pending;
        private bool _finished;
        private volatile bool _closing;
        private long _openedAt;

        private WsConnection(Uri url, BinanceStreamOptions options, ConnectionHistory history)
        {
            _url = url;
            _options = options;
            _history = history;
        }

        private DateTimeOffset Now => _options.Time.GetUtcNow();

        public static async Task<WsConnection> OpenAsync(Uri url, BinanceStreamOptions options, ConnectionHistory history)
        {
            var attempt = history.NextAttempt();
            var c = new WsConnection(url, options, history);
            if (options.ConnectionAttempts is { } budget && !budget.TryTake(1, out var wait))
            {
                history.WaitingForSlot(wait, budget);
                await budget.TakeAsync(1).ConfigureAwait(false);
            }

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
                var connected = new WsConnected(url, attempt, c.Now);
                history.Connected(connected);
                c._pending = connected;
            }
            catch (Exception e)
            {
                // Whatever failed (DNS, TCP, TLS, upgrade status, timeout), the answer is the same: report and back off.
                ws.Dispose();
                var failed = new WsDisconnected(url, DisconnectKind.ConnectFailed, Describe(e), c.Now);
                history.Disconnected(failed);
                c._pending = failed;
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
                if (frame is null && _closing)
                {
                    return Option<WsEvent>.None; // the server answered our own close
                }

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
                // While we close it ourselves, whatever the socket does is the end we asked for, not a failure.
                return _closing ? Option<WsEvent>.None : Finish(DisconnectKind.Error, Describe(e), graceful: false);
            }
        }

        public async Task<Done> CloseAsync()
        {
            _closing = true;
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

            var disconnected = new WsDisconnected(_url, kind, reason, Now);
            _history.Disconnected(disconnected);
            return disconnected;
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
