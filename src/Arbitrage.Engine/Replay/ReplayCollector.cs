using System.Text;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// Subscribes to the indicator and signal topics like any other consumer and keeps what it sees, so the
/// replay observes the production actors from the outside. Knows it has everything when every symbol
/// ended and every strategy acknowledged the end of every symbol it covers.
/// </summary>
internal sealed class ReplayCollector : ReceiveActor
{
    public sealed record Subscribed : INoSerializationVerificationNeeded;

    public sealed record Expect(IReadOnlyCollection<string> Symbols, IReadOnlyCollection<(string StrategyId, Func<string, bool> Covers)> Strategies) : INoSerializationVerificationNeeded;

    /// <summary>
    /// Everything seen: <paramref name="Indicators"/> when asked to keep the snapshots (the paper backtest needs
    /// them), every signal and, when asked to format them, its CSV row (<paramref name="SignalRows"/>[i] is
    /// <paramref name="Signals"/>[i]'s). The indicator rows went to the <see cref="IndicatorCsvRows"/> given at start.
    /// </summary>
    public sealed record Complete(
        IReadOnlyList<IndicatorSnapshot> Indicators,
        int Ticks,
        IReadOnlyList<SignalEmitted> Signals,
        IReadOnlyList<string>? SignalRows) : INoSerializationVerificationNeeded;

    private readonly List<IndicatorSnapshot> _indicators = [];
    private readonly List<SignalEmitted> _signals = [];
    private readonly List<string>? _signalRows;
    private readonly HashSet<string> _symbolsEnded = new(StringComparer.Ordinal);
    private readonly HashSet<(string, string)> _strategiesEnded = [];
    private readonly bool _keepIndicators;
    private readonly IndicatorCsvRows? _rows;
    private int _ticks;
    private IActorRef? _subscriber;
    private int _acks;
    private Expect? _expect;
    private IActorRef? _waiter;

    /// <param name="rows">Where each tick's CSV row goes as it arrives (owned by the caller; appends are buffered
    /// writes of 1 MB to a part file, short enough for the actor's dispatcher), or null.</param>
    public ReplayCollector(IActorRef mediator, bool keepIndicators, IndicatorCsvRows? rows, bool formatSignals)
    {
        _signalRows = formatSignals ? [] : null;
        _keepIndicators = keepIndicators;
        _rows = rows;
        Receive<Subscribed>(_ =>
        {
            _subscriber = Sender;
            mediator.Tell(new Subscribe(EngineTopics.Indicators, Self));
            mediator.Tell(new Subscribe(EngineTopics.Signals, Self));
        });
        Receive<SubscribeAck>(_ =>
        {
            if (++_acks == 2)
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
    }

    private void OnSnapshot(IndicatorSnapshot snapshot)
    {
        _ticks++;
        _rows?.Append(snapshot);
        if (_keepIndicators)
        {
            _indicators.Add(snapshot);
        }
    }

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

        _waiter.Tell(new Complete(_indicators, _ticks, _signals, _signalRows));
        _waiter = null;
    }
}
