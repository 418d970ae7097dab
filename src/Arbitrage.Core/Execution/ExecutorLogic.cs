using System.Globalization;
using Arbitrage.Core.Sizing;
using Arbitrage.Core.Strategies;

namespace Arbitrage.Core.Execution;

/// <summary>What the executor must do at the gateway once a decision's events are persisted.</summary>
public abstract record ExecutionEffect
{
    private ExecutionEffect() { }

    public sealed record Place(OrderIntent Intent) : ExecutionEffect;

    public sealed record Cancel(string Symbol, string ClientOrderId) : ExecutionEffect;

    /// <summary>Ask the exchange what it holds on <paramref name="Symbol"/>; the answer goes to <see cref="ExecutorLogic.OnExchangePosition"/>.</summary>
    public sealed record ReadPosition(string Symbol, string SignalId, ExitReason Reason, string Detail) : ExecutionEffect;
}

/// <summary>Events to persist (in order) and the effects to run after they are persisted.</summary>
public sealed class ExecutionDecision(ExecutorState state)
{
    public ExecutorState State { get; private set; } = state;

    public List<IExecutionEvent> Events { get; } = [];

    public List<ExecutionEffect> Effects { get; } = [];

    internal void Emit(IExecutionEvent e)
    {
        Events.Add(e);
        State = State.Apply(e);
    }

    internal void Do(ExecutionEffect effect) => Effects.Add(effect);
}

/// <summary>What reconciliation learnt from the exchange: the answer for each unfinished order, open orders, positions.</summary>
public sealed record ReconcileSnapshot(
    IReadOnlyDictionary<string, GatewayResult<GatewayOrder>> Queries,
    IReadOnlyList<GatewayOrder> OpenOrders,
    IReadOnlyList<GatewayPosition> Positions);

/// <summary>
/// The executor's decisions as pure functions of its state (ARCHITECTURE §2, §5): sizing a signal into a
/// bracket plan, reacting to fills (arm the bracket after the entry, break-even after TP1, close and
/// record PnL), flattening, and reconciliation against the exchange.
/// </summary>
public static class ExecutorLogic
{
    /// <summary>A signal the risk guard let through, sized with <paramref name="riskUsd"/> per trade.</summary>
    public static ExecutionDecision OnSignal(ExecutorState state, SignalEmitted s, decimal riskUsd, ExecutionRules rules)
    {
        var d = new ExecutionDecision(state);
        if (AlreadyHandled(d, s)) return d;
        var now = Math.Max(state.LastEventMs, s.TimeMs);

        void Reject(RejectCode code, string reason) => d.Emit(new SignalRejected(s.SignalId, s.Symbol, code, reason, now));

        if (!rules.Filters.TryGetValue(s.Symbol, out var filters))
        {
            Reject(RejectCode.NoFilters, $"{s.Symbol}: no exchange filters (tickSize/stepSize) configured for this symbol");
            return d;
        }

        if (state.Trades.Values.FirstOrDefault(t => t.Symbol == s.Symbol) is { } busy)
        {
            Reject(RejectCode.SymbolBusy, $"{s.Symbol}: trade {busy.Plan.SignalId} is still open on this symbol (one position per symbol)");
            return d;
        }

        var active = state.ActiveTrades.Count();
        if (active >= rules.MaxConcurrentPositions)
        {
            Reject(RejectCode.MaxPositions, $"{active} positions open, the maximum is {rules.MaxConcurrentPositions}");
            return d;
        }

        var direction = s.Direction;
        var size = PositionSizer.Size(riskUsd, (decimal)s.Entry, (decimal)s.StopLoss, filters, OrderKind.Market);
        if (size is SizeResult.Rejected r)
        {
            Reject(RejectCodes.Of(r.Code), r.Reason);
            return d;
        }

        var ok = (SizeResult.Ok)size;
        if (ok.Side != direction)
        {
            Reject(RejectCode.BadLevels, $"{s.Symbol}: a {direction} signal with stop {F((decimal)s.StopLoss)} on the wrong side of entry {F((decimal)s.Entry)}");
            return d;
        }

        var tick = filters.TickSize;
        var plan = new TradePlanned(s.SignalId, s.StrategyId, s.Symbol, direction, ok.Entry, ok.StopLoss,
            StepRounding.Nearest((decimal)s.TakeProfit1, tick), StepRounding.Nearest((decimal)s.TakeProfit2, tick),
            ok.Quantity, riskUsd, tick, filters.StepFor(OrderKind.Market), filters.MinQtyFor(OrderKind.Market), now);
        d.Emit(plan);
        var entry = new OrderIntent(ClientOrderIds.For(s.SignalId, OrderLeg.Entry), s.SignalId, s.Symbol, OrderLeg.Entry,
            direction.OpeningSide(), OrderType.Market, ok.Quantity, null, false, now);
        d.Emit(entry);
        d.Do(new ExecutionEffect.Place(entry));
        return d;
    }

    /// <summary>
    /// A signal the account cannot trade (its settings are not as configured, <paramref name="code"/> says which): refused
    /// once, like any other refusal (a repeat is ignored).
    /// </summary>
    public static ExecutionDecision Refuse(ExecutorState state, SignalEmitted s, RejectCode code, string reason)
    {
        var d = new ExecutionDecision(state);
        if (AlreadyHandled(d, s)) return d;
        d.Emit(new SignalRejected(s.SignalId, s.Symbol, code, reason, Math.Max(state.LastEventMs, s.TimeMs)));
        return d;
    }

    /// <summary>
    /// A repeat of a signal already planned or refused: nothing to do. A signal too old to tell from a forgotten repeat
    /// (<see cref="ExecutorState.SignalMemoryMs"/>) is refused as <see cref="RejectCode.StaleSignal"/>, never traded.
    /// </summary>
    private static bool AlreadyHandled(ExecutionDecision d, SignalEmitted s)
    {
        var state = d.State;
        if (state.HasSeen(s.SignalId)) return true;
        if (!state.Remembers(s.TimeMs))
        {
            d.Emit(new SignalRejected(s.SignalId, s.Symbol, RejectCode.StaleSignal,
                $"signal at {s.TimeMs} is more than {ExecutorState.SignalMemoryMs / 3_600_000} h older than the executor's last event ({state.LastEventMs}): " +
                "it cannot be told from a repeat of a signal already handled", state.LastEventMs));
            return true;
        }

        return false;
    }

    /// <summary>
    /// The exchange reports <paramref name="o"/> (an update, a placement/cancel answer, or a query). Unknown
    /// client ids are ignored (reconciliation deals with them). Cumulative figures make repeats harmless.
    /// </summary>
    public static ExecutionDecision Observe(ExecutorState state, GatewayOrder o, ExecutionRules rules,
        decimal? lastFillQty = null, decimal? lastFillPrice = null, decimal? lastFillFee = null)
    {
        var d = new ExecutionDecision(state);
        Observe(d, o, rules, lastFillQty, lastFillPrice, lastFillFee);
        return d;
    }

    /// <summary>The order ended without reaching the exchange or was refused there.</summary>
    public static ExecutionDecision EndOrder(ExecutorState state, string clientOrderId, GatewayOrderStatus status, string reason)
    {
        var d = new ExecutionDecision(state);
        if (!state.Orders.TryGetValue(clientOrderId, out var rec) || rec.IsFinal) return d;
        d.Emit(new OrderEnded(clientOrderId, status, reason, state.LastEventMs));
        React(d, rec.Intent.SignalId, rec.Intent.Leg, ended: true);
        return d;
    }

    /// <summary>
    /// Close the trades on <paramref name="symbol"/> (all trades when null) with market orders; <paramref name="reason"/>
    /// becomes their exit reason, <paramref name="detail"/> its words. A trade whose close already ended without closing it
    /// (the exchange did not hold what the journal did) is checked against the exchange's position again: what the exchange
    /// does not hold is cleared (<see cref="OnExchangePosition"/>), so an operator's close or kill always ends a position
    /// that exists only in the journal.
    /// </summary>
    public static ExecutionDecision Flatten(ExecutorState state, string? symbol, ExitReason reason, string detail, long nowMs)
    {
        var d = new ExecutionDecision(state);
        var now = Math.Max(state.LastEventMs, nowMs);
        foreach (var t in state.ActiveTrades.OrderBy(t => t.Plan.SignalId, StringComparer.Ordinal).ToArray())
        {
            if (symbol is not null && t.Symbol != symbol) continue;
            if (t.Flatten is not null)
            {
                if (state.Orders.TryGetValue(ClientOrderIds.For(t.Plan.SignalId, OrderLeg.Close), out var close) && close.IsFinal && t.OpenQuantity > 0m)
                    d.Do(new ExecutionEffect.ReadPosition(t.Symbol, t.Plan.SignalId, reason, detail));
                continue;
            }

            d.Emit(new FlattenRequested(t.Plan.SignalId, reason, detail, now));
            ProceedWithFlatten(d, t.Plan.SignalId);
        }

        return d;
    }

    /// <summary>
    /// The exchange holds <paramref name="exchangeQuantity"/> (signed) on the symbol of a trade being flattened whose close
    /// order ended with part of the position still in the journal. None held in the trade's direction: the rest is cleared
    /// (<see cref="PositionWrittenOff"/> and a <see cref="ExecutionAlertKind.PositionCleared"/> alert saying why); some
    /// held: an operator must look (<see cref="ExecutionAlertKind.CloseFailed"/>). <paramref name="reason"/> and
    /// <paramref name="detail"/> are those of the flatten that asked.
    /// </summary>
    public static ExecutionDecision OnExchangePosition(ExecutorState state, string signalId, decimal exchangeQuantity, ExitReason reason, string detail, long nowMs)
    {
        var d = new ExecutionDecision(state);
        ExchangeHolds(d, signalId, exchangeQuantity, reason, detail, Math.Max(state.LastEventMs, nowMs));
        return d;
    }

    private static void ExchangeHolds(ExecutionDecision d, string signalId, decimal exchangeQuantity, ExitReason reason, string detail, long now)
    {
        var state = d.State;
        if (!state.Trades.TryGetValue(signalId, out var t) || t.Finished || t.Flatten is null || t.OpenQuantity <= 0m) return;
        if (!state.Orders.TryGetValue(ClientOrderIds.For(signalId, OrderLeg.Close), out var close) || !close.IsFinal) return;
        var direction = t.Plan.Side.Sign();
        var held = Math.Max(0m, exchangeQuantity * direction);
        var journal = t.OpenQuantity * direction;
        if (held == 0m)
        {
            var why = $"the exchange holds {F(exchangeQuantity)} {t.Symbol}, the journal had {F(journal)} (trade {signalId}); cleared on {reason.Code()}: {detail}";
            d.Emit(new PositionWrittenOff(signalId, t.Symbol, t.OpenQuantity, exchangeQuantity, reason, detail, now));
            d.Emit(new ExecutionAlert(ExecutionAlertKind.PositionCleared, t.Symbol, signalId, why, now));
            CancelWorking(d, t, except: null);
            return;
        }

        d.Emit(new ExecutionAlert(ExecutionAlertKind.CloseFailed, t.Symbol, signalId,
            $"close {close.Intent.ClientOrderId} ended {close.EndStatus} after {F(close.FilledQuantity)} of {F(close.Intent.Quantity)}; the exchange still holds " +
            $"{F(exchangeQuantity)} {t.Symbol}, the journal {F(journal)}: close it at the exchange, then close it here again to clear it", now));
    }

    /// <summary>
    /// The protection deadline of a trade passed (the executor's timer, <c>ExecutorSettings.ProtectionTimeout</c> after
    /// its first protective stop was sent): still no stop working at the exchange while a position is held → alert and close
    /// at market (<see cref="ExitReason.ProtectionFailed"/>), as the kill switch would. <paramref name="why"/>: what kept the stop out.
    /// </summary>
    public static ExecutionDecision CheckProtection(ExecutorState state, string signalId, string why, long nowMs)
    {
        var d = new ExecutionDecision(state);
        if (!state.Trades.TryGetValue(signalId, out var t) || t.Finished || t.Flatten is not null || t.OpenQuantity <= 0m) return d;
        if (state.IsProtected(t)) return d;
        var now = Math.Max(state.LastEventMs, nowMs);
        var detail = $"no protective stop at the exchange for {F(t.OpenQuantity)} {t.Symbol} (trade {signalId}): {why}; closing at market";
        d.Emit(new ExecutionAlert(ExecutionAlertKind.ProtectionMissing, t.Symbol, signalId, detail, now));
        d.Emit(new FlattenRequested(signalId, ExitReason.ProtectionFailed, detail, now));
        ProceedWithFlatten(d, signalId);
        return d;
    }

    /// <summary>
    /// Reconciliation after recovery: adopt what the exchange did with our unfinished orders, end the
    /// ones it never saw (an entry that never left is abandoned; protection is sent again under the same
    /// id), cancel orders we do not own, and record every difference, including positions.
    /// </summary>
    public static ExecutionDecision Reconcile(ExecutorState state, ReconcileSnapshot snap, ExecutionRules rules, long nowMs)
    {
        var d = new ExecutionDecision(state);
        var now = Math.Max(state.LastEventMs, nowMs);
        foreach (var rec in state.Orders.Values.Where(o => !o.IsFinal).OrderBy(o => o.Intent.ClientOrderId, StringComparer.Ordinal).ToArray())
        {
            var id = rec.Intent.ClientOrderId;
            if (!snap.Queries.TryGetValue(id, out var answer)) continue;
            if (answer.Success)
            {
                var o = answer.Value!;
                if (!rec.Accepted || o.FilledQuantity != rec.FilledQuantity || o.IsFinal)
                {
                    d.Emit(new ReconciliationDifference(DifferenceKind.OrderAdopted, rec.Intent.Symbol, id,
                        $"journal: {(rec.Accepted ? "accepted" : "intent only")}, filled {F(rec.FilledQuantity)}; exchange: {o.Status}, filled {F(o.FilledQuantity)}", now));
                }

                Observe(d, o, rules, null, null, null);
            }
            else if (answer.Error!.Kind == GatewayErrorKind.NotFound)
            {
                var trade = d.State.TradeOf(id);
                if (rec.Intent.Leg == OrderLeg.Entry || trade is { Finished: true } || trade is { Flatten: not null } && rec.Intent.Leg != OrderLeg.Close)
                {
                    d.Emit(new ReconciliationDifference(DifferenceKind.IntentNotSent, rec.Intent.Symbol, id,
                        "the exchange never received this order (restart before it was sent); abandoned", now));
                    d.Emit(new OrderEnded(id, GatewayOrderStatus.Canceled, "never reached the exchange", now));
                    React(d, rec.Intent.SignalId, rec.Intent.Leg, ended: true);
                }
                else
                {
                    d.Emit(new ReconciliationDifference(DifferenceKind.IntentResent, rec.Intent.Symbol, id,
                        "the exchange never received this protective order; sent again under the same client id", now));
                    d.Do(new ExecutionEffect.Place(rec.Intent));
                }
            }
        }

        // Cancels are not journaled: those a restart interrupted are asked for again. Orders of finished trades and of trades
        // being flattened go; the old stop goes once the break-even stop works.
        foreach (var t in d.State.Trades.Values.OrderBy(t => t.Plan.SignalId, StringComparer.Ordinal).ToArray())
        {
            var entryId = ClientOrderIds.For(t.Plan.SignalId, OrderLeg.Entry);
            if (t.Finished)
                CancelWorking(d, t, except: null);
            else if (t.Flatten is not null && !d.State.Orders[entryId].IsFinal)
                CancelIfWorking(d, entryId);
            else if (t.Flatten is { } f && d.State.Orders.TryGetValue(ClientOrderIds.For(t.Plan.SignalId, OrderLeg.Close), out var close) && close.IsFinal)
                ExchangeHolds(d, t.Plan.SignalId, snap.Positions.Where(p => p.Symbol == t.Symbol).Sum(p => p.Quantity), f.Reason, f.Detail, now);
            else if (t.Flatten is not null)
                CancelWorking(d, t, except: OrderLeg.Entry);
            else if (d.State.Orders.TryGetValue(ClientOrderIds.For(t.Plan.SignalId, OrderLeg.BreakEven), out var be) && be is { Accepted: true, IsFinal: false })
                CancelIfWorking(d, ClientOrderIds.For(t.Plan.SignalId, OrderLeg.StopLoss));
        }

        foreach (var o in snap.OpenOrders.OrderBy(o => o.ClientOrderId, StringComparer.Ordinal))
        {
            if (d.State.Orders.TryGetValue(o.ClientOrderId, out var mine) && !mine.IsFinal) continue;
            d.Emit(new ReconciliationDifference(DifferenceKind.OrphanOrder, o.Symbol, o.ClientOrderId,
                $"open {o.Type} {o.Side} {F(o.Quantity)} at the exchange that no open trade owns; canceled", now));
            d.Do(new ExecutionEffect.Cancel(o.Symbol, o.ClientOrderId));
        }

        var expected = d.State.ExpectedPositions();
        var actual = snap.Positions.Where(p => p.Quantity != 0m).ToDictionary(p => p.Symbol, p => p.Quantity, StringComparer.Ordinal);
        foreach (var symbol in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            var e = expected.GetValueOrDefault(symbol);
            var a = actual.GetValueOrDefault(symbol);
            if (e != a)
            {
                d.Emit(new ReconciliationDifference(DifferenceKind.PositionMismatch, symbol, null,
                    $"journal expects {F(e)}, exchange holds {F(a)}; left for an operator", now));
            }
        }

        return d;
    }

    // ---- internals ----

    private static void Observe(ExecutionDecision d, GatewayOrder o, ExecutionRules rules,
        decimal? lastFillQty, decimal? lastFillPrice, decimal? lastFillFee)
    {
        if (!d.State.Orders.TryGetValue(o.ClientOrderId, out var rec)) return;
        var now = Math.Max(d.State.LastEventMs, o.UpdateTimeMs);
        var id = o.ClientOrderId;
        if (!rec.Accepted && o.Status != GatewayOrderStatus.Rejected && o.FilledQuantity == 0m)
        {
            d.Emit(new OrderAccepted(id, now));
            // The break-even stop works at the exchange: only now does the old stop go (never a moment unprotected).
            if (rec.Intent.Leg == OrderLeg.BreakEven && !o.IsFinal)
                CancelIfWorking(d, ClientOrderIds.For(rec.Intent.SignalId, OrderLeg.StopLoss));
        }

        var delta = o.FilledQuantity - rec.FilledQuantity;
        if (delta > 0m)
        {
            var price = lastFillQty == delta && lastFillPrice is { } lp
                ? lp
                : (o.AveragePrice * o.FilledQuantity - rec.FilledNotional) / delta;
            var fee = lastFillQty == delta && lastFillFee is { } lf ? lf
                : o.FeeUsd is { } cum ? cum - rec.FeesUsd
                : price * delta * rules.TakerFeeRate;
            var trade = d.State.TradeOf(id);
            if (trade is { Finished: true })
            {
                d.Emit(new ReconciliationDifference(DifferenceKind.FillAfterClose, o.Symbol, id,
                    $"{F(delta)} filled at {F(price)} after the trade closed", now));
            }

            d.Emit(new OrderFilled(id, delta, price, fee, now));
            if (trade is { Finished: false }) React(d, rec.Intent.SignalId, rec.Intent.Leg, ended: false);
        }

        if (o.IsFinal && !d.State.Orders[id].IsFinal)
        {
            d.Emit(new OrderEnded(id, o.Status, o.Status.ToString().ToLowerInvariant(), now));
            React(d, rec.Intent.SignalId, rec.Intent.Leg, ended: true);
        }
    }

    /// <summary>Moves a trade on after a fill (<paramref name="ended"/> false) or the end of one of its orders.</summary>
    private static void React(ExecutionDecision d, string signalId, OrderLeg leg, bool ended)
    {
        if (!d.State.Trades.TryGetValue(signalId, out var t) || t.Finished) return;
        var now = d.State.LastEventMs;
        var p = t.Plan;
        var entryId = ClientOrderIds.For(signalId, OrderLeg.Entry);
        var entryDone = d.State.Orders[entryId].IsFinal;

        if (leg == OrderLeg.Entry)
        {
            if (!ended) return; // a MARKET entry: act on its final state
            if (t.EntryQuantity == 0m)
            {
                d.Emit(new TradeAborted(signalId, p.Symbol, $"entry ended {d.State.Orders[entryId].EndStatus} without a fill", now));
                return;
            }

            if (t.Flatten is not null)
            {
                PlaceClose(d, t);
                return;
            }

            ArmBracket(d, t);
            return;
        }

        if (!entryDone) return;

        if (t.OpenQuantity <= 0m && t.Exits.Count > 0)
        {
            CancelWorking(d, t, except: null);
            var entryFill = new Fill(t.EntryAveragePrice, t.EntryQuantity, t.EntryFeesUsd);
            var pnl = TradePnl.Realised(p.Side, entryFill, t.Exits, p.RiskUsd);
            var exitNotional = 0m;
            foreach (var x in t.Exits) exitNotional += x.Price * x.Quantity;
            var (reason, detail) = ExitOf(t);
            d.Emit(new TradeClosed(signalId, p.Symbol, p.StrategyId, p.Side, t.EntryTimeMs ?? p.TimeMs, t.EntryAveragePrice,
                t.EntryQuantity, t.LastExitTimeMs, exitNotional / t.ExitQuantity, reason, detail, pnl.NetUsd, pnl.NetR, pnl.FeesUsd, now));
            return;
        }

        if (!ended) return;
        var rec = d.State.Orders[ClientOrderIds.For(signalId, leg)];
        if (leg == OrderLeg.TakeProfit1 && rec.FilledQuantity > 0m && t.Flatten is null)
        {
            // TP1 done: the rest is protected at break-even. The old stop stays until the exchange has accepted the new
            // one (Observe cancels it then), so the position is never unprotected (both are reduce-only).
            var be = new OrderIntent(ClientOrderIds.For(signalId, OrderLeg.BreakEven), signalId, p.Symbol, OrderLeg.BreakEven,
                p.Side.ClosingSide(), OrderType.StopMarket, t.OpenQuantity, StepRounding.Nearest(t.EntryAveragePrice, p.TickSize), true, now);
            d.Emit(be);
            d.Do(new ExecutionEffect.Place(be));
            return;
        }

        if (leg is OrderLeg.StopLoss or OrderLeg.BreakEven && rec.FilledQuantity == 0m
            && rec.EndStatus is GatewayOrderStatus.Rejected or GatewayOrderStatus.Expired && t.Flatten is null)
        {
            var detail = $"protective stop {rec.Intent.ClientOrderId} {rec.EndStatus}: closing unprotected position";
            d.Emit(new ExecutionAlert(ExecutionAlertKind.ProtectionFailed, p.Symbol, signalId, detail, now));
            d.Emit(new FlattenRequested(signalId, ExitReason.ProtectionFailed, detail, now));
            ProceedWithFlatten(d, signalId);
            return;
        }

        if (leg == OrderLeg.Close && t.Flatten is { } f && rec.FilledQuantity < rec.Intent.Quantity)
        {
            // The close ended short of the journal's position: ask what the exchange holds (what it does not is cleared).
            d.Do(new ExecutionEffect.ReadPosition(p.Symbol, signalId, f.Reason, f.Detail));
        }
    }

    private static void ArmBracket(ExecutionDecision d, TradeRecord t)
    {
        var p = t.Plan;
        var now = d.State.LastEventMs;
        var qty = t.EntryQuantity;
        var (tp1, rest) = TradePnl.SplitAtTp1(qty, p.StepSize, p.MinQty);
        var side = p.Side.ClosingSide();
        var legs = new List<OrderIntent>
        {
            new(ClientOrderIds.For(p.SignalId, OrderLeg.StopLoss), p.SignalId, p.Symbol, OrderLeg.StopLoss, side, OrderType.StopMarket, qty, p.StopLoss, true, now),
            new(ClientOrderIds.For(p.SignalId, OrderLeg.TakeProfit1), p.SignalId, p.Symbol, OrderLeg.TakeProfit1, side, OrderType.TakeProfitMarket, tp1, p.TakeProfit1, true, now),
        };
        if (rest > 0m)
        {
            legs.Add(new(ClientOrderIds.For(p.SignalId, OrderLeg.TakeProfit2), p.SignalId, p.Symbol, OrderLeg.TakeProfit2, side,
                OrderType.TakeProfitMarket, rest, p.TakeProfit2, true, now));
        }

        foreach (var leg in legs)
        {
            d.Emit(leg);
            d.Do(new ExecutionEffect.Place(leg));
        }
    }

    private static void ProceedWithFlatten(ExecutionDecision d, string signalId)
    {
        var t = d.State.Trades[signalId];
        var entryId = ClientOrderIds.For(signalId, OrderLeg.Entry);
        if (!d.State.Orders[entryId].IsFinal)
        {
            CancelIfWorking(d, entryId); // its end triggers the close of whatever filled
            return;
        }

        if (t.OpenQuantity > 0m) PlaceClose(d, t);
    }

    private static void PlaceClose(ExecutionDecision d, TradeRecord t)
    {
        var id = ClientOrderIds.For(t.Plan.SignalId, OrderLeg.Close);
        if (d.State.Orders.ContainsKey(id)) return;
        CancelWorking(d, t, except: OrderLeg.Entry);
        var close = new OrderIntent(id, t.Plan.SignalId, t.Symbol, OrderLeg.Close, t.Plan.Side.ClosingSide(), OrderType.Market,
            t.OpenQuantity, null, true, d.State.LastEventMs);
        d.Emit(close);
        d.Do(new ExecutionEffect.Place(close));
    }

    private static void CancelWorking(ExecutionDecision d, TradeRecord t, OrderLeg? except)
    {
        // A finished trade whose orders are all final has left the state: nothing of it works any more.
        if (!d.State.Trades.TryGetValue(t.Plan.SignalId, out var now)) return;
        foreach (var id in now.OrderIds)
        {
            var o = d.State.Orders[id];
            if (o.Intent.Leg == except || o.Intent.Leg == OrderLeg.Close) continue;
            CancelIfWorking(d, id);
        }
    }

    private static void CancelIfWorking(ExecutionDecision d, string clientOrderId)
    {
        if (d.State.Orders.TryGetValue(clientOrderId, out var o) && !o.IsFinal)
            d.Do(new ExecutionEffect.Cancel(o.Intent.Symbol, clientOrderId));
    }

    // The leg of the last exit fill names the reason; a close order carries the flatten's.
    private static (ExitReason Reason, string Detail) ExitOf(TradeRecord t) => t.LastExitLeg switch
    {
        OrderLeg.StopLoss => (ExitReason.StopLoss, ""),
        OrderLeg.BreakEven => (ExitReason.BreakEven, ""),
        OrderLeg.TakeProfit1 => (ExitReason.Tp1, ""),
        OrderLeg.TakeProfit2 => (ExitReason.Tp2, ""),
        OrderLeg.Close when t.Flatten is { } f => (f.Reason, f.Detail),
        var leg => (ExitReason.Unknown, $"last exit fill on the {leg} leg without a flatten request"),
    };

    internal static string F(decimal v) => v.ToString("0.############################", CultureInfo.InvariantCulture);
}
