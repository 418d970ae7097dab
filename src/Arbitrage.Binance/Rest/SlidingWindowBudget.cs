namespace Arbitrage.Binance.Rest;

/// <summary>
/// At most <see cref="Capacity"/> units in any <see cref="Window"/>: Binance's request weight per minute,
/// or its WebSocket connection attempts per 5 minutes. A sliding window is stricter than Binance's fixed
/// minute buckets, so staying inside it stays inside theirs. Waiters are served first come, first served.
/// Time comes from the given <see cref="TimeProvider"/> (tests drive it by hand). Thread-safe.
/// </summary>
public sealed class SlidingWindowBudget
{
    private readonly Lock _gate = new();
    private readonly Queue<(DateTimeOffset At, int Units)> _taken = new();
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly TimeProvider _time;
    private int _used;
    private int _waiting;

    public SlidingWindowBudget(int capacity, TimeSpan window, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        Capacity = capacity;
        Window = window;
        _time = time ?? TimeProvider.System;
    }

    public int Capacity { get; }

    public TimeSpan Window { get; }

    /// <summary>Units taken inside the current window.</summary>
    public int Used
    {
        get
        {
            lock (_gate)
            {
                Prune(_time.GetUtcNow());
                return _used;
            }
        }
    }

    /// <summary>Callers waiting in <see cref="TakeAsync"/> for room (a test or a health page can watch it).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Takes <paramref name="units"/> now if they fit; otherwise says how long until they would.</summary>
    public bool TryTake(int units, out TimeSpan wait)
    {
        Check(units);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            Prune(now);
            if (_used + units <= Capacity)
            {
                _taken.Enqueue((now, units));
                _used += units;
                wait = TimeSpan.Zero;
                return true;
            }

            // The oldest entries leave the window first: find the one whose departure makes room.
            var free = Capacity - _used;
            foreach (var (at, taken) in _taken)
            {
                free += taken;
                if (free >= units)
                {
                    wait = at + Window - now;
                    return false;
                }
            }

            wait = Window; // unreachable while units ≤ Capacity
            return false;
        }
    }

    /// <summary>Waits (in turn) until <paramref name="units"/> fit in the window, then takes them.</summary>
    public async Task TakeAsync(int units, CancellationToken ct = default)
    {
        Check(units);
        Interlocked.Increment(ref _waiting);
        try
        {
            await _turn.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                while (!TryTake(units, out var wait))
                {
                    await Task.Delay(wait, _time, ct).ConfigureAwait(false);
                }
            }
            finally
            {
                _turn.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private void Check(int units)
    {
        if (units <= 0 || units > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(units), units, $"must be 1..{Capacity} (the budget's capacity)");
        }
    }

    private void Prune(DateTimeOffset now)
    {
        while (_taken.Count > 0 && _taken.Peek().At + Window <= now)
        {
            _used -= _taken.Dequeue().Units;
        }
    }
}
