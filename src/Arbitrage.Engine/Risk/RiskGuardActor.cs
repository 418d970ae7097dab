using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Supervision;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Risk;

/// <summary>
/// The only way to the executor (ARCHITECTURE §2, §5), cluster-singleton-ready (one per account). Every
/// signal is checked with <see cref="RiskRules.EvaluateOrder"/>; <see cref="RiskTick"/>s run the timed rules
/// on event time; trade results feed <see cref="RiskRules.OnTradeClosed"/>. Each transition is persisted
/// (tag <c>risk</c>) and published before its action (flatten, close) goes to the executor. Supervises the
/// executor: restarts it on an exception (its state returns from its journal), escalates on repeated failure.
/// Operator commands (kill/resume, parameters, close a position, trading on/off) are persisted before they take effect.
/// Snapshots its durable state (<see cref="RiskGuardSnapshot"/>) every <see cref="SnapshotInterval"/> events; older ones are deleted.
/// </summary>
public sealed class RiskGuardActor : ReceivePersistentActor
{
    public const string RiskTag = "risk";

    /// <summary>The guard's name under its <see cref="BufferingBackoffSupervisor"/> (<see cref="SupervisedProps"/>).</summary>
    public const string SupervisedName = "guard";

    /// <summary>The executor's name under the guard.</summary>
    public const string ExecutorName = "executor";

    private static readonly string[] Tags = [RiskTag];

    private readonly RiskGuardSettings _settings;
    private readonly IExchangeGateway _gateway;
    private readonly IActorRef? _publisher;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SnapshotInterval _snapshots = SnapshotInterval.From(Context.System.Settings.Config);
    private RiskState _state;
    private RiskParameters? _parametersSet; // by an operator; null while the configured ones apply
    private long _journalNowMs; // the latest event time in the journal (what a recovery from events alone would restore)
    private IActorRef _executor = ActorRefs.Nobody;
    private IReadOnlyList<HeldPosition> _positions = [];
    private bool _executorReady;
    private bool _clockStarted;
    private long _nowMs;
    private bool _tradingEnabled = true;
    private bool? _gatewayConnected;
    private bool _exchangeOutageReported;

    public RiskGuardActor(RiskGuardSettings settings, IExchangeGateway gateway, IActorRef? publisher)
    {
        _settings = settings;
        _gateway = gateway;
        _publisher = publisher;
        // Live inputs (connection, balance, market times) are re-learnt; the connection clock starts at the first event time.
        _state = RiskState.Initial(settings.Parameters, 0) with { DisconnectedSinceMs = null };
        PersistenceId = settings.PersistenceId;

        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is not RiskGuardSnapshot snapshot) return;
            _state = snapshot.Restore(_state);
            _parametersSet = snapshot.Parameters;
            _tradingEnabled = snapshot.TradingEnabled;
            _nowMs = _journalNowMs = snapshot.NowMs;
            _snapshots.Recovered(o.Metadata.SequenceNr);
        });
        Recover<IRiskEvent>(Recovered);

        // Akka's in-memory journals replay the Tagged wrapper; the SQL journal stores and replays the event alone.
        Recover<Tagged>(t =>
        {
            if (t.Payload is IRiskEvent e) Recovered(e);
        });
        Recover<RecoveryCompleted>(_ =>
        {
            SnapshotIfDue();
            StartExecutor();

            // Under a BufferingBackoffSupervisor (the node's singleton): what arrived while we were down comes now.
            Context.Parent.Tell(BufferingBackoffSupervisor.ChildReady.Instance);
        });

        Command<SignalEmitted>(OnSignal);
        Command<MarketTick>(m =>
        {
            Advance(m.TimeMs);
            _state = RiskRules.OnMarketEvent(_state, m.Symbol, m.TimeMs);
            _executor.Tell(m);
        });
        Command<RiskTick>(t =>
        {
            Advance(t.NowMs);
            Carry(RiskRules.OnTick(_state, _nowMs, _positions), null);
        });
        Command<ExchangeConnected>(m =>
        {
            Advance(m.AtMs);
            Carry(RiskRules.OnExchangeConnected(_state, _nowMs), null);
        });
        Command<ExchangeDisconnected>(m =>
        {
            Advance(m.AtMs);
            _state = RiskRules.OnExchangeDisconnected(_state, m.AtMs);
        });
        Command<GatewayConnection>(m =>
        {
            // What the gateway itself reports (live: the user-data stream), at the guard's event time.
            if (m.Connected == _exchangeOutageReported) // a drop not yet reported, or the recovery of one that was
            {
                _exchangeOutageReported = !m.Connected;
                Publish(new ConnectionChanged(ConnectionChanged.Exchange, null, m.Connected,
                    m.Connected ? "the exchange account's connection is back" : "the exchange account's connection is down", _clockStarted ? _nowMs : null));
            }

            _gatewayConnected = m.Connected;
            if (m.Connected) Carry(RiskRules.OnExchangeConnected(_state, _nowMs), null);
            else if (_clockStarted) _state = RiskRules.OnExchangeDisconnected(_state, _nowMs);
            else _log.Warning("Risk guard: the exchange connection is down");
        });
        Command<EngageKillSwitch>(m => Carry(RiskRules.EngageKillSwitch(_state, m.By, m.Reason, _nowMs), Sender));
        Command<ResumeTrading>(m => Carry(RiskRules.Resume(_state, m.By, _nowMs, m.Only), Sender));
        Command<SetRiskParameters>(OnSetParameters);
        Command<ClosePositionCommand>(OnClosePosition);
        Command<SetTradingEnabled>(OnSetTradingEnabled);
        Command<GetRiskStatus>(_ => Sender.Tell(Status()));

        // From the executor.
        Command<ExecutorReady>(m =>
        {
            _executorReady = true;
            Publish(m);
        });
        Command<OpenPositionsChanged>(m => _positions = m.Positions);
        Command<BalanceReport>(m => _state = RiskRules.OnBalance(_state, m.BalanceUsd));
        Command<TradeClosed>(c =>
        {
            Publish(c);
            Advance(c.ExitTimeMs);
            Carry(RiskRules.OnTradeClosed(_state, c.PnlR, Math.Max(_nowMs, c.ExitTimeMs)), null);
        });
        Command<AccountNotReady>(m =>
        {
            _log.Error("Risk guard: the exchange account is not as configured; signals on the symbols concerned are refused: {0}",
                string.Join("; ", m.Problems));
            Publish(m);
        });
        Command<ExecutionAlert>(a =>
        {
            _log.Error("Risk guard: execution alert {0} on {1}: {2}", a.Kind.Code(), a.Symbol, a.Detail);
            Persist(new Tagged(new ExecutionAlertRaised(a.Kind, a.Symbol, a.SignalId, a.Detail, Math.Max(_nowMs, a.TimeMs)), Tags), t =>
            {
                Journaled(t);
                Publish(t.Payload);
            });
        });
        Command<OrderFillReported>(Publish);
        Command<PositionWrittenOff>(Publish);
        Command<TradeAborted>(Publish);
        Command<SignalRejected>(Publish);
        Command<ReconciliationDifference>(Publish);
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Risk guard: snapshot failed; the journal still has every event"));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Risk guard: older snapshots not deleted; the next save tries again"));
        Command<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(_executor)) return;
            throw new ExecutorFailedException(
                $"executor stopped after more than {_settings.MaxExecutorRestarts} failures within {RestartWindow}; escalating");
        });
    }

    public override string PersistenceId { get; }

    private void Recovered(IRiskEvent e)
    {
        if (RiskEventMapping.ToTransition(e) is { } t) _state = _state.Apply(t);
        switch (e)
        {
            case RiskParametersSet p:
                _state = RiskRules.WithParameters(_state, p.Parameters);
                _parametersSet = p.Parameters;
                break;
            case TradingEnabledSet te:
                _tradingEnabled = te.Enabled;
                break;
        }

        _nowMs = Math.Max(_nowMs, e.AtMs);
        _journalNowMs = Math.Max(_journalNowMs, e.AtMs);
    }

    /// <summary>
    /// An event is journaled: its time counts for the snapshot; <paramref name="last"/> (the last of its command's events, when
    /// the state holds them all and nothing after) saves the snapshot when due.
    /// </summary>
    private void Journaled(Tagged t, bool last = true)
    {
        _journalNowMs = Math.Max(_journalNowMs, ((IRiskEvent)t.Payload).AtMs);
        if (last) SnapshotIfDue();
    }

    private void SnapshotIfDue()
    {
        if (_snapshots.Due(LastSequenceNr)) SaveSnapshot(RiskGuardSnapshot.Of(_state, _parametersSet, _tradingEnabled, _journalNowMs));
    }

    private TimeSpan RestartWindow => _settings.RestartWindow ?? TimeSpan.FromMinutes(1);

    /// <param name="publisher">Receiver of every risk event (a listener, or the DistributedPubSub mediator with <see cref="RiskGuardSettings.PublishTopic"/>).</param>
    public static Props Props(RiskGuardSettings settings, IExchangeGateway gateway, IActorRef? publisher = null) =>
        Akka.Actor.Props.Create(() => new RiskGuardActor(settings, gateway, publisher));

    /// <summary>
    /// The guard as a node runs it: under a <see cref="BufferingBackoffSupervisor"/>, so a journal outage (or an executor
    /// that keeps failing) stops it for as long as the outage lasts, not for good, and signals and ticks sent meanwhile
    /// reach it when it is back. Asks go to the supervisor, which forwards them with their sender.
    /// </summary>
    public static Props SupervisedProps(RiskGuardSettings settings, IExchangeGateway gateway, IActorRef? publisher = null) =>
        BufferingBackoffSupervisor.Props(Props(settings, gateway, publisher), SupervisedName);

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(_settings.MaxExecutorRestarts, RestartWindow, ex =>
        {
            _log.Error(ex, "Executor failed; restarting it (its state returns from the journal)");
            return Directive.Restart;
        });

    private void StartExecutor()
    {
        if (_gateway is IConnectionReportingGateway reporting) reporting.WatchConnection(Self);
        _executor = Context.ActorOf(ExecutorActor.Props(_settings.Executor, _gateway), ExecutorName);
        Context.Watch(_executor);
    }

    private void OnSignal(SignalEmitted s)
    {
        Advance(s.TimeMs);
        if (!_tradingEnabled)
        {
            Persist(new Tagged(new SignalBlocked(s.SignalId, s.Symbol, null, "trading is switched off by an operator (paper off)", _nowMs), Tags), t =>
            {
                Journaled(t);
                Publish(t.Payload);
            });
            return;
        }

        var risk = _state.Parameters.RiskPerTradeUsd;
        var verdict = RiskRules.EvaluateOrder(_state, new OrderCheck(s.Symbol, risk), _nowMs);
        if (verdict is RiskVerdict.Rejected r)
        {
            Persist(new Tagged(new SignalBlocked(s.SignalId, s.Symbol, r.Rule, r.Reason, _nowMs), Tags), t =>
            {
                Journaled(t);
                Publish(t.Payload);
            });
            return;
        }

        _executor.Tell(new ExecuteSignal(s, risk));
    }

    private void OnSetParameters(SetRiskParameters m)
    {
        var replyTo = Sender;
        if (m.Expected is not null && m.Expected != _state.Parameters)
        {
            replyTo.Tell(new RiskParametersChanged(_state.Parameters));
            return;
        }

        if (InvalidParameter(m.Parameters) is { } bad)
        {
            replyTo.Tell(bad);
            return;
        }

        if (m.Parameters == _state.Parameters)
        {
            replyTo.Tell(Status());
            return;
        }

        Persist(new Tagged(new RiskParametersSet(m.Parameters, m.By, _nowMs), Tags), t =>
        {
            _state = RiskRules.WithParameters(_state, m.Parameters);
            _parametersSet = m.Parameters;
            Journaled(t);
            Publish(t.Payload);
            replyTo.Tell(Status());
        });
    }

    /// <summary>Which parameter <see cref="RiskParameters.Validate"/> objects to, with its message; null when valid.</summary>
    public static RiskParametersRejected? InvalidParameter(RiskParameters parameters) =>
        parameters.Validate() is { } problem ? new RiskParametersRejected(problem.Parameter, problem.Reason) : null;

    private void OnClosePosition(ClosePositionCommand m)
    {
        var replyTo = Sender;
        if (!_positions.Any(p => string.Equals(p.Symbol, m.Symbol, StringComparison.Ordinal)))
        {
            replyTo.Tell(new PositionNotFound(m.Symbol));
            return;
        }

        Persist(new Tagged(new PositionCloseOrdered(m.Symbol, m.By, _nowMs), Tags), t =>
        {
            Journaled(t);
            Publish(t.Payload);
            _executor.Tell(new ClosePosition(m.Symbol, ExitReason.ManualClose, $"closed by operator {m.By}", _nowMs));
            replyTo.Tell(Status());
        });
    }

    private void OnSetTradingEnabled(SetTradingEnabled m)
    {
        var replyTo = Sender;
        if (m.Enabled == _tradingEnabled)
        {
            replyTo.Tell(Status());
            return;
        }

        Persist(new Tagged(new TradingEnabledSet(m.Enabled, m.By, _nowMs), Tags), t =>
        {
            _tradingEnabled = m.Enabled;
            Journaled(t);
            Publish(t.Payload);
            replyTo.Tell(Status());
        });
    }

    /// <summary>Adopts the outcome's state, persists its transitions, then publishes them and carries out its actions.</summary>
    private void Carry(RiskOutcome outcome, IActorRef? replyTo)
    {
        _state = outcome.State;
        var events = outcome.Transitions.Select(RiskEventMapping.ToEvent).ToArray();
        var actions = outcome.Actions;
        if (events.Length == 0)
        {
            Act(actions);
            replyTo?.Tell(Status());
            return;
        }

        var remaining = events.Length;
        PersistAll(events.Select(e => new Tagged(e, Tags)), t =>
        {
            Journaled(t, last: remaining == 1);
            Publish(t.Payload);
            if (--remaining > 0) return;
            Act(actions);
            replyTo?.Tell(Status());
        });
    }

    private void Act(IReadOnlyList<RiskAction> actions)
    {
        foreach (var a in actions)
        {
            switch (a)
            {
                case RiskAction.FlattenAll f:
                    _executor.Tell(new FlattenAll(ExitReasons.Of(f.Rule), f.Reason, _nowMs));
                    break;
                case RiskAction.ClosePosition c:
                    _executor.Tell(new ClosePosition(c.Symbol, ExitReasons.Of(c.Rule), c.Reason, _nowMs));
                    break;
            }
        }
    }

    private void Advance(long timeMs)
    {
        _nowMs = Math.Max(_nowMs, timeMs);
        if (_clockStarted) return;
        _clockStarted = true;
        if (!_settings.AssumeConnected && _gatewayConnected != true && _state.DisconnectedSinceMs is null)
            _state = RiskRules.OnExchangeDisconnected(_state, _nowMs); // until the gateway reports a connection
    }

    private void Publish(object e)
    {
        if (_publisher is null) return;
        _publisher.Tell(_settings.PublishTopic is { } topic ? new Publish(topic, e) : e);
    }

    private RiskStatus Status() => new(_state, _executorReady, _positions, _nowMs, _tradingEnabled);
}
