using Arbitrage.Binance.Rest;

namespace Arbitrage.Binance.UserData;

/// <summary>
/// Keeps one listenKey alive — USD-M (<c>/fapi/v1/listenKey</c>) or spot (<see cref="ForSpot"/>,
/// <c>/api/v3/userDataStream</c>): creates it, extends it every <see cref="KeepAliveInterval"/>
/// (Binance expires keys 60 min after the last keep-alive), and creates a new one when a keep-alive
/// answers -1125 or the stream reports <c>listenKeyExpired</c>. <see cref="KeyChanged"/> tells the
/// stream to reconnect with the new key.
/// </summary>
public sealed class ListenKeyLifecycle
{
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromMinutes(30);

    private readonly SemaphoreSlim _mutex = new(1, 1);
    private readonly Func<CancellationToken, Task<BinanceResult<string>>> _create;
    private readonly Func<string, CancellationToken, Task<BinanceResult<string>>> _keepAlive;
    private readonly Func<string, CancellationToken, Task<BinanceResult<bool>>> _close;
    private readonly TimeProvider _time;

    /// <summary>The USD-M account's key.</summary>
    public ListenKeyLifecycle(BinanceAccountApi account, TimeProvider time)
        : this(account.CreateListenKeyAsync, (_, ct) => account.KeepAliveListenKeyAsync(ct), (_, ct) => account.CloseListenKeyAsync(ct), time)
    {
    }

    private ListenKeyLifecycle(Func<CancellationToken, Task<BinanceResult<string>>> create,
        Func<string, CancellationToken, Task<BinanceResult<string>>> keepAlive,
        Func<string, CancellationToken, Task<BinanceResult<bool>>> close, TimeProvider time)
    {
        _create = create;
        _keepAlive = keepAlive;
        _close = close;
        _time = time;
    }

    /// <summary>The spot account's key (<c>POST|PUT|DELETE /api/v3/userDataStream</c>).</summary>
    public static ListenKeyLifecycle ForSpot(BinanceSpotApi spot, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(spot);
        return new ListenKeyLifecycle(spot.CreateUserDataStreamAsync, spot.KeepAliveUserDataStreamAsync, spot.CloseUserDataStreamAsync, time);
    }

    public string? ListenKey { get; private set; }

    /// <summary>When the key was last created or extended.</summary>
    public DateTimeOffset? RefreshedAt { get; private set; }

    /// <summary>Raised with the new key whenever it changes (not on a plain keep-alive).</summary>
    public event Action<string>? KeyChanged;

    /// <summary>The current key, creating one if there is none.</summary>
    public async Task<BinanceResult<string>> EnsureAsync(CancellationToken ct = default)
    {
        await _mutex.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return ListenKey is { } key ? key : await CreateLockedAsync(ct).ConfigureAwait(false);
        }
        finally { _mutex.Release(); }
    }

    /// <summary>Extends the key; on -1125 (or no key yet) creates a new one.</summary>
    public async Task<BinanceResult<string>> KeepAliveAsync(CancellationToken ct = default)
    {
        await _mutex.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (ListenKey is null) return await CreateLockedAsync(ct).ConfigureAwait(false);
            var r = await _keepAlive(ListenKey, ct).ConfigureAwait(false);
            if (r.Success)
            {
                RefreshedAt = _time.GetUtcNow();
                // Binance may answer with a different key; the answer wins.
                if (!string.IsNullOrEmpty(r.Data) && r.Data != ListenKey) SetKey(r.Data);
                return ListenKey!;
            }
            if (r.Error.Kind == BinanceErrorKind.ListenKeyNotFound) return await CreateLockedAsync(ct).ConfigureAwait(false);
            return r.Error;
        }
        finally { _mutex.Release(); }
    }

    /// <summary>The stream said the key expired: forget it and create a new one.</summary>
    public async Task<BinanceResult<string>> RecreateAsync(CancellationToken ct = default)
    {
        await _mutex.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ListenKey = null;
            return await CreateLockedAsync(ct).ConfigureAwait(false);
        }
        finally { _mutex.Release(); }
    }

    /// <summary>Keeps the key alive until cancelled; failed keep-alives are retried at the next tick.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await EnsureAsync(ct).ConfigureAwait(false);
        using var timer = new PeriodicTimer(KeepAliveInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
                await KeepAliveAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Closes the key on the exchange (DELETE) and forgets it.</summary>
    public async Task<BinanceResult<bool>> CloseAsync(CancellationToken ct = default)
    {
        await _mutex.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (ListenKey is not { } key) return true;
            ListenKey = null;
            return await _close(key, ct).ConfigureAwait(false);
        }
        finally { _mutex.Release(); }
    }

    private async Task<BinanceResult<string>> CreateLockedAsync(CancellationToken ct)
    {
        var r = await _create(ct).ConfigureAwait(false);
        if (!r.Success) return r;
        RefreshedAt = _time.GetUtcNow();
        if (r.Data != ListenKey) SetKey(r.Data);
        return r;
    }

    private void SetKey(string key)
    {
        ListenKey = key;
        KeyChanged?.Invoke(key);
    }
}
