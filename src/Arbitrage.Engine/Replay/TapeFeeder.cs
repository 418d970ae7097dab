using System.Buffers;
using System.Diagnostics;
using Akka.Actor;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.MarketData;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// The tapes as fast as the symbol actors take them (a replay without an account): the reader parses on its own thread
/// from the start (the first batches while the engine starts, later ones while the actors ingest earlier ones) into
/// TradeBatch messages, a bounded number in flight. Until the engine is up (<see cref="Connect"/>) batches queue up to
/// <see cref="ReplayOptions.PrefetchTrades"/>; every send happens on the reader's thread (or in <see cref="DrainAsync"/>
/// after it finished), so each symbol's batches go out in order.
/// </summary>
internal sealed class TapeFeeder : ITradeBufferSink
{
    private readonly ReplayOptions _options;
    private readonly Stopwatch _clock;
    private readonly SemaphoreSlim _window;
    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);
    private readonly List<Task> _pending = [];
    private readonly Queue<(string Symbol, Trade[] Buffer, int Count)> _early = new();
    private readonly TapeSymbolSources _sources = new();
    private readonly TaskCompletionSource<IActorRef> _region = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastProgressMs;
    private long _returnedAt;
    private long _busy;
    private long _waiting;
    private Exception? _failure;
    private string _tape = "";

    private TapeFeeder(ReplayOptions options, Stopwatch clock)
    {
        _options = options;
        _clock = clock;
        _window = new(options.MaxInFlight, options.MaxInFlight);
    }

    /// <summary>The reading, started by <see cref="Start"/>; it ends when the last batch was handed on (or queued).</summary>
    public Task Reading { get; private set; } = Task.CompletedTask;

    public long Trades { get; private set; }

    /// <summary>Trades parsed before the engine was up.</summary>
    public long Prefetched { get; private set; }

    public IEnumerable<string> Symbols => _sequences.Keys;

    /// <summary>Starts reading the tapes on a thread of its own (not a pool thread the actors need).</summary>
    public static TapeFeeder Start(ReplayOptions options, Stopwatch clock, CancellationToken ct)
    {
        var feeder = new TapeFeeder(options, clock);
        feeder.Reading = Task.Factory.StartNew(
            () =>
            {
                foreach (var tape in options.Tapes)
                {
                    feeder._tape = tape;
                    TapeReader.ReadTrades(tape, symbol: null, feeder, options.BatchSize);
                    ct.ThrowIfCancellationRequested();
                }
            },
            ct,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        return feeder;
    }

    /// <summary>The engine is up: batches go to <paramref name="region"/> from now on.</summary>
    public void Connect(IActorRef region) => _region.TrySetResult(region);

    /// <summary>The replay is over (or failed): a reader still waiting for the engine stops with an error; queued buffers go back to the pool.</summary>
    public void Close()
    {
        _region.TrySetException(new OperationCanceledException("the replay engine did not start"));
        lock (_early)
        {
            while (_early.TryDequeue(out var item))
            {
                ArrayPool<Trade>.Shared.Return(item.Buffer);
            }
        }
    }

    public Trade[] Rent(int minimumLength) => ArrayPool<Trade>.Shared.Rent(minimumLength);

    public void Return(Trade[] buffer) => ArrayPool<Trade>.Shared.Return(buffer);

    /// <summary>The reader parsed <paramref name="count"/> trades into <paramref name="buffer"/> (rented here): it is ours until acknowledged.</summary>
    public void OnBatch(string symbol, Trade[] buffer, int count)
    {
        if (_failure is not null)
        {
            throw new InvalidOperationException("replay feed failed", _failure);
        }

        try
        {
            _sources.Add(_tape, symbol, buffer.AsSpan(0, count));
        }
        catch
        {
            Return(buffer);
            throw;
        }

        var now = Stopwatch.GetTimestamp();
        if (_returnedAt != 0)
        {
            _busy += now - _returnedAt;
        }

        if (!_region.Task.IsCompleted)
        {
            lock (_early)
            {
                _early.Enqueue((symbol, buffer, count));
            }

            Prefetched += count;
            if (Prefetched >= _options.PrefetchTrades)
            {
                var waitFrom = Stopwatch.GetTimestamp();
                _region.Task.Wait(); // the prefetch is full: wait for the engine (throws if it failed)
                _waiting += Stopwatch.GetTimestamp() - waitFrom;
            }
        }
        else
        {
            var region = _region.Task.Result;
            SendEarly(region);
            Send(region, symbol, buffer, count);
        }

        Progress();
        _returnedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Reader time between batches (parsing), excluding the time it waited for a free slot.</summary>
    public TimeSpan Busy => Stopwatch.GetElapsedTime(0, _busy);

    /// <summary>Reader time spent waiting for the engine to start or the actors to acknowledge a batch (back-pressure).</summary>
    public TimeSpan Waiting => Stopwatch.GetElapsedTime(0, _waiting);

    /// <summary>After the reader finished: sends what it queued before the engine was up, then waits for every acknowledgement.</summary>
    public async Task DrainAsync()
    {
        SendEarly(await _region.Task.ConfigureAwait(false));
        await Task.WhenAll(_pending).ConfigureAwait(false);
        if (_failure is not null)
        {
            throw new InvalidOperationException("replay feed failed", _failure);
        }
    }

    private void SendEarly(IActorRef region)
    {
        while (true)
        {
            (string Symbol, Trade[] Buffer, int Count) item;
            lock (_early)
            {
                if (!_early.TryDequeue(out item))
                {
                    return;
                }
            }

            Send(region, item.Symbol, item.Buffer, item.Count);
        }
    }

    private void Send(IActorRef region, string symbol, Trade[] buffer, int count)
    {
        var waitFrom = Stopwatch.GetTimestamp();
        _window.Wait();
        _waiting += Stopwatch.GetTimestamp() - waitFrom;
        var sequence = _sequences.TryGetValue(symbol, out var s) ? s + 1 : 0;
        _sequences[symbol] = sequence;
        Trades += count;
        var ask = region.Ask<TradeBatchAck>(new TradeBatch(symbol, buffer, count, sequence), TimeSpan.FromMinutes(2));
        _pending.Add(ask.ContinueWith(
            t =>
            {
                ArrayPool<Trade>.Shared.Return(buffer);
                _window.Release();
                if (t.Exception is not null)
                {
                    _failure = t.Exception.GetBaseException();
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default));
        if (_pending.Count > 256)
        {
            _pending.RemoveAll(p => p.IsCompleted);
        }
    }

    private void Progress()
    {
        var ms = _clock.ElapsedMilliseconds;
        if (_options.Progress is { } progress && ms - _lastProgressMs >= 1000)
        {
            _lastProgressMs = ms;
            progress.WriteLine($"replay: {Trades:N0} trades, {Trades / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9) / 1e6:0.00} M trades/s, {_sequences.Count} symbol(s)");
        }
    }
}
