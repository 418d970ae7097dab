using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// One tape read ahead on a thread of its own, as batches of one symbol in file order, a few batches at most: the tape
/// clock takes them when it needs them (<see cref="Head"/>, <see cref="Take"/>). Buffers come from the shared pool; the
/// taker returns them.
/// </summary>
internal sealed class TapeCursor : ITradeBufferSink, IDisposable
{
    private readonly BlockingCollection<(string Symbol, Trade[] Buffer, int Count)> _batches = new(boundedCapacity: 8);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private Exception? _failure;
    private (string Symbol, Trade[] Buffer, int Count)? _head;
    private long _busyTicks;
    private long _waitingTicks;

    public TapeCursor(string path, int batchSize)
    {
        Path = path;
        _reading = Task.Factory.StartNew(
            () =>
            {
                var from = Stopwatch.GetTimestamp();
                try
                {
                    TapeReader.ReadTrades(path, symbol: null, this, batchSize);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    // Disposed before the end: nobody takes the rest.
                }
                catch (Exception e)
                {
                    _failure = e;
                }
                finally
                {
                    _busyTicks = Stopwatch.GetTimestamp() - from - _waitingTicks;
                    _batches.CompleteAdding();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>The tape's file.</summary>
    public string Path { get; }

    /// <summary>Time the reader spent parsing (not waiting for the clock to take its batches).</summary>
    public TimeSpan Parsing => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _busyTicks));

    /// <summary>Time the reader waited for the clock (its queue full).</summary>
    public TimeSpan Waiting => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _waitingTicks));

    /// <summary>The next batch (waiting for the reader if needed); null at the end of the tape. A tape error is thrown here.</summary>
    public (string Symbol, Trade[] Buffer, int Count)? Head
    {
        get
        {
            if (_head is null && _batches.TryTake(out var next, Timeout.Infinite))
            {
                _head = next;
            }

            if (_head is null && _failure is { } failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            return _head;
        }
    }

    /// <summary>Takes <see cref="Head"/>: its buffer is the caller's now.</summary>
    public (string Symbol, Trade[] Buffer, int Count) Take()
    {
        var head = Head ?? throw new InvalidOperationException("the tape has ended");
        _head = null;
        return head;
    }

    public Trade[] Rent(int minimumLength) => ArrayPool<Trade>.Shared.Rent(minimumLength);

    public void Return(Trade[] buffer) => ArrayPool<Trade>.Shared.Return(buffer);

    public void OnBatch(string symbol, Trade[] buffer, int count)
    {
        var from = Stopwatch.GetTimestamp();
        _batches.Add((symbol, buffer, count), _stop.Token);
        _waitingTicks += Stopwatch.GetTimestamp() - from;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _reading.Wait();
        while (_batches.TryTake(out var rest))
        {
            ArrayPool<Trade>.Shared.Return(rest.Buffer);
        }

        if (_head is { } head)
        {
            ArrayPool<Trade>.Shared.Return(head.Buffer);
        }

        _batches.Dispose();
        _stop.Dispose();
    }
}
