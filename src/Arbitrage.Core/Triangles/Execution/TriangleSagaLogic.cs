namespace Arbitrage.Core.Triangles.Execution;

/// <summary>What drives an attempt: its start, the venue's answers, timeouts and the kill switch.</summary>
public abstract record TriangleSagaInput
{
    private TriangleSagaInput() { }

    /// <summary>A planned cycle the risk rules approved. <paramref name="AttemptId"/> keys the client order ids (<see cref="TriangleOrderIds"/>).</summary>
    public sealed record Start(string AttemptId, string Venue, CycleSpec Cycle, CyclePlan Plan, double TakerFee, TriangleAttemptPolicy Policy, decimal StartUsdPrice, long TimeMs) : TriangleSagaInput;

    /// <summary>
    /// What the venue (or a query by client id) says about an order. <see cref="LegReportStatus.Unknown"/>: no answer
    /// (503, connection lost after sending); <see cref="LegReportStatus.NotFound"/>: a query found no such order.
    /// </summary>
    public sealed record LegReport(
        string ClientOrderId,
        LegReportStatus Status,
        decimal ExecutedQty,
        decimal QuoteQty,
        decimal Commission,
        string CommissionAsset,
        string Detail,
        long TimeMs) : TriangleSagaInput;

    /// <summary><c>leg_timeout_ms</c> passed since the order was sent (the actor's timer).</summary>
    public sealed record LegTimedOut(string ClientOrderId, long TimeMs) : TriangleSagaInput;

    /// <summary>The kill switch: no new leg; unwind what is held.</summary>
    public sealed record KillSwitch(long TimeMs) : TriangleSagaInput;
}

/// <summary>An answer about an order, as a gateway reports it.</summary>
public enum LegReportStatus
{
    Filled,
    Expired,
    Rejected,
    Unknown,
    NotFound,
}

/// <summary>What the actor does once a decision's events are persisted.</summary>
public abstract record TriangleSagaCommand
{
    private TriangleSagaCommand() { }

    /// <summary>Send this order (its intent is in the decision's events or already journaled).</summary>
    public sealed record SendOrder(TriangleOrderRequest Request) : TriangleSagaCommand;

    /// <summary>Ask the venue about an order by its client id; the answer comes back as a <see cref="TriangleSagaInput.LegReport"/>.</summary>
    public sealed record QueryOrder(string Symbol, string ClientOrderId) : TriangleSagaCommand;
}

/// <summary>Events to persist (in order, all at once) and the commands to run after they are persisted.</summary>
public sealed class TriangleSagaDecision(TriangleSagaState state)
{
    public TriangleSagaState State { get; private set; } = state;

    public List<ITriangleAttemptEvent> Events { get; } = [];

    public List<TriangleSagaCommand> Commands { get; } = [];

    internal void Emit(ITriangleAttemptEvent e)
    {
        Events.Add(e);
        State = State.Apply(e);
    }

    internal void Do(TriangleSagaCommand c) => Commands.Add(c);
}

/// <summary>
/// A cycle attempt as a saga, in pure functions of its state (as <see cref="Arbitrage.Core.Execution.ExecutorLogic"/>):
/// each order's intent is an event before the command that sends it; the next leg is sized from the previous leg's
/// actual fill (net of the commission in the received asset) on the books of the moment; a short fill, an expiry or a
/// refusal unwinds (sells every non-start asset held back into the start asset at market through the cycle's direct
/// pair) or, with <c>unwind: none</c>, ends <c>failed</c>. An unknown outcome is queried by client id, never resent; only
/// a query saying the order does not exist allows one resend (same client id).
/// </summary>
public static class TriangleSagaLogic
{
    /// <summary>Resends allowed after a query found no such order.</summary>
    public const int MaxResends = 1;

    /// <summary>A bound on unwind orders (a book that keeps running out).</summary>
    public const int MaxUnwindOrders = 9;

    public static TriangleSagaDecision Decide(TriangleSagaState state, TriangleSagaInput input, ITriangleBooks books)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(books);
        var d = new TriangleSagaDecision(state);
        if (state.IsEnded) return d;
        switch (input)
        {
            case TriangleSagaInput.Start s:
                OnStart(d, s);
                break;
            case TriangleSagaInput.LegReport r:
                OnReport(d, r, books);
                break;
            case TriangleSagaInput.LegTimedOut t:
                if (d.State.Order(t.ClientOrderId) is { Open: true } timedOut)
                {
                    d.Emit(new TriangleLegUnknown(Id(d), t.ClientOrderId, "timeout", Now(d, t.TimeMs)));
                    d.Do(new TriangleSagaCommand.QueryOrder(timedOut.Intent.Leg.Symbol, t.ClientOrderId));
                }

                break;
            case TriangleSagaInput.KillSwitch k:
                if (d.State.Started is not null && !d.State.Killed)
                {
                    d.Emit(new TriangleAttemptKilled(Id(d), Now(d, k.TimeMs)));
                    if (d.State.OpenOrder is null) Continue(d, books, d.State.LastEventMs);
                }

                break;
        }

        return d;
    }

    /// <summary>
    /// The first decision after recovery from the journal: an order intended without a final answer is queried by its
    /// client id (never sent: it may have reached the venue); with no order open the attempt goes on from what it holds.
    /// </summary>
    public static TriangleSagaDecision Resume(TriangleSagaState state, ITriangleBooks books, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(books);
        var d = new TriangleSagaDecision(state);
        if (state.IsEnded || state.Started is null) return d;
        if (state.OpenOrder is { } open)
        {
            d.Do(new TriangleSagaCommand.QueryOrder(open.Intent.Leg.Symbol, open.Intent.ClientOrderId));
            return d;
        }

        Continue(d, books, Math.Max(state.LastEventMs, nowMs));
        return d;
    }

    private static void OnStart(TriangleSagaDecision d, TriangleSagaInput.Start s)
    {
        if (d.State.Started is not null) return;
        if (s.Plan.Legs.Count != 3 || s.Cycle.Legs.Count != 3) throw new ArgumentException("a cycle has three legs", nameof(s));
        d.Emit(new TriangleAttemptStarted(s.AttemptId, s.Venue, s.Cycle, s.Plan, s.TakerFee, s.Policy, s.StartUsdPrice, s.TimeMs));
        Intend(d, 1, false, s.Cycle.Legs[0], s.Plan.Legs[0], s.TimeMs);
    }

    private static void OnReport(TriangleSagaDecision d, TriangleSagaInput.LegReport r, ITriangleBooks books)
    {
        // Late, duplicated (user stream and REST) or foreign answers change nothing.
        if (d.State.Order(r.ClientOrderId) is not { Open: true } order) return;
        var now = Now(d, r.TimeMs);
        var id = Id(d);
        switch (r.Status)
        {
            case LegReportStatus.Unknown:
                d.Emit(new TriangleLegUnknown(id, r.ClientOrderId, r.Detail, now));
                d.Do(new TriangleSagaCommand.QueryOrder(order.Intent.Leg.Symbol, r.ClientOrderId));
                return;
            case LegReportStatus.NotFound:
                d.Emit(new TriangleLegNotFound(id, r.ClientOrderId, now));
                if (d.State.Order(r.ClientOrderId)!.NotFounds <= MaxResends)
                {
                    d.Do(new TriangleSagaCommand.SendOrder(order.Intent.ToRequest()));
                    return;
                }

                d.Emit(new TriangleLegAnswered(id, r.ClientOrderId, LegStatus.Expired, 0m, 0m, 0m, string.Empty, "not found at the venue after a resend", now));
                break;
            default:
                var status = r.Status switch
                {
                    LegReportStatus.Filled => LegStatus.Filled,
                    LegReportStatus.Expired => LegStatus.Expired,
                    _ => LegStatus.Rejected,
                };
                d.Emit(new TriangleLegAnswered(id, r.ClientOrderId, status, r.ExecutedQty, r.QuoteQty, r.Commission, r.CommissionAsset, r.Detail, now));
                break;
        }

        Continue(d, books, now);
    }

    /// <summary>No order open: the next cycle leg, the next unwind order, or the end.</summary>
    private static void Continue(TriangleSagaDecision d, ITriangleBooks books, long now)
    {
        var s = d.State;
        var started = s.Started!;
        var cycleLegs = s.Orders.Where(o => !o.Intent.Unwind).ToList();
        var last = cycleLegs.Count > 0 ? cycleLegs[^1] : null;
        if (last is null && !s.Killed)
        {
            // Recovered between the start and the first intent (journaled together live): the plan's first leg, as
            // the live decision would have sent it (its IOC limit bounds the price).
            Intend(d, 1, false, started.Cycle.Legs[0], started.Plan.Legs[0], now);
            return;
        }

        var unwinding = s.Orders.Any(o => o.Intent.Unwind) || last is null || !last.Complete;
        if (!unwinding && last!.Intent.Number == 3)
        {
            // A kill switch that arrives while leg 3 is out has nothing left to stop.
            End(d, TriangleAttemptOutcome.Completed, "all three legs filled", now);
            return;
        }

        if (!unwinding && !s.Killed)
        {
            var next = started.Cycle.Legs[last!.Intent.Number];
            var held = s.Held(next.From);
            if (books.Book(next.Symbol) is not { Synchronised: true } book)
            {
                Unwind(d, books, now, $"leg {next.Leg} {next.Symbol}: stale: no synchronised book");
                return;
            }

            var sized = CyclePlanner.SizeLeg(next, book, held, CyclePlanner.ToDouble(held), started.TakerFee, started.Policy.LegOrderType, started.Policy.MaxSlippageBps);
            if (sized.Value is not { } planned)
            {
                Unwind(d, books, now, $"leg {next.Leg} {next.Symbol}: {sized.ReasonCode}: {sized.Detail}");
                return;
            }

            Intend(d, next.Leg, false, next, planned, now);
            return;
        }

        var why = s.Killed ? "kill switch" : last is null ? "no leg" : $"leg {last.Intent.Number} {Describe(last)}";
        Unwind(d, books, now, why);
    }

    private static void Unwind(TriangleSagaDecision d, ITriangleBooks books, long now, string why)
    {
        var s = d.State;
        var started = s.Started!;
        var unwinds = s.Orders.Where(o => o.Intent.Unwind).ToList();
        if (unwinds.Count > 0 && unwinds[0].Intent.Reason.Length > 0) why = unwinds[0].Intent.Reason; // the cause, not the last step
        var soldBack = unwinds.Any(o => o.Answer is { ExecutedQty: > 0m });
        if (started.Policy.Unwind == UnwindPolicy.None)
        {
            End(d, TriangleAttemptOutcome.Failed, $"{why}; unwind: none", now);
            return;
        }

        foreach (var asset in HeldAssets(s))
        {
            var held = s.Held(asset);
            var pair = started.Cycle.DirectPairTo(asset);
            if (pair is null) continue;
            var previous = unwinds.LastOrDefault(o => o.Intent.Leg.From == asset);
            if (previous?.Answer is { ExecutedQty: 0m } failed)
            {
                End(d, TriangleAttemptOutcome.Failed, $"{why}; unwind of {asset} {failed.Status.ToString().ToLowerInvariant()}: {failed.Detail}", now);
                return;
            }

            if (unwinds.Count >= MaxUnwindOrders)
            {
                End(d, TriangleAttemptOutcome.Failed, $"{why}; {MaxUnwindOrders} unwind orders and {asset} still held", now);
                return;
            }

            var leg = CycleSpec.Toward(pair, asset, unwinds.Count + 1);
            if (books.Book(leg.Symbol) is not { } book)
            {
                End(d, TriangleAttemptOutcome.Failed, $"{why}; no book of {leg.Symbol} to unwind {asset}", now);
                return;
            }

            var sized = CyclePlanner.SizeLeg(leg, book, held, CyclePlanner.ToDouble(held), started.TakerFee, LegOrderType.Market, 0m);
            if (sized.Refusal == PlanRefusal.Filters)
            {
                continue; // dust: below one step, the minimum quantity or the minimum notional
            }

            if (sized.Value is not { } planned)
            {
                End(d, TriangleAttemptOutcome.Failed, $"{why}; cannot unwind {held} {asset}: {sized.Detail}", now);
                return;
            }

            Intend(d, leg.Leg, true, leg, planned, now, unwinds.Count == 0 ? why : string.Empty);
            return;
        }

        End(d, soldBack ? TriangleAttemptOutcome.Unwound : TriangleAttemptOutcome.Failed, soldBack ? $"{why}; unwound" : $"{why}; nothing to unwind", now);
    }

    /// <summary>The non-start assets the attempt holds (positive), in the cycle's order.</summary>
    private static IEnumerable<string> HeldAssets(TriangleSagaState s)
    {
        var cycle = s.Started!.Cycle;
        foreach (var leg in cycle.Legs)
        {
            if (leg.To != cycle.StartAsset && s.Held(leg.To) > 0m) yield return leg.To;
        }
    }

    private static void Intend(TriangleSagaDecision d, int number, bool unwind, CycleLegSpec leg, PlannedLeg order, long now, string reason = "")
    {
        var id = Id(d);
        var cid = unwind ? TriangleOrderIds.Unwind(id, number) : TriangleOrderIds.Leg(id, number);
        var intent = new TriangleLegIntended(id, cid, number, unwind, leg, order with { Leg = number }, now, reason);
        d.Emit(intent);
        d.Do(new TriangleSagaCommand.SendOrder(intent.ToRequest()));
    }

    private static void End(TriangleSagaDecision d, TriangleAttemptOutcome outcome, string detail, long now) =>
        d.Emit(new TriangleAttemptEnded(Id(d), TriangleAttemptResults.Of(d.State, outcome, detail, now), now));

    private static string Describe(TriangleOrderState o) => o.Answer is { } a
        ? $"{a.Status.ToString().ToLowerInvariant()} ({a.ExecutedQty} of {o.Intent.Order.Quantity}){(a.Detail.Length > 0 ? ": " + a.Detail : string.Empty)}"
        : "open";

    private static string Id(TriangleSagaDecision d) => d.State.Started!.AttemptId;

    private static long Now(TriangleSagaDecision d, long t) => Math.Max(d.State.LastEventMs, t);
}
