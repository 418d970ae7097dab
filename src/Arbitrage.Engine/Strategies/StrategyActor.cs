using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Supervision;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Strategies;

/// <summary>
/// One strategy file at work (ARCHITECTURE §2, §5): scores every indicator snapshot of its symbols with
/// the pure <see cref="SignalDecision"/>, persists <see cref="SignalEmitted"/> (tag <c>signal</c>) and only
/// then publishes it and hands it to the risk guard. The cooldown book is rebuilt from its own journal,
/// so a restart never re-emits inside a cooldown. It keeps a <see cref="ScoreWatch"/> (best score, inputs
/// missing) since its start or last definition change, answered to <see cref="GetStrategyScore"/>.
/// Under <see cref="StrategiesActor"/> (an owner) it gets its snapshots and inputs from the owner, through a
/// <see cref="BufferingBackoffSupervisor"/>: a journal failure stops it (Akka persistence) for as long as the journal is
/// down; the snapshots of that time wait in the supervisor, and the owner hands the next incarnation the signal whose
/// write failed (<see cref="StrategyRecovered"/> / <see cref="ResumeStrategy"/>). A signal is written late, never
/// dropped, and no snapshot is skipped. Without an owner (tests) it subscribes to the topics itself.
/// Its cooldown book is snapshotted (<see cref="StrategySnapshot"/>) every <see cref="SnapshotInterval"/> signals.
/// </summary>
public sealed class StrategyActor : ReceivePersistentActor
{
    public const string SignalTag = "signal";

    private readonly IActorRef _mediator;
    private readonly IActorRef? _riskGuard;
    private readonly IActorRef? _owner;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, MarketInputs> _inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<MarketInputsUpdated>> _pendingInputs = new(StringComparer.Ordinal);
    private const int MaxPendingInputs = 2_000_000; // ≈ 23 days of 1 s funding changes for one symbol
    private StrategyDefinition _definition;
    private readonly SnapshotInterval _snapshots = SnapshotInterval.From(Context.System.Settings.Config);
    private CooldownBook _cooldowns = CooldownBook.Empty;

    // The book as the journal has it: decisions take their cooldown before the signal is written (_cooldowns), a snapshot
    // must hold only what is written.
    private CooldownBook _journaled = CooldownBook.Empty;
    private ScoreWatch _watch = ScoreWatch.Empty;
    private int _pendingSubscriptions;

    public StrategyActor(StrategyDefinition definition, IActorRef mediator, IActorRef? riskGuard, IActorRef? owner = null)
    {
        _definition = definition;
        _mediator = mediator;
        _riskGuard = riskGuard;
        _owner = owner;
        PersistenceId = "strategy-" + definition.Id;

        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is not StrategySnapshot snapshot) return;
            _cooldowns = _journaled = snapshot.ToBook();
            _snapshots.Recovered(o.Metadata.SequenceNr);
        });
        Recover<SignalEmitted>(e => _cooldowns = _journaled = _journaled.Record(KeyOf(e), e.TimeMs));

        // Akka's in-memory journals replay the Tagged wrapper; the SQL journal stores and replays the event alone.
        Recover<Tagged>(t =>
        {
            if (t.Payload is SignalEmitted e) _cooldowns = _journaled = _journaled.Record(KeyOf(e), e.TimeMs);
        });
        Recover<RecoveryCompleted>(_ =>
        {
            SnapshotIfDue();
            if (_owner is null)
            {
                Subscribe();
                return;
            }

            _owner.Tell(new StrategyRecovered(_definition.Id));
        });
        Command<ResumeStrategy>(r =>
        {
            if (r.Definition != _definition)
            {
                _definition = r.Definition;
                _watch = ScoreWatch.Empty;
            }

            foreach (var m in r.Inputs)
            {
                _inputs[m.Symbol] = m.Inputs;
            }

            foreach (var signal in r.Unwritten)
            {
                // The journal may have taken the write before it failed to confirm it: written once, whatever happened.
                if (_cooldowns.LastEmitted(KeyOf(signal)) is { } last && last >= signal.TimeMs)
                {
                    continue;
                }

                _cooldowns = _cooldowns.Record(KeyOf(signal), signal.TimeMs);
                _log.Warning("Strategy {0}: signal {1} written after the journal came back (its first write failed)", _definition.Id, signal.SignalId);
                Emit(signal);
            }

            // The owner routes the snapshots; the supervisor kept those that came while this incarnation was down.
            _owner!.Tell(new StrategyReady(_definition.Id));
            Context.Parent.Tell(BufferingBackoffSupervisor.ChildReady.Instance);
        });

        Command<IndicatorSnapshot>(OnSnapshot);
        Command<IndicatorSnapshotBatch>(b =>
        {
            // Exactly as the snapshots one by one: the cooldown is taken at each decision, the Persist
            // handlers run in order, and the next message waits until every event of the batch is written.
            foreach (var snapshot in b.Snapshots)
            {
                OnSnapshot(snapshot);
            }
        });
        Command<MarketInputsUpdated>(OnInputs);
        Command<IndicatorStreamEnded>(e =>
        {
            if (!_definition.AppliesTo(e.Symbol))
            {
                return;
            }

            // Runs after every pending Persist of this actor: subscribers then have every signal.
            DeferAsync(e, ended => _mediator.Tell(new Publish(EngineTopics.Signals, new StrategyStreamEnded(_definition.Id, ended.Symbol))));
        });
        Command<ReplaceDefinition>(r =>
        {
            _log.Info("Strategy {0}: definition {1} -> {2} (enabled {3})", _definition.Id, _definition.Version, r.Definition.Version, r.Definition.Enabled);
            _definition = r.Definition;
            _watch = ScoreWatch.Empty; // other signals or weights: the old watch no longer applies
        });
        Command<GetStrategyScore>(_ => Sender.Tell(StrategyScoreReport.Of(_definition, _watch)));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Strategy {0}: snapshot failed; the journal still has every signal", _definition.Id));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Strategy {0}: older snapshots not deleted; the next save tries again", _definition.Id));

        // A command, so it waits behind any Persist in flight: a signal being written is still handed on.
        Command<StopStrategy>(_ => Context.Stop(Self));
        Command<SubscribeAck>(_ =>
        {
            if (--_pendingSubscriptions == 0)
            {
                (_owner ?? Context.Parent).Tell(new StrategyReady(_definition.Id));
            }
        });
    }

    public override string PersistenceId { get; }

    public static Props Props(StrategyDefinition definition, IActorRef mediator, IActorRef? riskGuard, IActorRef? owner = null) =>
        Akka.Actor.Props.Create(() => new StrategyActor(definition, mediator, riskGuard, owner));

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        var unwritten = @event is Tagged { Payload: SignalEmitted s } ? s : @event as SignalEmitted;
        _owner?.Tell(new StrategyDown(_definition.Id, $"journal write failed: {cause.Message}", unwritten));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _owner?.Tell(new StrategyDown(_definition.Id, $"journal recovery failed: {reason.Message}", null));
        base.OnRecoveryFailure(reason, message);
    }

    private static CooldownKey KeyOf(SignalEmitted e) =>
        new(e.StrategyId, e.Symbol, e.Direction.ToSignalDirection());

    private void SnapshotIfDue()
    {
        if (_snapshots.Due(LastSequenceNr)) SaveSnapshot(StrategySnapshot.Of(_journaled));
    }

    private void Subscribe()
    {
        var topics = _definition.AllSymbols
            ? [EngineTopics.Indicators]
            : _definition.Symbols.Select(EngineTopics.IndicatorsOf).ToArray();
        topics = [.. topics, EngineTopics.MarketInputs];
        _pendingSubscriptions = topics.Length;
        foreach (var topic in topics)
        {
            _mediator.Tell(new Subscribe(topic, Self));
        }
    }

    /// <summary>Inputs wait for the tick at or after their event time (they may arrive before the trades around them).</summary>
    private void OnInputs(MarketInputsUpdated m)
    {
        if (!_pendingInputs.TryGetValue(m.Symbol, out var queue))
        {
            queue = new Queue<MarketInputsUpdated>();
            _pendingInputs[m.Symbol] = queue;
        }

        queue.Enqueue(m);
        if (queue.Count > MaxPendingInputs)
        {
            _inputs[m.Symbol] = queue.Dequeue().Inputs; // a symbol without ticks for hours: keep memory bounded
        }
    }

    /// <summary>The inputs of <paramref name="symbol"/> as of event time <paramref name="timeMs"/>: every update at or before it, in order.</summary>
    private MarketInputs InputsAt(string symbol, long timeMs)
    {
        if (_pendingInputs.TryGetValue(symbol, out var queue))
        {
            while (queue.TryPeek(out var next) && next.TimeMs <= timeMs)
            {
                _inputs[symbol] = queue.Dequeue().Inputs;
            }
        }

        return _inputs.TryGetValue(symbol, out var i) ? i : MarketInputs.Empty;
    }

    private void OnSnapshot(IndicatorSnapshot snapshot)
    {
        var inputs = InputsAt(snapshot.Symbol, snapshot.Values.TimeMs);
        var decision = SignalDecision.EvaluateCandidate(_definition, snapshot.Symbol, snapshot.Values, inputs, _cooldowns, out var scored);
        _watch = _watch.Observe(snapshot.Symbol, snapshot.Values.TimeMs, scored, emitted: decision?.Signal is not null);
        if (decision?.Signal is not { } signal)
        {
            return;
        }

        // The cooldown is taken now, so the next snapshot (already in the mailbox) cannot double-emit.
        _cooldowns = decision.Cooldowns;
        Emit(SignalEmitted.From(signal, _definition));
    }

    /// <summary>Persists the signal (tag <c>signal</c>), then publishes it and hands it to the risk guard.</summary>
    private void Emit(SignalEmitted emitted)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Persist(new Tagged(emitted, [SignalTag]), _ =>
        {
            _journaled = _journaled.Record(KeyOf(emitted), emitted.TimeMs);
            SnapshotIfDue();
            Telemetry.EngineMetrics.JournalWriteMs.Record(
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("writer", "strategy"));
            _mediator.Tell(new Publish(EngineTopics.Signals, emitted));
            _riskGuard?.Tell(emitted);
        });
    }
}
