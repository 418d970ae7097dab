using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Akka.Persistence;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Engine.Execution.Paper;

// ---- protocol (the venue is the executor's child: nothing here leaves the node) ----

/// <summary>Place an order; answered with <c>GatewayResult&lt;GatewayOrder&gt;</c>.</summary>
public sealed record PaperPlace(OrderRequest Order) : INoSerializationVerificationNeeded;

/// <summary>Cancel a working order; answered with <c>GatewayResult&lt;GatewayOrder&gt;</c>.</summary>
public sealed record PaperCancel(string ClientOrderId) : INoSerializationVerificationNeeded;

/// <summary>An order by client id; answered with <c>GatewayResult&lt;GatewayOrder&gt;</c>.</summary>
public sealed record PaperQuery(string ClientOrderId) : INoSerializationVerificationNeeded;

/// <summary>Answered with <c>GatewayResult&lt;IReadOnlyList&lt;GatewayOrder&gt;&gt;</c>: the working orders.</summary>
public sealed record PaperOpenOrders : INoSerializationVerificationNeeded;

/// <summary>Answered with <c>GatewayResult&lt;IReadOnlyList&lt;GatewayPosition&gt;&gt;</c>: the non-zero positions.</summary>
public sealed record PaperPositions : INoSerializationVerificationNeeded;

/// <summary>Answered with <c>GatewayResult&lt;decimal&gt;</c>: the balance in USD.</summary>
public sealed record PaperBalance : INoSerializationVerificationNeeded;

/// <summary>A price at event time; answered with <see cref="PaperPriceApplied"/> after the fills it caused are journaled and pushed.</summary>
public sealed record PaperPrice(string Symbol, decimal Price, long TimeMs) : INoSerializationVerificationNeeded;

public sealed record PaperPriceApplied(int Fills) : INoSerializationVerificationNeeded;

/// <summary>Order updates go to <paramref name="Listener"/> from now on.</summary>
public sealed record PaperSubscribe(IActorRef Listener) : INoSerializationVerificationNeeded;

/// <summary>Answered with <see cref="PaperAccountView"/>.</summary>
public sealed record GetPaperAccount : INoSerializationVerificationNeeded;

/// <summary>
/// The paper venue: a simulated exchange account with its own journal (persistence id
/// <see cref="PaperGatewaySettings.PersistenceId"/>), so its orders, fills, positions and balance survive a restart exactly
/// as a real exchange's do, and the executor reconciles against it like against Binance. A thin shell over the pure
/// <see cref="PaperVenue"/>: each decision's events are journaled before the caller hears the answer and before fills are
/// pushed to the listener (<see cref="OrderUpdate"/>). Snapshot every <see cref="SnapshotInterval"/> events; older ones are deleted.
/// </summary>
public sealed class PaperVenueActor : ReceivePersistentActor
{
    private readonly SnapshotInterval _snapshots = SnapshotInterval.From(Context.System.Settings.Config);
    private readonly PaperGatewaySettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private PaperVenueState _state = PaperVenueState.Empty;
    private IActorRef _listener;

    public PaperVenueActor(PaperGatewaySettings settings, IActorRef listener)
    {
        _settings = settings;
        _listener = listener;
        PersistenceId = settings.PersistenceId;

        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is not PaperVenueSnapshot s) return;
            _state = PaperVenueState.From(s);
            _snapshots.Recovered(o.Metadata.SequenceNr);
        });
        Recover<IPaperVenueEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            if (_snapshots.Due(LastSequenceNr)) SaveSnapshot(_state.ToSnapshot());
            if (_state.Opened) return;
            Persist(new PaperAccountOpened(settings.StartingBalanceUsd, 0), e => _state = _state.Apply(e));
        });

        Command<PaperPlace>(m => Decide(PaperVenue.Place(_state, m.Order, _settings), Sender));
        Command<PaperCancel>(m => Decide(PaperVenue.Cancel(_state, m.ClientOrderId), Sender));
        Command<PaperPrice>(m =>
        {
            var o = PaperVenue.OnPrice(_state, m.Symbol, m.Price, m.TimeMs, _settings);
            Decide(new PaperVenueOutcome<PaperPriceApplied>(o.State, o.Events, new PaperPriceApplied(o.Events.Count), o.Updates), Sender);
        });
        Command<PaperQuery>(m => Sender.Tell(_state.Query(m.ClientOrderId)));
        Command<PaperOpenOrders>(_ => Sender.Tell(GatewayResult<IReadOnlyList<GatewayOrder>>.Ok(_state.OpenOrders())));
        Command<PaperPositions>(_ => Sender.Tell(GatewayResult<IReadOnlyList<GatewayPosition>>.Ok(_state.PositionList())));
        Command<PaperBalance>(_ => Sender.Tell(GatewayResult<decimal>.Ok(_state.BalanceUsd)));
        Command<PaperSubscribe>(m => _listener = m.Listener);
        Command<GetPaperAccount>(_ => Sender.Tell(_state.View()));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Paper venue: snapshot failed; the journal still has every event"));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    public static Props Props(PaperGatewaySettings settings, IActorRef listener) =>
        Akka.Actor.Props.Create(() => new PaperVenueActor(settings, listener));

    /// <summary>
    /// The venue behind a backoff supervisor: a journal failure stops a persistent actor, and the venue comes back (recovering
    /// its state) after 1 s, doubling to 30 s; calls meanwhile time out at the gateway, which the executor retries.
    /// </summary>
    public static Props SupervisedProps(PaperGatewaySettings settings, IActorRef listener) =>
        BackoffSupervisor.Props(Backoff.OnStop(Props(settings, listener), "venue", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, -1));

    /// <summary>Journals the outcome's events, then adopts its state, answers (<paramref name="replyTo"/>) and pushes its updates.</summary>
    private void Decide<T>(PaperVenueOutcome<T> outcome, IActorRef replyTo)
    {
        if (outcome.Events.Count == 0)
        {
            _state = outcome.State;
            replyTo.Tell(outcome.Answer);
            return;
        }

        var remaining = outcome.Events.Count;
        PersistAll(outcome.Events, _ =>
        {
            if (--remaining > 0) return;
            _state = outcome.State;
            foreach (var u in outcome.Updates) _listener.Tell(u);
            replyTo.Tell(outcome.Answer);
            if (_snapshots.Due(LastSequenceNr)) SaveSnapshot(_state.ToSnapshot());
        });
    }
}
