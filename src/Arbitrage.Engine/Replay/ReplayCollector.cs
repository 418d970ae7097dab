using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
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
    public sealed record Subscribed;

    public sealed record Expect(IReadOnlyCollection<string> Symbols, IReadOnlyCollection<(string StrategyId, Func<string, bool> Covers)> Strategies);

    public sealed record Complete(IReadOnlyList<IndicatorSnapshot> Indicators, IReadOnlyList<SignalEmitted> Signals);

    private readonly List<IndicatorSnapshot> _indicators = [];
    private readonly List<SignalEmitted> _signals = [];
    private readonly HashSet<string> _symbolsEnded = new(StringComparer.Ordinal);
    private readonly HashSet<(string, string)> _strategiesEnded = [];
    private readonly bool _keepIndicators;
    private IActorRef? _subscriber;
    private int _acks;
    private Expect? _expect;
    private IActorRef? _waiter;

    public ReplayCollector(IActorRef mediator, bool keepIndicators)
    {
        _keepIndicators = keepIndicators;
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
        Receive<IndicatorSnapshot>(s =>
        {
            if (_keepIndicators)
            {
                _indicators.Add(s);
            }
        });
        Receive<IndicatorSnapshotBatch>(b =>
        {
            if (_keepIndicators)
            {
                _indicators.AddRange(b.Snapshots);
            }
        });
        Receive<SignalEmitted>(s => _signals.Add(s));
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

        _waiter.Tell(new Complete(_indicators, _signals));
        _waiter = null;
    }
}
