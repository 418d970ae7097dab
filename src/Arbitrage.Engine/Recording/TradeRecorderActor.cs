using Akka.Actor;
using Akka.Event;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Engine.Recording;

/// <summary>Trades a SymbolActor ingested, to be written to <c>agg_trades</c>.</summary>
public sealed record RecordTrades(string Symbol, Trade[] Trades) : INoSerializationVerificationNeeded;

/// <summary>
/// Writes the live tape to <c>agg_trades</c> off the symbol actors' path: buffers per symbol and flushes a
/// batch at a time (one insert in flight, the next buffered meanwhile), so the database sees few large
/// writes however busy the market. A failed write is logged and retried with the next flush.
/// </summary>
public sealed class TradeRecorderActor : ReceiveActor, IWithTimers
{
    private sealed record Flush : INoSerializationVerificationNeeded;

    private sealed record Flushed(string Symbol, Trade[] Batch, Exception? Error) : INoSerializationVerificationNeeded;

    private readonly AggTradeStore _store;
    private readonly int _maxBatch;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, List<Trade>> _pending = new(StringComparer.Ordinal);
    private bool _writing;

    public TradeRecorderActor(AggTradeStore store, int maxBatch = 5000)
    {
        _store = store;
        _maxBatch = maxBatch;
        Receive<RecordTrades>(r =>
        {
            if (!_pending.TryGetValue(r.Symbol, out var list))
            {
                list = [];
                _pending[r.Symbol] = list;
            }

            list.AddRange(r.Trades);
            if (list.Count >= _maxBatch)
            {
                StartWrite();
            }
        });
        Receive<Flush>(_ => StartWrite());
        Receive<Flushed>(f =>
        {
            _writing = false;
            if (f.Error is not null)
            {
                _log.Warning(f.Error, "Recording {0} trades of {1} failed; they stay buffered for the next flush", f.Batch.Length, f.Symbol);
                _pending[f.Symbol].InsertRange(0, f.Batch);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(AggTradeStore store) => Akka.Actor.Props.Create(() => new TradeRecorderActor(store, 5000));

    protected override void PreStart() => Timers.StartPeriodicTimer("flush", new Flush(), TimeSpan.FromSeconds(1));

    private void StartWrite()
    {
        if (_writing)
        {
            return;
        }

        foreach (var (symbol, list) in _pending)
        {
            if (list.Count == 0)
            {
                continue;
            }

            var batch = list.ToArray();
            list.Clear();
            _writing = true;
            var store = _store;
            store.InsertAsync(symbol, batch).ContinueWith(
                t => new Flushed(symbol, batch, t.IsFaulted ? t.Exception!.GetBaseException() : null),
                TaskScheduler.Default).PipeTo(Self);
            return;
        }
    }
}
