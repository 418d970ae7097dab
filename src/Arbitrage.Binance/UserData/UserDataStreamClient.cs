using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Arbitrage.Binance.Rest;

namespace Arbitrage.Binance.UserData;

/// <summary>
/// Connects to <c>{WsPrivateBaseUrl}/ws?listenKey=</c> and writes parsed events to a channel.
/// Reconnects (with back-off) when the socket drops, and with a new key after <c>listenKeyExpired</c>.
/// Events in flight during a reconnect are lost: after <see cref="Reconnected"/> the owner reconciles
/// orders and positions over REST.
/// </summary>
public sealed class UserDataStreamClient(BinanceRestOptions options, ListenKeyLifecycle keys, TimeProvider time)
{
    /// <summary>Raised after every successful (re)connection, with the key in use.</summary>
    public event Action<string>? Reconnected;

    /// <summary>Raised for a frame that could not be parsed (it is skipped).</summary>
    public event Action<string>? BadFrame;

    /// <summary>A connected stream closed or failed (not raised when the run is cancelled); a reconnection follows.</summary>
    public event Action? Disconnected;

    public Uri StreamUri(string listenKey) =>
        new($"{options.WsPrivateBaseUrl.ToString().TrimEnd('/')}/ws?listenKey={Uri.EscapeDataString(listenKey)}");

    public async Task RunAsync(ChannelWriter<IUserDataEvent> output, CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!ct.IsCancellationRequested)
        {
            var key = await keys.EnsureAsync(ct).ConfigureAwait(false);
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
                    await keys.RecreateAsync(ct).ConfigureAwait(false);
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

    private Task DelayAsync(TimeSpan delay, CancellationToken ct) => Task.Delay(delay, time, ct);

    private static TimeSpan Next(TimeSpan t) => TimeSpan.FromMilliseconds(Math.Min(t.TotalMilliseconds * 2, 30_000));
}
