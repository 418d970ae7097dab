using Arbitrage.Core.Sizing;

namespace Arbitrage.Core.Funding.Carry;

/// <summary>
/// Everything <see cref="CarryLogic"/> decides from, for one symbol: the journaled book, the market as last seen (not
/// journaled: the stream rebuilds it after a restart) and the legs in flight.
/// </summary>
/// <param name="Latest">The latest quote (event time strictly increasing); null before the first.</param>
/// <param name="IntervalHours">Annualises the predicted rate: the configured interval until a roll of the next funding time shows the real one.</param>
/// <param name="InFlight">Legs sent and not answered yet; null when idle.</param>
public sealed record CarryView(CarryState Book, MarkPriceQuote? Latest, int IntervalHours, CarryInFlight? InFlight)
{
    public static CarryView Start(string symbol, CarryConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new(CarryState.Empty(symbol), null, config.FundingIntervalHours, null);
    }

    public string Symbol => Book.Symbol;

    /// <summary>Legs are executing: quotes only move <see cref="Latest"/>; settlements and commands wait.</summary>
    public bool Busy => InFlight is not null;

    /// <summary>The latest predicted rate as a yearly fraction at <see cref="IntervalHours"/>.</summary>
    public decimal? PredictedAnnualised => Latest is null ? null : FundingInterval.Annualise(Latest.PredictedRate, IntervalHours);

    /// <summary>The latest quote when it has both prices (to trade or mark at).</summary>
    public MarkPriceQuote? Priced => Latest is { IndexPrice: > 0m, MarkPrice: > 0m } q ? q : null;
}

/// <summary>Legs sent, and what their answers continue: data, so the decision that follows is <see cref="CarryLogic.OnLegs"/>.</summary>
public abstract record CarryInFlight
{
    private CarryInFlight() { }

    /// <summary>The two open legs (spot, perp) of <paramref name="Decided"/>, priced at <paramref name="At"/>.</summary>
    public sealed record Opening(CarryDecided Decided, decimal NotionalUsd, MarkPriceQuote At) : CarryInFlight;

    /// <summary>
    /// The unwind of the leg that filled when the other failed to open. <paramref name="Journal"/> (the decision and the open
    /// legs) is journaled together with the unwind's outcome.
    /// </summary>
    public sealed record UnwindingFailedOpen(IReadOnlyList<ICarryEvent> Journal, string CarryId, CarryLeg FailedLeg, string Error, CarryLegFill Filled, MarkPriceQuote At)
        : CarryInFlight;

    /// <summary>Another attempt to unwind the stranded leg of <paramref name="CarryId"/>.</summary>
    public sealed record RetryingUnwind(string CarryId, CarryLegFill Stranded) : CarryInFlight;

    /// <summary>The close legs still without an exit fill (<paramref name="Orders"/>); <paramref name="Decided"/> is null when a failed close leg is retried.</summary>
    public sealed record Closing(OpenCarryPosition Open, CarryDecided? Decided, IReadOnlyList<CarryLegOrder> Orders, string Reason, string By, MarkPriceQuote At)
        : CarryInFlight;
}

/// <summary>The answer to an operator command (sent once the step's events are journaled).</summary>
public sealed record CarryReply(bool Accepted, string Message);

/// <summary>A line for the operator's log: a leg that failed, a notional too small to trade.</summary>
public sealed record CarryNote(string Text, bool IsError = false);

/// <summary>
/// What one input decided: the view to go on from (its book already holds <see cref="Events"/>), the events to journal in
/// order, the legs to execute after them (their answers, in the same order, go to <see cref="CarryLogic.OnLegs"/>), the
/// answer for the operator command that started the flow, and log lines. <see cref="Deferred"/>: legs are in flight; offer
/// the input again once they are answered.
/// </summary>
public sealed record CarryStep(
    CarryView View,
    IReadOnlyList<ICarryEvent> Events,
    IReadOnlyList<CarryLegOrder> Orders,
    CarryReply? Reply,
    IReadOnlyList<CarryNote> Notes,
    bool Deferred = false);

/// <summary>
/// The funding carry's decisions as pure functions (ARCHITECTURE §6): spot long + perp short of equal notional, entered and
/// exited by Core <see cref="CarryRules"/> on event time, a half-open carry unwound at once (a failed unwind is stranded and
/// retried on every quote), a failed close leg retried, funding accrued per settlement, operator open/close. The legs of a
/// decision are executed first; the decision, the fills and the outcome are then journaled together.
/// </summary>
public static class CarryLogic
{
    /// <summary>A mark-price quote: moves the market view, then retries a stranded unwind or a failed close, or applies the exit or entry rule.</summary>
    public static CarryStep OnQuote(CarryView view, MarkPriceQuote quote, CarryConfig config)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(config);
        if (quote.Symbol != view.Symbol || (view.Latest is { } previous && quote.EventTimeMs <= previous.EventTimeMs))
            return Nothing(view); // another symbol, or stale or duplicate (a reconnect overlap)

        var interval = view.Latest is { } before && FundingRoll.Between(before, quote) is { IntervalHours: { } hours } ? hours : view.IntervalHours;
        view = view with { Latest = quote, IntervalHours = interval };
        if (view.Busy || quote.IndexPrice <= 0m || quote.MarkPrice <= 0m) return Nothing(view);

        var book = view.Book;
        if (book.Stranded is { } stranded)
        {
            var id = book.StrandedCarryId ?? "?";
            return Send(view, new CarryInFlight.RetryingUnwind(id, stranded), [UnwindOrder(view.Symbol, id, stranded, quote, config)]);
        }

        var annualised = FundingInterval.Annualise(quote.PredictedRate, interval);
        if (book.Open is { } open)
        {
            if (open.Closing) return StartClose(view, open.ClosingReason!, "retry of the failed close leg", open.ClosingBy ?? CarryState.ByRules, quote, config);
            var exit = CarryRules.ShouldExit(open.Position, annualised, quote.Basis, quote.EventTimeMs, config.Parameters);
            return exit.Act ? StartClose(view, CarryActions.ReasonName(exit.Reason), exit.Detail, CarryState.ByRules, quote, config) : Nothing(view);
        }

        if (!config.Enabled || book.AutoPaused) return Nothing(view);
        var enter = CarryRules.ShouldEnter(annualised, quote.Basis, config.Parameters);
        return enter.Act
            ? StartOpen(view, config.NotionalUsd, CarryActions.ReasonName(enter.Reason), enter.Detail, CarryState.ByRules, quote, config)
            : Nothing(view);
    }

    /// <summary>
    /// A settlement (detected on the stream or confirmed by the history): accrues it on the open carry at
    /// <paramref name="markPrice"/> (the latest mark when not given). Before the open, or already accrued: nothing.
    /// </summary>
    public static CarryStep OnSettlement(CarryView view, string symbol, FundingSettlement settlement, decimal markPrice, bool estimated)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (symbol != view.Symbol) return Nothing(view);
        if (view.Busy) return Defer(view); // accrue after the legs in flight are journaled
        if (view.Book.Open is not { } open) return Nothing(view);
        var mark = markPrice > 0m ? markPrice : view.Latest?.MarkPrice ?? 0m;
        if (mark <= 0m) return Nothing(view);
        var accrued = open.Position.Accrue(settlement, mark);
        if (ReferenceEquals(accrued, open.Position)) return Nothing(view); // before the open, or already accrued
        return Journal(view, [new CarryFundingAccrued(symbol, open.CarryId, settlement.TimeMs, settlement.Rate, mark, accrued.FundingUsd - open.Position.FundingUsd, estimated)], null);
    }

    /// <summary>An operator opens a carry of <paramref name="notionalUsd"/> per leg now, whatever the entry rule says.</summary>
    public static CarryStep OnOpenCommand(CarryView view, decimal notionalUsd, string by, CarryConfig config)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view.Busy) return Defer(view);
        var book = view.Book;
        var problem = notionalUsd <= 0m ? $"notional must be > 0 (got {notionalUsd})"
            : book.Open is not null ? $"carry {book.Open.CarryId} is already open"
            : book.Stranded is not null ? $"a stranded {book.Stranded.Leg} leg of {book.StrandedCarryId} is still being unwound"
            : view.Priced is null ? "no mark/index price yet"
            : null;
        if (problem is not null) return Answer(view, false, problem);
        return StartOpen(view, notionalUsd, CarryActions.Operator, $"opened by {by}", by, view.Priced!, config);
    }

    /// <summary>An operator closes the open carry now; automatic entries then pause until the next operator open.</summary>
    public static CarryStep OnCloseCommand(CarryView view, string reason, string by, CarryConfig config)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view.Busy) return Defer(view);
        if (view.Book.Open is null || view.Priced is not { } at)
            return Answer(view, false, view.Book.Open is null ? "no open carry" : "no mark/index price yet");
        return StartClose(view, CarryActions.Operator, $"closed by {by}: {reason}", by, at, config);
    }

    /// <summary>The answers to the legs in flight, in the order of their orders.</summary>
    public static CarryStep OnLegs(CarryView view, IReadOnlyList<CarryLegResult> results, CarryConfig config)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(results);
        var inFlight = view.InFlight ?? throw new InvalidOperationException($"carry {view.Symbol}: leg answers arrived with no legs in flight");
        view = view with { InFlight = null };
        return inFlight switch
        {
            CarryInFlight.Opening o => Opened(view, o, results, config),
            CarryInFlight.UnwindingFailedOpen u => UnwoundFailedOpen(view, u, results[0]),
            CarryInFlight.RetryingUnwind r => RetriedUnwind(view, r, results[0]),
            CarryInFlight.Closing c => Closed(view, c, results),
            _ => throw new InvalidOperationException($"unknown legs in flight: {inFlight.GetType().Name}"),
        };
    }

    // ---- opening ----

    private static CarryStep StartOpen(CarryView view, decimal notional, string reason, string detail, string by, MarkPriceQuote at, CarryConfig config)
    {
        var spotQty = StepRounding.Down(notional / at.IndexPrice, config.SpotStep);
        var perpQty = StepRounding.Down(notional / at.MarkPrice, config.PerpStep);
        if (spotQty <= 0m || perpQty <= 0m)
            return Answer(view, false, $"notional {notional} is below one quantity step", new CarryNote($"Carry {view.Symbol}: notional {notional} is below one quantity step"));

        var id = view.Book.NextCarryId;
        var decided = Decided(view, id, CarryActions.Open, reason, detail, by, at);
        return Send(view, new CarryInFlight.Opening(decided, notional, at),
        [
            new(view.Symbol, $"{id}-open-spot", CarryLeg.Spot, CarrySide.Buy, spotQty, at.IndexPrice, at.EventTimeMs),
            new(view.Symbol, $"{id}-open-perp", CarryLeg.Perp, CarrySide.Sell, perpQty, at.MarkPrice, at.EventTimeMs),
        ]);
    }

    private static CarryStep Opened(CarryView view, CarryInFlight.Opening o, IReadOnlyList<CarryLegResult> results, CarryConfig config)
    {
        var (symbol, decided, at) = (view.Symbol, o.Decided, o.At);
        var id = decided.CarryId;
        var (spot, perp) = (results[0], results[1]);
        if (spot.Fill is { } s && perp.Fill is { } p)
        {
            var position = new CarryPosition(symbol, s.Quantity, p.Quantity, s.Price, p.Price, at.EventTimeMs, 0m, 0, null, s.FeeUsd + p.FeeUsd);
            return Journal(view,
                [decided, new CarryLegFilled(symbol, id, CarryLegPurpose.Open, s), new CarryLegFilled(symbol, id, CarryLegPurpose.Open, p),
                 new CarryOpened(symbol, id, o.NotionalUsd, position, decided.By)],
                new CarryReply(true, $"carry {id} open: spot {s.Quantity} @ {s.Price}, perp −{p.Quantity} @ {p.Price}"));
        }

        var events = new List<ICarryEvent> { decided };
        var failedLeg = spot.Success ? CarryLeg.Perp : CarryLeg.Spot;
        var error = (spot.Success ? perp.Error : spot.Error) ?? "unknown";
        foreach (var (leg, r) in new[] { (CarryLeg.Spot, spot), (CarryLeg.Perp, perp) })
        {
            events.Add(r.Fill is { } f
                ? new CarryLegFilled(symbol, id, CarryLegPurpose.Open, f)
                : new CarryLegFailed(symbol, id, CarryLegPurpose.Open, leg, r.Error ?? "unknown", at.EventTimeMs));
        }

        var filled = spot.Fill ?? perp.Fill;
        if (filled is null)
        {
            events.Add(new CarryOpenFailed(symbol, new CarryOpenFailure(id, at.EventTimeMs, failedLeg, $"both legs failed: spot {spot.Error}; perp {perp.Error}", null, null, 0m, 0m), null));
            return Journal(view, events, new CarryReply(false, $"carry {id} not opened: spot {spot.Error}; perp {perp.Error}"));
        }

        // Never leave one leg naked: close the filled leg at once, at the same reference prices.
        return Send(view, new CarryInFlight.UnwindingFailedOpen(events, id, failedLeg, error, filled, at), [UnwindOrder(symbol, id, filled, at, config)],
            new CarryNote($"Carry {id}: {failedLeg} leg failed to open ({error}); unwinding the {filled.Leg} leg"));
    }

    private static CarryStep UnwoundFailedOpen(CarryView view, CarryInFlight.UnwindingFailedOpen u, CarryLegResult r)
    {
        var (symbol, id, filled, at) = (view.Symbol, u.CarryId, u.Filled, u.At);
        var events = new List<ICarryEvent>(u.Journal);
        CarryNote? note = null;
        if (r.Fill is { } unwound)
        {
            events.Add(new CarryLegFilled(symbol, id, CarryLegPurpose.Unwind, unwound));
            events.Add(new CarryOpenFailed(symbol, new CarryOpenFailure(id, at.EventTimeMs, u.FailedLeg, u.Error, filled, unwound, CarryState.UnwindPnl(filled, unwound), filled.FeeUsd + unwound.FeeUsd), null));
        }
        else
        {
            note = new CarryNote($"Carry {id}: unwind of the {filled.Leg} leg failed ({r.Error}); retrying on every update", IsError: true);
            events.Add(new CarryLegFailed(symbol, id, CarryLegPurpose.Unwind, filled.Leg, r.Error ?? "unknown", at.EventTimeMs));
            events.Add(new CarryOpenFailed(symbol, new CarryOpenFailure(id, at.EventTimeMs, u.FailedLeg, u.Error, filled, null, 0m, filled.FeeUsd), filled));
        }

        return Journal(view, events,
            new CarryReply(false, $"carry {id} not opened: {u.FailedLeg} leg failed ({u.Error}); {filled.Leg} leg {(r.Success ? "unwound" : "stranded, unwind retried")}"),
            note);
    }

    private static CarryStep RetriedUnwind(CarryView view, CarryInFlight.RetryingUnwind r, CarryLegResult result)
    {
        if (result.Fill is not { } unwound)
            return Nothing(view, new CarryNote($"Carry {r.CarryId}: unwind of the stranded {r.Stranded.Leg} leg failed again ({result.Error})"));
        return Journal(view,
            [new CarryLegFilled(view.Symbol, r.CarryId, CarryLegPurpose.Unwind, unwound), new CarryStrandedUnwound(view.Symbol, r.CarryId, unwound, CarryState.UnwindPnl(r.Stranded, unwound))],
            null);
    }

    /// <summary>Sells back (or buys back) a filled leg: the spot leg down to a quantity the exchange accepts.</summary>
    private static CarryLegOrder UnwindOrder(string symbol, string id, CarryLegFill filled, MarkPriceQuote at, CarryConfig config) =>
        new(symbol, $"{id}-unwind-{(filled.Leg == CarryLeg.Spot ? "spot" : "perp")}", filled.Leg,
            filled.Side == CarrySide.Buy ? CarrySide.Sell : CarrySide.Buy,
            filled.Leg == CarryLeg.Spot ? SellableSpot(filled.Quantity, config) : filled.Quantity,
            filled.Leg == CarryLeg.Spot ? at.IndexPrice : at.MarkPrice, at.EventTimeMs);

    /// <summary>
    /// A spot quantity the exchange accepts to sell: what the leg holds (net of a commission paid in the base
    /// asset) down to the lot step. The remainder (&lt; one step) stays in the account as dust.
    /// </summary>
    private static decimal SellableSpot(decimal held, CarryConfig config) => StepRounding.Down(held, config.SpotStep);

    // ---- closing ----

    private static CarryStep StartClose(CarryView view, string reason, string detail, string by, MarkPriceQuote at, CarryConfig config)
    {
        var open = view.Book.Open!;
        var id = open.CarryId;
        var orders = new List<CarryLegOrder>(2);
        if (open.SpotExit is null) orders.Add(new(view.Symbol, $"{id}-close-spot", CarryLeg.Spot, CarrySide.Sell, SellableSpot(open.Position.SpotQuantity, config), at.IndexPrice, at.EventTimeMs));
        if (open.PerpExit is null) orders.Add(new(view.Symbol, $"{id}-close-perp", CarryLeg.Perp, CarrySide.Buy, open.Position.PerpQuantity, at.MarkPrice, at.EventTimeMs));
        var decided = open.Closing ? null : Decided(view, id, CarryActions.Close, reason, detail, by, at);
        return Send(view, new CarryInFlight.Closing(open, decided, orders, reason, by, at), orders);
    }

    private static CarryStep Closed(CarryView view, CarryInFlight.Closing c, IReadOnlyList<CarryLegResult> results)
    {
        var (symbol, open, at) = (view.Symbol, c.Open, c.At);
        var id = open.CarryId;
        var events = new List<ICarryEvent>();
        if (c.Decided is not null) events.Add(c.Decided);
        var (spotExit, perpExit) = (open.SpotExit, open.PerpExit);
        var errors = new List<string>();
        for (var i = 0; i < c.Orders.Count; i++)
        {
            if (results[i].Fill is { } f)
            {
                events.Add(new CarryLegFilled(symbol, id, CarryLegPurpose.Close, f));
                if (f.Leg == CarryLeg.Spot) spotExit = f;
                else perpExit = f;
            }
            else
            {
                errors.Add($"{c.Orders[i].Leg}: {results[i].Error}");
                events.Add(new CarryLegFailed(symbol, id, CarryLegPurpose.Close, c.Orders[i].Leg, results[i].Error ?? "unknown", at.EventTimeMs));
            }
        }

        if (spotExit is not null && perpExit is not null)
        {
            var result = CarryState.CloseResult(open, spotExit, perpExit, at.EventTimeMs, c.Reason);
            events.Add(new CarryClosed(symbol, result, c.By));
            return Journal(view, events, new CarryReply(true, $"carry {id} closed: net {result.NetUsd:0.##} USD"));
        }

        if (!open.Closing) events.Add(new CarryClosing(symbol, id, c.Reason, c.By, at.EventTimeMs));
        return Journal(view, events,
            new CarryReply(true, $"carry {id} closing: {string.Join("; ", errors)}; retried on the next update"),
            new CarryNote($"Carry {id}: close leg failed ({string.Join("; ", errors)}); retrying on the next update"));
    }

    // ---- steps ----

    private static CarryDecided Decided(CarryView view, string id, string action, string reason, string detail, string by, MarkPriceQuote at) =>
        new(view.Symbol, id, at.EventTimeMs, action, reason, detail, by, at.PredictedRate,
            FundingInterval.Annualise(at.PredictedRate, view.IntervalHours), at.Basis, at.MarkPrice, at.IndexPrice);

    private static CarryStep Nothing(CarryView view, CarryNote? note = null) => new(view, [], [], null, note is null ? [] : [note]);

    private static CarryStep Defer(CarryView view) => new(view, [], [], null, [], Deferred: true);

    private static CarryStep Answer(CarryView view, bool accepted, string message, CarryNote? note = null) =>
        new(view, [], [], new CarryReply(accepted, message), note is null ? [] : [note]);

    private static CarryStep Send(CarryView view, CarryInFlight inFlight, IReadOnlyList<CarryLegOrder> orders, CarryNote? note = null) =>
        new(view with { InFlight = inFlight }, [], orders, null, note is null ? [] : [note]);

    private static CarryStep Journal(CarryView view, IReadOnlyList<ICarryEvent> events, CarryReply? reply, CarryNote? note = null)
    {
        var book = view.Book;
        foreach (var e in events) book = book.Apply(e);
        return new(view with { Book = book }, events, [], reply, note is null ? [] : [note]);
    }
}
