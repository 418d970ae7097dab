using Arbitrage.Simulator.Tape;

namespace Arbitrage.Simulator.Control;

/// <summary>Fault injection and playback control (also served over HTTP under <c>/sim/control</c>).</summary>
public sealed class SimulatorControl
{
    private readonly SimulatorState _state;
    private readonly List<FaultRule> _faults = [];
    private readonly Lock _gate = new();
    private TimeSpan _latency;
    private TaskCompletionSource? _hold;
    private bool _holdAfterAccept;
    private int _holdSkip;
    private int _held;

    internal SimulatorControl(SimulatorState state, TapePlayer player)
    {
        _state = state;
        Player = player;
    }

    public TapePlayer Player { get; }

    /// <summary>Delay added before every REST answer.</summary>
    public TimeSpan Latency
    {
        get { lock (_gate) return _latency; }
        set { lock (_gate) _latency = value; }
    }

    /// <summary>
    /// Order placements (USD-M and spot) wait until <see cref="ReleasePlacements"/>: before they reach the matching
    /// engine, or with <paramref name="afterAccept"/> after it (the order is placed and filled at once, only the answer
    /// waits). A placement held before the engine goes on after release even when its caller is gone: the exchange had
    /// the request, the caller (killed, timed out) never hears the answer. The first <paramref name="skip"/> placements
    /// that reach the hold pass (to hold, say, the second leg of a sequence and answer the first).
    /// </summary>
    public void HoldPlacements(bool afterAccept = false, int skip = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        lock (_gate)
        {
            _hold ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _holdAfterAccept = afterAccept;
            _holdSkip = skip;
        }
    }

    /// <summary>Lets every held placement (and all later ones) through.</summary>
    public void ReleasePlacements()
    {
        TaskCompletionSource? hold;
        lock (_gate)
        {
            hold = _hold;
            _hold = null;
        }

        hold?.TrySetResult();
    }

    /// <summary>Placements waiting now.</summary>
    public int HeldPlacements => Volatile.Read(ref _held);

    /// <summary>Waits while placements are held at this point (<paramref name="accepted"/>: after the engine took the order).</summary>
    internal async Task WaitWhileHeldAsync(bool accepted)
    {
        Task? wait;
        lock (_gate)
        {
            wait = _holdAfterAccept == accepted ? _hold?.Task : null;
            if (wait is not null && _holdSkip > 0)
            {
                _holdSkip--;
                wait = null;
            }
        }

        if (wait is null) return;
        Interlocked.Increment(ref _held);
        try
        {
            await wait.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }

    /// <summary>Queues a fault; rules are consumed first-in first-out.</summary>
    public void FailNext(FaultRule rule)
    {
        lock (_gate) _faults.Add(rule);
    }

    public void ClearFaults()
    {
        lock (_gate) _faults.Clear();
    }

    /// <summary>Aborts every WebSocket connection; returns how many were cut.</summary>
    public int DropAllWebSockets() => _state.Hub.DropAll();

    /// <summary>Aborts the WebSocket connections carrying <paramref name="stream"/> (e.g. <c>ethbtc@depth@100ms</c>); returns how many.</summary>
    public int DropWebSockets(string stream) => _state.Hub.Drop(stream);

    /// <summary>The next depth diff (of <paramref name="symbol"/>, or any) updates the book but is not sent.</summary>
    public void ForceDepthGap(string? symbol = null) => _state.ForceDepthGap(symbol);

    public void ExpireListenKey() => _state.ExpireListenKey();

    /// <summary>Expires the spot user-data key (<c>/api/v3/userDataStream</c>); its connections get <c>listenKeyExpired</c>.</summary>
    public void ExpireSpotListenKey() => _state.ExpireSpotListenKey();

    public void Play() => Player.Play();
    public Task PauseAsync() => Player.PauseAsync();
    public int Step(int frames = 1) => Player.Step(frames);
    public int PlayUntil(long eventTimeMs) => Player.PlayUntil(eventTimeMs);
    public int PlayToEnd() => Player.Step(int.MaxValue);
    public Task RewindAsync(bool play = true) => Player.RewindAsync(play);

    internal FaultRule? Take(string path, bool afterAccept)
    {
        lock (_gate)
        {
            foreach (var f in _faults)
            {
                if (!f.Matches(path, afterAccept)) continue;
                f.Remaining--;
                if (f.Remaining == 0) _faults.Remove(f);
                return f;
            }
            return null;
        }
    }
}
