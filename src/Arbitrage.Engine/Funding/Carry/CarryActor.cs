using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Arbitrage.Core.Funding;
using Arbitrage.Core.Sizing;

namespace Arbitrage.Engine.Funding.Carry;

/// <summary>
/// One symbol's funding carry (ARCHITECTURE §6): spot long + perp short of equal notional. Fed
/// <see cref="MarkPriceUpdate"/>s (index = spot proxy, mark = perp) and <see cref="FundingSettlementDetected"/>;
/// decides with Core <see cref="CarryRules"/> on event time, executes legs through <see cref="ICarryLegGateway"/>,
/// unwinds a half-open carry, accrues funding per settlement. Every acting decision, leg, accrual and close is
/// journaled (tag <c>funding</c>) after the legs answer; state = <see cref="CarryState.Apply"/> over the events.
/// A gateway that answers synchronously (paper) is handled inline, so replays are deterministic.
/// </summary>
public sealed class CarryActor : ReceivePersistentActor
{
    public const string Tag = "funding";

    private static readonly string[] Tags = [Tag];

    private sealed record LegsDone(CarryLegResult[] Results) : INoSerializationVerificationNeeded;

    private readonly string _symbol;
    private readonly CarryConfig _config;
    private readonly ICarryLegGateway _gateway;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CarryState _state;
    private MarkPriceUpdate? _latest;
    private int _intervalHours;
    private Action<CarryLegResult[]>? _continuation;
    private int _sinceSnapshot;

    public CarryActor(string symbol, CarryConfig config, ICarryLegGateway gateway, string persistenceIdPrefix)
    {
        _symbol = symbol;
        _config = config;
        _gateway = gateway;
        _intervalHours = config.FundingIntervalHours;
        _state = CarryState.Empty(symbol);
        PersistenceId = persistenceIdPrefix + symbol;

        Recover<SnapshotOffer>(o => { if (o.Snapshot is CarryState s) _state = s; });
        Recover<ICarryEvent>(e => _state = _state.Apply(e));

        Command<MarkPriceUpdate>(OnUpdate);
        Command<FundingSettlementDetected>(OnSettlement);
        Command<OpenCarry>(OnOpenCommand);
        Command<CloseCarry>(OnCloseCommand);
        Command<GetCarryStatus>(_ => Sender.Tell(Status()));
        Command<LegsDone>(OnLegsDone);
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Carry {0}: snapshot failed; the journal still has every event", _symbol));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    private bool Busy => _continuation is not null;

    /// <param name="persistenceIdPrefix">Persistence id = prefix + symbol; a replay uses its own prefix so it never touches live carries.</param>
    public static Props Props(string symbol, CarryConfig config, ICarryLegGateway gateway, string persistenceIdPrefix = "carry-") =>
        Akka.Actor.Props.Create(() => new CarryActor(symbol, config, gateway, persistenceIdPrefix));

    // ---- inputs ----

    private void OnUpdate(MarkPriceUpdate u)
    {
        if (u.Symbol != _symbol || (_latest is { } prev && u.EventTimeMs <= prev.EventTimeMs)) return; // stale or duplicate
        if (_latest is { } before && u.NextFundingTimeMs > before.NextFundingTimeMs)
        {
            var gap = u.NextFundingTimeMs - before.NextFundingTimeMs;
            if (gap % 3_600_000 == 0 && gap / 3_600_000 is >= 1 and <= 24) _intervalHours = (int)(gap / 3_600_000);
        }

        _latest = u;
        if (Busy || u.IndexPrice <= 0m || u.MarkPrice <= 0m) return;

        if (_state.Stranded is not null)
        {
            RetryUnwind(u);
            return;
        }

        var annualised = CarryConfig.Annualise(u.PredictedRate, _intervalHours);
        var basis = u.Basis;
        if (_state.Open is { } open)
        {
            if (open.Closing)
            {
                StartClose(open.ClosingReason!, "retry of the failed close leg", open.ClosingBy ?? CarryState.ByRules, u, null);
                return;
            }

            var exit = CarryRules.ShouldExit(open.Position, annualised, basis, u.EventTimeMs, _config.Parameters);
            if (exit.Act) StartClose(CarryActions.ReasonName(exit.Reason), exit.Detail, CarryState.ByRules, u, null);
            return;
        }

        if (!_config.Enabled || _state.AutoPaused) return;
        var enter = CarryRules.ShouldEnter(annualised, basis, _config.Parameters);
        if (enter.Act) StartOpen(_config.NotionalUsd, CarryActions.ReasonName(enter.Reason), enter.Detail, CarryState.ByRules, u, null);
    }

    private void OnSettlement(FundingSettlementDetected s)
    {
        if (s.Symbol != _symbol) return;
        if (Busy)
        {
            Stash.Stash(); // accrue after the legs in flight are journaled
            return;
        }

        if (_state.Open is not { } open) return;
        var mark = s.MarkPrice > 0m ? s.MarkPrice : _latest?.MarkPrice ?? 0m;
        if (mark <= 0m) return;
        var accrued = open.Position.Accrue(new FundingSettlement(s.TimeMs, s.Rate), mark);
        if (ReferenceEquals(accrued, open.Position)) return; // before the open, or already accrued
        Record([new CarryFundingAccrued(_symbol, open.CarryId, s.TimeMs, s.Rate, mark, accrued.FundingUsd - open.Position.FundingUsd, s.Estimated)], null);
    }

    private void OnOpenCommand(OpenCarry m)
    {
        if (Busy)
        {
            Stash.Stash();
            return;
        }

        var problem = m.NotionalUsd <= 0m ? $"notional must be > 0 (got {m.NotionalUsd})"
            : _state.Open is not null ? $"carry {_state.Open.CarryId} is already open"
            : _state.Stranded is not null ? $"a stranded {_state.Stranded.Leg} leg of {_state.StrandedCarryId} is still being unwound"
            : _latest is not { IndexPrice: > 0m, MarkPrice: > 0m } ? "no mark/index price yet"
            : null;
        if (problem is not null)
        {
            Sender.Tell(new CarryCommandReply(_symbol, false, problem));
            return;
        }

        StartOpen(m.NotionalUsd, CarryActions.Operator, $"opened by {m.By}", m.By, _latest!, Sender);
    }

    private void OnCloseCommand(CloseCarry m)
    {
        if (Busy)
        {
            Stash.Stash();
            return;
        }

        if (_state.Open is null || _latest is not { IndexPrice: > 0m, MarkPrice: > 0m })
        {
            Sender.Tell(new CarryCommandReply(_symbol, false, _state.Open is null ? "no open carry" : "no mark/index price yet"));
            return;
        }

        StartClose(CarryActions.Operator, $"closed by {m.By}: {m.Reason}", m.By, _latest, Sender);
    }

    // ---- opening ----

    private void StartOpen(decimal notional, string reason, string detail, string by, MarkPriceUpdate at, IActorRef? replyTo)
    {
        var spotQty = StepRounding.Down(notional / at.IndexPrice, _config.SpotStep);
        var perpQty = StepRounding.Down(notional / at.MarkPrice, _config.PerpStep);
        if (spotQty <= 0m || perpQty <= 0m)
        {
            _log.Warning("Carry {0}: notional {1} is below one quantity step", _symbol, notional);
            replyTo?.Tell(new CarryCommandReply(_symbol, false, $"notional {notional} is below one quantity step"));
            return;
        }

        var id = _state.NextCarryId;
        var decided = Decided(id, CarryActions.Open, reason, detail, by, at);
        CarryLegOrder[] orders =
        [
            new(_symbol, $"{id}-open-spot", CarryLeg.Spot, CarrySide.Buy, spotQty, at.IndexPrice, at.EventTimeMs),
            new(_symbol, $"{id}-open-perp", CarryLeg.Perp, CarrySide.Sell, perpQty, at.MarkPrice, at.EventTimeMs),
        ];
        Execute(orders, results => OnOpenLegs(decided, notional, at, results, replyTo));
    }

    private void OnOpenLegs(CarryDecided decided, decimal notional, MarkPriceUpdate at, CarryLegResult[] results, IActorRef? replyTo)
    {
        var id = decided.CarryId;
        var (spot, perp) = (results[0], results[1]);
        if (spot.Fill is { } s && perp.Fill is { } p)
        {
            var position = new CarryPosition(_symbol, s.Quantity, p.Quantity, s.Price, p.Price, at.EventTimeMs, 0m, 0, null, s.FeeUsd + p.FeeUsd);
            Record(
                [decided, new CarryLegFilled(_symbol, id, CarryLegPurpose.Open, s), new CarryLegFilled(_symbol, id, CarryLegPurpose.Open, p),
                 new CarryOpened(_symbol, id, notional, position, decided.By)],
                () => replyTo?.Tell(new CarryCommandReply(_symbol, true, $"carry {id} open: spot {s.Quantity} @ {s.Price}, perp −{p.Quantity} @ {p.Price}")));
            return;
        }

        var events = new List<ICarryEvent> { decided };
        var failedLeg = spot.Success ? CarryLeg.Perp : CarryLeg.Spot;
        var error = (spot.Success ? perp.Error : spot.Error) ?? "unknown";
        foreach (var (leg, r) in new[] { (CarryLeg.Spot, spot), (CarryLeg.Perp, perp) })
        {
            events.Add(r.Fill is { } f
                ? new CarryLegFilled(_symbol, id, CarryLegPurpose.Open, f)
                : new CarryLegFailed(_symbol, id, CarryLegPurpose.Open, leg, r.Error ?? "unknown", at.EventTimeMs));
        }

        var filled = spot.Fill ?? perp.Fill;
        if (filled is null)
        {
            events.Add(new CarryOpenFailed(_symbol, new CarryOpenFailure(id, at.EventTimeMs, failedLeg, $"both legs failed: spot {spot.Error}; perp {perp.Error}", null, null, 0m, 0m), null));
            Record(events, () => replyTo?.Tell(new CarryCommandReply(_symbol, false, $"carry {id} not opened: spot {spot.Error}; perp {perp.Error}")));
            return;
        }

        // Never leave one leg naked: close the filled leg at once, at the same reference prices.
        _log.Warning("Carry {0}: {1} leg failed to open ({2}); unwinding the {3} leg", id, failedLeg, error, filled.Leg);
        Execute([UnwindOrder(id, filled, at)], r =>
        {
            if (r[0].Fill is { } u)
            {
                events.Add(new CarryLegFilled(_symbol, id, CarryLegPurpose.Unwind, u));
                events.Add(new CarryOpenFailed(_symbol, new CarryOpenFailure(id, at.EventTimeMs, failedLeg, error, filled, u, CarryState.UnwindPnl(filled, u), filled.FeeUsd + u.FeeUsd), null));
            }
            else
            {
                _log.Error("Carry {0}: unwind of the {1} leg failed ({2}); retrying on every update", id, filled.Leg, r[0].Error);
                events.Add(new CarryLegFailed(_symbol, id, CarryLegPurpose.Unwind, filled.Leg, r[0].Error ?? "unknown", at.EventTimeMs));
                events.Add(new CarryOpenFailed(_symbol, new CarryOpenFailure(id, at.EventTimeMs, failedLeg, error, filled, null, 0m, filled.FeeUsd), filled));
            }

            Record(events, () => replyTo?.Tell(new CarryCommandReply(_symbol, false, $"carry {id} not opened: {failedLeg} leg failed ({error}); {filled.Leg} leg {(r[0].Success ? "unwound" : "stranded, unwind retried")}")));
        });
    }

    private CarryLegOrder UnwindOrder(string id, CarryLegFill filled, MarkPriceUpdate at) =>
        new(_symbol, $"{id}-unwind-{(filled.Leg == CarryLeg.Spot ? "spot" : "perp")}", filled.Leg,
            filled.Side == CarrySide.Buy ? CarrySide.Sell : CarrySide.Buy,
            filled.Leg == CarryLeg.Spot ? SellableSpot(filled.Quantity) : filled.Quantity,
            filled.Leg == CarryLeg.Spot ? at.IndexPrice : at.MarkPrice, at.EventTimeMs);

    /// <summary>
    /// A spot quantity the exchange accepts to sell: what the leg holds (net of a commission paid in the base
    /// asset) down to the lot step. The remainder (&lt; one step) stays in the account as dust.
    /// </summary>
    private decimal SellableSpot(decimal held) => StepRounding.Down(held, _config.SpotStep);

    private void RetryUnwind(MarkPriceUpdate at)
    {
        var (filled, id) = (_state.Stranded!, _state.StrandedCarryId ?? "?");
        Execute([UnwindOrder(id, filled, at)], r =>
        {
            if (r[0].Fill is { } u)
            {
                Record([new CarryLegFilled(_symbol, id, CarryLegPurpose.Unwind, u), new CarryStrandedUnwound(_symbol, id, u, CarryState.UnwindPnl(filled, u))], null);
            }
            else
            {
                _log.Warning("Carry {0}: unwind of the stranded {1} leg failed again ({2})", id, filled.Leg, r[0].Error);
            }
        });
    }

    // ---- closing ----

    private void StartClose(string reason, string detail, string by, MarkPriceUpdate at, IActorRef? replyTo)
    {
        var open = _state.Open!;
        var id = open.CarryId;
        var orders = new List<CarryLegOrder>(2);
        if (open.SpotExit is null) orders.Add(new(_symbol, $"{id}-close-spot", CarryLeg.Spot, CarrySide.Sell, SellableSpot(open.Position.SpotQuantity), at.IndexPrice, at.EventTimeMs));
        if (open.PerpExit is null) orders.Add(new(_symbol, $"{id}-close-perp", CarryLeg.Perp, CarrySide.Buy, open.Position.PerpQuantity, at.MarkPrice, at.EventTimeMs));
        var decided = open.Closing ? null : Decided(id, CarryActions.Close, reason, detail, by, at);
        Execute([.. orders], results =>
        {
            var events = new List<ICarryEvent>();
            if (decided is not null) events.Add(decided);
            var (spotExit, perpExit) = (open.SpotExit, open.PerpExit);
            var errors = new List<string>();
            for (var i = 0; i < orders.Count; i++)
            {
                if (results[i].Fill is { } f)
                {
                    events.Add(new CarryLegFilled(_symbol, id, CarryLegPurpose.Close, f));
                    if (f.Leg == CarryLeg.Spot) spotExit = f;
                    else perpExit = f;
                }
                else
                {
                    errors.Add($"{orders[i].Leg}: {results[i].Error}");
                    events.Add(new CarryLegFailed(_symbol, id, CarryLegPurpose.Close, orders[i].Leg, results[i].Error ?? "unknown", at.EventTimeMs));
                }
            }

            if (spotExit is not null && perpExit is not null)
            {
                var result = CarryState.CloseResult(open, spotExit, perpExit, at.EventTimeMs, reason);
                events.Add(new CarryClosed(_symbol, result, by));
                Record(events, () => replyTo?.Tell(new CarryCommandReply(_symbol, true, $"carry {id} closed: net {result.NetUsd:0.##} USD")));
                return;
            }

            _log.Warning("Carry {0}: close leg failed ({1}); retrying on the next update", id, string.Join("; ", errors));
            if (!open.Closing) events.Add(new CarryClosing(_symbol, id, reason, by, at.EventTimeMs));
            Record(events, () => replyTo?.Tell(new CarryCommandReply(_symbol, true, $"carry {id} closing: {string.Join("; ", errors)}; retried on the next update")));
        });
    }

    // ---- plumbing ----

    private CarryDecided Decided(string id, string action, string reason, string detail, string by, MarkPriceUpdate at) =>
        new(_symbol, id, at.EventTimeMs, action, reason, detail, by, at.PredictedRate,
            CarryConfig.Annualise(at.PredictedRate, _intervalHours), at.Basis, at.MarkPrice, at.IndexPrice);

    /// <summary>Runs the legs; a synchronous answer (paper) continues inline, an asynchronous one when <see cref="LegsDone"/> arrives (busy meanwhile).</summary>
    private void Execute(CarryLegOrder[] orders, Action<CarryLegResult[]> then)
    {
        var task = ExecuteAll(_gateway, orders);
        if (task.IsCompletedSuccessfully)
        {
            then(task.Result);
            return;
        }

        _continuation = then;
        task.PipeTo(Self, success: r => new LegsDone(r));
    }

    private void OnLegsDone(LegsDone m)
    {
        var then = _continuation;
        _continuation = null;
        then?.Invoke(m.Results);
        if (!Busy) Stash.UnstashAll();
    }

    private static async Task<CarryLegResult[]> ExecuteAll(ICarryLegGateway gateway, CarryLegOrder[] orders)
    {
        var tasks = new Task<CarryLegResult>[orders.Length];
        for (var i = 0; i < orders.Length; i++) tasks[i] = Safe(gateway, orders[i]);
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

    private void Record(IReadOnlyList<ICarryEvent> events, Action? after)
    {
        var remaining = events.Count;
        PersistAll(events.Select(e => new Tagged(e, Tags)), t =>
        {
            _state = _state.Apply((ICarryEvent)t.Payload);
            if (--remaining > 0) return;
            after?.Invoke();
            _sinceSnapshot += events.Count;
            if (_sinceSnapshot >= _config.SnapshotEvery)
            {
                _sinceSnapshot = 0;
                SaveSnapshot(_state);
            }
        });
    }

    private CarryStatus Status()
    {
        var open = _state.Open;
        CarryMark? mark = null;
        CarryResult? openResult = null;
        if (open is not null && _latest is { IndexPrice: > 0m, MarkPrice: > 0m } l)
        {
            mark = open.Position.Mark(l.IndexPrice, l.MarkPrice);
            openResult = CarryState.OpenResult(open, l.IndexPrice, l.MarkPrice);
        }

        return new CarryStatus(_symbol, open, mark, openResult, _state.Closed, _state.Failures, _state.Stranded, _state.AutoPaused, Busy,
            _latest, _latest is null ? null : CarryConfig.Annualise(_latest.PredictedRate, _intervalHours), _intervalHours);
    }
}
