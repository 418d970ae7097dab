using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// Subscribes to the indicator and signal topics (and, in a backtest, the risk guard's) like any other consumer and keeps
/// what it sees, so the replay observes the engine from the outside. Knows it has every tick and signal when every symbol
/// ended and every strategy acknowledged the end of every symbol it covers; has every trade when the <see cref="Flush"/>
/// published on the risk topic after the tape clock's last barrier arrives behind the guard's events.
/// </summary>
internal sealed class ReplayCollector : ReceiveActor
{
    public sealed record Subscribed : INoSerializationVerificationNeeded;

    public sealed record Expect(IReadOnlyCollection<string> Symbols, IReadOnlyCollection<(string StrategyId, Func<string, bool> Covers)> Strategies) : INoSerializationVerificationNeeded;

    /// <summary>
    /// Every tick counted (their rows went to the <see cref="IndicatorCsvRows"/> given at start), every signal and, when
    /// asked to format them, its CSV row (<paramref name="SignalRows"/>[i] is <paramref name="Signals"/>[i]'s).
    /// </summary>
    public sealed record Complete(int Ticks, IReadOnlyList<SignalEmitted> Signals, IReadOnlyList<string>? SignalRows) : INoSerializationVerificationNeeded;

    /// <summary>Ask (the tape clock): answered with the symbol's latest snapshot once it has one at or after <paramref name="TimeMs"/>.</summary>
    public sealed record AwaitTick(string Symbol, long TimeMs) : INoSerializationVerificationNeeded;

    /// <summary>Ask: answered with <see cref="Backtest"/> once the <see cref="Flush"/> came.</summary>
    public sealed record AwaitBacktest(int OpenAtEnd) : INoSerializationVerificationNeeded;

    /// <summary>Published on the risk topic behind every event the guard published before.</summary>
    public sealed record Flush : INoSerializationVerificationNeeded;

    /// <summary>What the account did with the signals: closed trades, signals blocked (by rule) or rejected (by code), positions open at the end.</summary>
    public sealed record Backtest(IReadOnlyList<TradeClosed> Trades, IReadOnlyDictionary<string, int> NotTraded, int OpenAtEnd) : INoSerializationVerificationNeeded;

    private readonly List<SignalEmitted> _signals = [];
    private readonly List<string>? _signalRows;
    private readonly HashSet<string> _symbolsEnded = new(StringComparer.Ordinal);
    private readonly HashSet<(string, string)> _strategiesEnded = [];
    private readonly List<TradeClosed> _trades = [];
    private readonly SortedDictionary<string, int> _notTraded = new(StringComparer.Ordinal);
    private readonly IndicatorCsvRows? _rows;
    private readonly Dictionary<string, IndicatorSnapshot> _lastTicks = new(StringComparer.Ordinal);
    private readonly List<(AwaitTick Ask, IActorRef ReplyTo)> _tickWaiters = [];
    private int _ticks;
    private IActorRef? _subscriber;
    private int _acks;
    private int _topics;
    private Expect? _expect;
    private IActorRef? _waiter;
    private (AwaitBacktest Ask, IActorRef ReplyTo)? _backtestWaiter;
    private bool _flushed;

    /// <param name="rows">Where each tick's CSV row goes as it arrives (owned by the caller; appends are buffered
    /// writes of 1 MB to a part file, short enough for the actor's dispatcher), or null.</param>
    /// <param name="trading">Also collect the risk guard's trades and refusals (a backtest).</param>
    public ReplayCollector(IActorRef mediator, IndicatorCsvRows? rows, bool formatSignals, bool trading)
    {
        _signalRows = formatSignals ? [] : null;
        _rows = rows;
        Receive<Subscribed>(_ =>
        {
            _subscriber = Sender;
            string[] topics = trading ? [EngineTopics.Indicators, EngineTopics.Signals, RiskTopics.Risk] : [EngineTopics.Indicators, EngineTopics.Signals];
            _topics = topics.Length;
            foreach (var topic in topics)
            {
                mediator.Tell(new Subscribe(topic, Self));
            }
        });
        Receive<SubscribeAck>(_ =>
        {
            if (++_acks == _topics)
            {
                _subscriber?.Tell(new Subscribed());
            }
        });
        Receive<IndicatorSnapshot>(OnSnapshot);
        Receive<IndicatorSnapshotBatch>(b =>
        {
            foreach (var s in b.Snapshots)
            {
                OnSnapshot(s);
            }
        });
        Receive<SignalEmitted>(s =>
        {
            _signals.Add(s);
            if (_signalRows is not null)
            {
                var row = new StringBuilder();
                ReplayCsv.AppendSignalRow(row, s);
                _signalRows.Add(row.ToString());
            }
        });
        Receive<IndicatorStreamEnded>(e =>
        {
            _symbolsEnded.Add(e.Symbol);
            CheckDone();
        });
        Receive<StrategyStreamEnded>(e =>
        {
            _strategiesEnded.Add((e.StrategyId, e.Symbol));
            CheckDone();
        });
        Receive<Expect>(e =>
        {
            _expect = e;
            _waiter = Sender;
            CheckDone();
        });
        Receive<TradeClosed>(_trades.Add);
        Receive<SignalBlocked>(b => Count(b.Rule is { } rule ? JsonNamingPolicy.SnakeCaseLower.ConvertName(rule.ToString()) : "trading_off"));
        Receive<SignalRejected>(r => Count(r.Code.Code()));
        Receive<AwaitTick>(a =>
        {
            if (_lastTicks.TryGetValue(a.Symbol, out var last) && last.Values.TimeMs >= a.TimeMs)
            {
                Sender.Tell(last);
            }
            else
            {
                _tickWaiters.Add((a, Sender));
            }
        });
        Receive<AwaitBacktest>(a =>
        {
            _backtestWaiter = (a, Sender);
            CheckBacktest();
        });
        Receive<Flush>(_ =>
        {
            _flushed = true;
            CheckBacktest();
        });
        ReceiveAny(_ => { }); // the guard's other events
    }

    public static Props Props(IActorRef mediator, IndicatorCsvRows? rows, bool formatSignals, bool trading) =>
        Akka.Actor.Props.Create(() => new ReplayCollector(mediator, rows, formatSignals, trading));

    private void OnSnapshot(IndicatorSnapshot snapshot)
    {
        _ticks++;
        _rows?.Append(snapshot);
        _lastTicks[snapshot.Symbol] = snapshot;
        for (var i = _tickWaiters.Count - 1; i >= 0; i--)
        {
            var (ask, replyTo) = _tickWaiters[i];
            if (ask.Symbol == snapshot.Symbol && snapshot.Values.TimeMs >= ask.TimeMs)
            {
                replyTo.Tell(snapshot);
                _tickWaiters.RemoveAt(i);
            }
        }
    }

    private void Count(string reason) => _notTraded[reason] = _notTraded.GetValueOrDefault(reason) + 1;

    private void CheckDone()
    {
        if (_expect is null || _waiter is null)
        {
            return;
        }

        foreach (var symbol in _expect.Symbols)
        {
            if (!_symbolsEnded.Contains(symbol))
            {
                return;
            }

            foreach (var (id, covers) in _expect.Strategies)
            {
                if (covers(symbol) && !_strategiesEnded.Contains((id, symbol)))
                {
                    return;
                }
            }
        }

        _waiter.Tell(new Complete(_ticks, _signals, _signalRows));
        _waiter = null;
    }

    private void CheckBacktest()
    {
        if (_flushed && _backtestWaiter is { } waiter)
        {
            waiter.ReplyTo.Tell(new Backtest(_trades.ToArray(), new SortedDictionary<string, int>(_notTraded, StringComparer.Ordinal), waiter.Ask.OpenAtEnd));
            _backtestWaiter = null;
        }
    }
}
