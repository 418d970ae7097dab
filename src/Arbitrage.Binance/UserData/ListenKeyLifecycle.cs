using Arbitrage.Binance.Rest;

namespace Arbitrage.Binance.UserData;

/// <summary>
/// Keeps one USD-M listenKey alive: creates it, extends it every <see cref="KeepAliveInterval"/>
/// (Binance expires keys 60 min after the last keep-alive), and creates a new one when a keep-alive
/// answers -1125 or the stream reports <c>listenKeyExpired</c>. <see cref="KeyChanged"/> tells the
/// stream to reconnect with the new key.
/// </summary>
public sealed class ListenKeyLifecycle(BinanceAccountApi account, TimeProvider time)
{
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromMinutes(30);

    private readonly SemaphoreSlim _mutex = new(1, 1);

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
            var r = await account.KeepAliveListenKeyAsync(ct).ConfigureAwait(false);
            if (r.Success)
            {
                RefreshedAt = time.GetUtcNow();
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
        using var timer = new PeriodicTimer(KeepAliveInterval, time);
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
            if (ListenKey is null) return true;
            ListenKey = null;
            return await account.CloseListenKeyAsync(ct).ConfigureAwait(false);
        }
        finally { _mutex.Release(); }
    }

    private async Task<BinanceResult<string>> CreateLockedAsync(CancellationToken ct)
    {
        var r = await account.CreateListenKeyAsync(ct).ConfigureAwait(false);
        if (!r.Success) return r;
        RefreshedAt = time.GetUtcNow();
        if (r.Data != ListenKey) SetKey(r.Data);
        return r;
    }

    private void SetKey(string key)
    {
        ListenKey = key;
        KeyChanged?.Invoke(key);
    }
}
