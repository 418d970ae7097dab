using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Arbitrage.Binance.Rest;

namespace Arbitrage.Binance.UserData;

/// <summary>
/// Connects to the user-data stream of a listenKey — USD-M <c>{WsPrivateBaseUrl}/ws?listenKey=</c>, or spot
/// <c>{WsSpotBaseUrl}/ws/&lt;listenKey&gt;</c> (<see cref="ForSpot"/>) — and writes parsed events to a channel.
/// Reconnects (with back-off) when the socket drops, and with a new key after <c>listenKeyExpired</c>.
/// Events in flight during a reconnect are lost: after <see cref="Reconnected"/> the owner reconciles
/// orders and positions (spot: orders by client id, balances) over REST.
/// </summary>
public sealed class UserDataStreamClient
{
    private readonly ListenKeyLifecycle _keys;
    private readonly TimeProvider _time;
    private readonly Func<string, Uri> _uri;

    /// <summary>The USD-M stream.</summary>
    public UserDataStreamClient(BinanceRestOptions options, ListenKeyLifecycle keys, TimeProvider time)
        : this(keys, time, key => new Uri($"{options.WsPrivateBaseUrl.ToString().TrimEnd('/')}/ws?listenKey={Uri.EscapeDataString(key)}"))
    {
    }

    private UserDataStreamClient(ListenKeyLifecycle keys, TimeProvider time, Func<string, Uri> uri)
    {
        _keys = keys;
        _time = time;
        _uri = uri;
    }

    /// <summary>
    /// The spot stream (<c>executionReport</c>, <c>outboundAccountPosition</c>, <c>balanceUpdate</c>); give it
    /// <see cref="ListenKeyLifecycle.ForSpot"/>, and run that lifecycle's <see cref="ListenKeyLifecycle.RunAsync"/> beside it.
    /// </summary>
    public static UserDataStreamClient ForSpot(BinanceRestOptions options, ListenKeyLifecycle keys, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new UserDataStreamClient(keys, time,
            key => new Uri($"{options.WsSpotBaseUrl.ToString().TrimEnd('/')}/ws/{Uri.EscapeDataString(key)}"));
    }

    /// <summary>Raised after every successful (re)connection, with the key in use.</summary>
    public event Action<string>? Reconnected;

    /// <summary>Raised for a frame that could not be parsed (it is skipped).</summary>
    public event Action<string>? BadFrame;

    /// <summary>A connected stream closed or failed (not raised when the run is cancelled); a reconnection follows.</summary>
    public event Action? Disconnected;

    public Uri StreamUri(string listenKey) => _uri(listenKey);

    public async Task RunAsync(ChannelWriter<IUserDataEvent> output, CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!ct.IsCancellationRequested)
        {
            var key = await _keys.EnsureAsync(ct).ConfigureAwait(false);
            if (!key.Success)
            {
                await DelayAsync(backoff, ct).ConfigureAwait(false);
                backoff = Next(backoff);
                continue;
            }
            try
            {
                using var ws = new ClientWebSocket();
                await ws.ConnectAsync(StreamUri(key.Data), ct).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(250);
                Reconnected?.Invoke(key.Data);
                bool expired;
                try
                {
                    expired = await PumpAsync(ws, output, ct).ConfigureAwait(false);
                }
                finally
                {
                    if (!ct.IsCancellationRequested) Disconnected?.Invoke();
                }

                if (expired)
                    await _keys.RecreateAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException && !ct.IsCancellationRequested)
            {
                await DelayAsync(backoff, ct).ConfigureAwait(false);
                backoff = Next(backoff);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>Reads until the socket closes; true when the key expired.</summary>
    private async Task<bool> PumpAsync(ClientWebSocket ws, ChannelWriter<IUserDataEvent> output, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (ws.State == WebSocketState.Open)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult r;
            do
            {
                r = await ws.ReceiveAsync(buffer.GetMemory(4096), ct).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close) return false;
                buffer.Advance(r.Count);
            } while (!r.EndOfMessage);

            if (!UserDataParser.TryParse(buffer.WrittenSpan, out var evt, out var error))
            {
                BadFrame?.Invoke(error ?? "unreadable frame");
                continue;
            }
            await output.WriteAsync(evt!, ct).ConfigureAwait(false);
            if (evt is ListenKeyExpired) return true;
        }
        return false;
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken ct) => Task.Delay(delay, _time, ct);

    private static TimeSpan Next(TimeSpan t) => TimeSpan.FromMilliseconds(Math.Min(t.TotalMilliseconds * 2, 30_000));
}
