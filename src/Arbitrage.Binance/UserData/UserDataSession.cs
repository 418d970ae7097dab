using System.Threading.Channels;

namespace Arbitrage.Binance.UserData;

/// <summary>
/// A user-data stream run for its owner (the futures live gateway, the spot account of live triangles): the listenKey's
/// keep-alive, the stream (which reconnects by itself; its events say when) and a pump that hands each event to the
/// owner, as three loops from <see cref="Start"/> until disposal, which stops them and closes the key on the exchange.
/// </summary>
public sealed class UserDataSession(ListenKeyLifecycle keys, UserDataStreamClient stream) : IAsyncDisposable
{
    private readonly Channel<IUserDataEvent> _events = Channel.CreateUnbounded<IUserDataEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private Task[] _loops = [];

    /// <summary>The stream, for its <see cref="UserDataStreamClient.Reconnected"/>, <c>Disconnected</c> and <c>BadFrame</c> events.</summary>
    public UserDataStreamClient Stream { get; } = stream;

    public bool Started => _loops.Length > 0;

    /// <summary>Cancelled when the session is disposed (for the owner's own work on the stream's behalf).</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Starts the loops; <paramref name="handle"/> gets every event in order, on the pump's thread (it must not block). Once.</summary>
    public void Start(Action<IUserDataEvent> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (_loops.Length > 0) throw new InvalidOperationException("the user-data session has already started");
        var token = _stop.Token;
        _loops =
        [
            Task.Run(() => keys.RunAsync(token), CancellationToken.None),
            Task.Run(() => Stream.RunAsync(_events.Writer, token), CancellationToken.None),
            Task.Run(() => PumpAsync(handle, token), CancellationToken.None),
        ];
    }

    private async Task PumpAsync(Action<IUserDataEvent> handle, CancellationToken ct)
    {
        try
        {
            await foreach (var e in _events.Reader.ReadAllAsync(ct).ConfigureAwait(false)) handle(e);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        _events.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (_loops.Length > 0)
        {
            using var close = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await keys.CloseAsync(close.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }
}
