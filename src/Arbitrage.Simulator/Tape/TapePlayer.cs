namespace Arbitrage.Simulator.Tape;

/// <summary>
/// Plays the tape on the simulator's state at ×1, ×N or maximum speed, pacing by event time against
/// the wall clock of <see cref="SimulatorOptions.Time"/>.
/// </summary>
public sealed class TapePlayer : IAsyncDisposable
{
    private readonly SimulatorState _state;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private CancellationTokenSource? _cts;
    private Task _loop = Task.CompletedTask;
    private TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal TapePlayer(SimulatorState state, double speed)
    {
        _state = state;
        _time = state.Options.Time;
        Speed = speed;
    }

    public double Speed { get; set; }

    public bool IsPlaying { get { lock (_gate) return _cts is not null && !_loop.IsCompleted; } }

    /// <summary>Completes when the tape has been played to its end.</summary>
    public Task Completion { get { lock (_gate) return _completed.Task; } }

    /// <summary>Starts the playback loop if it is not running.</summary>
    public void Play()
    {
        lock (_gate)
        {
            if (_cts is not null && !_loop.IsCompleted) return;
            _cts = new CancellationTokenSource();
            var ct = _cts.Token;
            _loop = Task.Run(() => RunAsync(ct), CancellationToken.None);
        }
    }

    public async Task PauseAsync()
    {
        Task loop;
        lock (_gate)
        {
            _cts?.Cancel();
            loop = _loop;
        }
        try { await loop.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }

    /// <summary>Plays <paramref name="count"/> frames now, synchronously (manual mode); returns how many were played.</summary>
    public int Step(int count)
    {
        var played = 0;
        while (played < count && _state.PlayNext()) played++;
        if (_state.AtEnd) CompleteIfEnded();
        return played;
    }

    /// <summary>Plays frames up to and including event time <paramref name="timeMs"/>.</summary>
    public int PlayUntil(long timeMs)
    {
        var played = 0;
        while (true)
        {
            lock (_state.Sync)
            {
                if (_state.Position >= _state.Frames.Length || _state.Frames[_state.Position].EventTimeMs > timeMs) break;
                _state.PlayNext();
            }
            played++;
        }
        CompleteIfEnded();
        return played;
    }

    /// <summary>Stops, rewinds the market to the tape's start (the account is kept) and plays again when <paramref name="play"/>.</summary>
    public async Task RewindAsync(bool play)
    {
        await PauseAsync().ConfigureAwait(false);
        _state.Rewind();
        lock (_gate)
            if (_completed.Task.IsCompleted) _completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (play) Play();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var frames = _state.Frames;
        long anchorTape = -1;
        var anchorWall = 0L;
        while (!ct.IsCancellationRequested)
        {
            int pos;
            lock (_state.Sync) pos = _state.Position;
            if (pos >= frames.Length) break;
            var speed = Speed;
            if (double.IsFinite(speed) && speed > 0)
            {
                var t = frames[pos].EventTimeMs;
                if (anchorTape < 0)
                {
                    anchorTape = t;
                    anchorWall = _time.GetTimestamp();
                }
                var dueMs = (t - anchorTape) / speed;
                var elapsedMs = _time.GetElapsedTime(anchorWall).TotalMilliseconds;
                if (dueMs > elapsedMs)
                    await Task.Delay(TimeSpan.FromMilliseconds(dueMs - elapsedMs), _time, ct).ConfigureAwait(false);
                _state.PlayNext();
            }
            else
            {
                // Max speed: play in slices so HTTP handlers and senders get the lock in between.
                for (var i = 0; i < 512 && _state.PlayNext(); i++) { }
                await Task.Yield();
            }
        }
        CompleteIfEnded();
    }

    private void CompleteIfEnded()
    {
        if (_state.AtEnd) lock (_gate) _completed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await PauseAsync().ConfigureAwait(false);
        _cts?.Dispose();
    }
}
