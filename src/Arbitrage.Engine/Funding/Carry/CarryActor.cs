using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Arbitrage.Core.Funding;
using Arbitrage.Core.Funding.Carry;

namespace Arbitrage.Engine.Funding.Carry;

/// <summary>
/// One symbol's funding carry (ARCHITECTURE §6): a thin shell over the pure <see cref="CarryLogic"/>. It hands the logic
/// <see cref="MarkPriceUpdate"/>s (index = spot proxy, mark = perp), <see cref="FundingSettlementDetected"/>s and operator
/// commands; executes the legs the logic orders through <see cref="ICarryLegGateway"/> and hands back the answers; journals
/// the logic's events (tag <c>funding</c>) and only then answers the operator. State = <see cref="CarryState.Apply"/> over
/// the events, snapshotted every <see cref="CarryConfig.SnapshotEvery"/> events. A gateway that answers synchronously
/// (paper) is handled inline, so replays are deterministic; an asynchronous one makes the carry busy (updates only move
/// the market view; settlements and commands are stashed until the legs are answered).
/// </summary>
public sealed class CarryActor : ReceivePersistentActor
{
    public const string Tag = "funding";

    private static readonly string[] Tags = [Tag];

    private sealed record LegsDone(CarryLegResult[] Results) : INoSerializationVerificationNeeded;

    private readonly CarryConfig _config;
    private readonly ICarryLegGateway _gateway;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CarryView _view;
    private IActorRef? _replyTo; // the operator whose command started the legs in flight
    private int _sinceSnapshot;

    public CarryActor(string symbol, CarryConfig config, ICarryLegGateway gateway, string persistenceIdPrefix)
    {
        _config = config;
        _gateway = gateway;
        _view = CarryView.Start(symbol, config);
        PersistenceId = persistenceIdPrefix + symbol;

        Recover<SnapshotOffer>(o => { if (o.Snapshot is CarryState s) _view = _view with { Book = s }; });
        Recover<ICarryEvent>(e => _view = _view with { Book = _view.Book.Apply(e) });

        Command<MarkPriceUpdate>(u => Run(CarryLogic.OnQuote(_view, u.ToQuote(), _config), null));
        Command<FundingSettlementDetected>(s => Run(CarryLogic.OnSettlement(_view, s.Symbol, new FundingSettlement(s.TimeMs, s.Rate), s.MarkPrice, s.Estimated), null));
        Command<OpenCarry>(m => Run(CarryLogic.OnOpenCommand(_view, m.NotionalUsd, m.By, _config), Sender));
        Command<CloseCarry>(m => Run(CarryLogic.OnCloseCommand(_view, m.Reason, m.By, _config), Sender));
        Command<GetCarryStatus>(_ => Sender.Tell(Status()));
        Command<LegsDone>(m =>
        {
            Run(CarryLogic.OnLegs(_view, m.Results, _config), _replyTo);
            if (!_view.Busy) Stash.UnstashAll();
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Carry {0}: snapshot failed; the journal still has every event", _view.Symbol));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    /// <param name="persistenceIdPrefix">Persistence id = prefix + symbol; a replay uses its own prefix so it never touches live carries.</param>
    public static Props Props(string symbol, CarryConfig config, ICarryLegGateway gateway, string persistenceIdPrefix = "carry-") =>
        Akka.Actor.Props.Create(() => new CarryActor(symbol, config, gateway, persistenceIdPrefix));

    /// <summary>Carries out one decision: log its notes, journal its events, then answer and execute its legs.</summary>
    /// <param name="replyTo">Who gets the answer: the sender of an operator command, kept while its legs are in flight.</param>
    private void Run(CarryStep step, IActorRef? replyTo)
    {
        if (step.Deferred)
        {
            Stash.Stash();
            return;
        }

        foreach (var note in step.Notes)
        {
            if (note.IsError) _log.Error("{0}", note.Text);
            else _log.Warning("{0}", note.Text);
        }

        _view = step.View;
        if (step.Orders.Count > 0) _replyTo = replyTo; // the flow goes on with these legs: keep who asked
        else if (!_view.Busy) _replyTo = null;         // the flow ended (a quote while legs are out leaves it alone)
        Record(step.Events, step.View.Book, () =>
        {
            if (step.Reply is { } reply) replyTo?.Tell(new CarryCommandReply(_view.Symbol, reply.Accepted, reply.Message));
            Execute(step.Orders);
        });
    }

    /// <summary>Runs the legs; a synchronous answer (paper) goes to the logic inline, an asynchronous one when <see cref="LegsDone"/> arrives (busy meanwhile).</summary>
    private void Execute(IReadOnlyList<CarryLegOrder> orders)
    {
        if (orders.Count == 0) return;
        var task = ExecuteAll(_gateway, orders);
        if (task.IsCompletedSuccessfully)
        {
            Run(CarryLogic.OnLegs(_view, task.Result, _config), _replyTo);
            return;
        }

        task.PipeTo(Self, success: r => new LegsDone(r));
    }

    private static async Task<CarryLegResult[]> ExecuteAll(ICarryLegGateway gateway, IReadOnlyList<CarryLegOrder> orders)
    {
        var tasks = new Task<CarryLegResult>[orders.Count];
        for (var i = 0; i < orders.Count; i++) tasks[i] = Safe(gateway, orders[i]);
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static async Task<CarryLegResult> Safe(ICarryLegGateway gateway, CarryLegOrder order)
    {
        try
        {
            return await gateway.ExecuteAsync(order).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a throwing gateway is a failed leg (then unwound), never a crashed carry
        catch (Exception e)
#pragma warning restore CA1031
        {
            return CarryLegResult.Failed($"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <param name="book">The book after <paramref name="events"/> (what a snapshot stores).</param>
    private void Record(IReadOnlyList<ICarryEvent> events, CarryState book, Action after)
    {
        if (events.Count == 0)
        {
            after();
            return;
        }

        var remaining = events.Count;
        PersistAll(events.Select(e => new Tagged(e, Tags)), _ =>
        {
            if (--remaining > 0) return;
            _sinceSnapshot += events.Count;
            if (_sinceSnapshot >= _config.SnapshotEvery)
            {
                _sinceSnapshot = 0;
                SaveSnapshot(book);
            }

            after();
        });
    }

    private CarryStatus Status()
    {
        var (view, book) = (_view, _view.Book);
        CarryMark? mark = null;
        CarryResult? openResult = null;
        if (book.Open is { } open && view.Priced is { } at)
        {
            mark = open.Position.Mark(at.IndexPrice, at.MarkPrice);
            openResult = CarryState.OpenResult(open, at.IndexPrice, at.MarkPrice);
        }

        return new CarryStatus(view.Symbol, book.Open, mark, openResult, book.Closed, book.Failures, book.Stranded, book.AutoPaused, view.Busy,
            view.Latest is null ? null : MarkPriceUpdate.From(view.Latest), view.PredictedAnnualised, view.IntervalHours);
    }
}
