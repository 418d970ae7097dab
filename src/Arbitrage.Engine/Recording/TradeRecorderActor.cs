using Akka.Actor;
using Akka.Event;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Engine.Recording;

/// <summary>Trades a SymbolActor ingested, to be written to <c>agg_trades</c>.</summary>
public sealed record RecordTrades(string Symbol, Trade[] Trades) : INoSerializationVerificationNeeded;

/// <summary>
/// Asks to be told (<see cref="TradesRecorded"/>) once every trade of <paramref name="Symbol"/> up to
/// <paramref name="AggId"/> sent before this message is in <c>agg_trades</c>; flushes that symbol now.
/// </summary>
public sealed record ConfirmRecorded(string Symbol, long AggId) : INoSerializationVerificationNeeded;

/// <summary>Every trade of the symbol up to <paramref name="AggId"/> the recorder was given is stored.</summary>
public sealed record TradesRecorded(string Symbol, long AggId) : INoSerializationVerificationNeeded;

/// <summary>
/// Writes the live tape to <c>agg_trades</c> off the symbol actors' path: buffers per symbol and flushes a
/// batch at a time (one insert in flight, the next buffered meanwhile), so the database sees few large
/// writes however busy the market. A failed write is logged and retried with the next flush. Per symbol the
/// batches are written in agg-id order (a failed one goes back in front), so "stored up to id X" is one number;
/// a SymbolActor saves its snapshot (its agg-id cursor) only after <see cref="ConfirmRecorded"/> says so: a
/// crash can lose buffered trades, never trades the cursor has passed.
/// </summary>
public sealed class TradeRecorderActor : ReceiveActor, IWithTimers
{
    private sealed record Flush : INoSerializationVerificationNeeded;

    private sealed record Flushed(string Symbol, Trade[] Batch, Exception? Error) : INoSerializationVerificationNeeded;

    private readonly AggTradeStore _store;
    private readonly int _maxBatch;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, List<Trade>> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _stored = new(StringComparer.Ordinal);
    private readonly List<(ConfirmRecorded Ask, IActorRef ReplyTo)> _confirms = [];
    private bool _writing;
    private string? _flushFirst;

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
        Receive<ConfirmRecorded>(c =>
        {
            if (_stored.TryGetValue(c.Symbol, out var stored) && stored >= c.AggId)
            {
                Sender.Tell(new TradesRecorded(c.Symbol, stored));
                return;
            }

            _confirms.Add((c, Sender));
            _flushFirst = c.Symbol;
            StartWrite();
        });
        Receive<Flush>(_ => StartWrite());
        Receive<Flushed>(f =>
        {
            _writing = false;
            if (f.Error is not null)
            {
                _log.Warning(f.Error, "Recording {0} trades of {1} failed; they stay buffered for the next flush", f.Batch.Length, f.Symbol);
                _pending[f.Symbol].InsertRange(0, f.Batch);
                return;
            }

            var stored = Math.Max(_stored.GetValueOrDefault(f.Symbol, long.MinValue), f.Batch[^1].AggId);
            _stored[f.Symbol] = stored;
            for (var i = _confirms.Count - 1; i >= 0; i--)
            {
                var (ask, replyTo) = _confirms[i];
                if (ask.Symbol == f.Symbol && ask.AggId <= stored)
                {
                    replyTo.Tell(new TradesRecorded(f.Symbol, stored));
                    _confirms.RemoveAt(i);
                }
            }

            if (_pending.TryGetValue(f.Symbol, out var rest) && rest.Count > 0 && _confirms.Exists(c => c.Ask.Symbol == f.Symbol))
            {
                _flushFirst = f.Symbol;
                StartWrite(); // someone waits for trades still buffered: no need to wait for the timer
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

        if (_flushFirst is { } first && _pending.TryGetValue(first, out var wanted) && wanted.Count > 0)
        {
            _flushFirst = null;
            Write(first, wanted);
            return;
        }

        foreach (var (symbol, list) in _pending)
        {
            if (list.Count > 0)
            {
                Write(symbol, list);
                return;
            }
        }
    }

    private void Write(string symbol, List<Trade> list)
    {
        var batch = list.ToArray();
        list.Clear();
        _writing = true;
        _store.InsertAsync(symbol, batch).ContinueWith(
            t => new Flushed(symbol, batch, t.IsFaulted ? t.Exception!.GetBaseException() : null),
            TaskScheduler.Default).PipeTo(Self);
    }
}
