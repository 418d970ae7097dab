using System.Globalization;

namespace Arbitrage.Core.Risk;

/// <summary>
/// The risk rule table (ARCHITECTURE.md §5) as pure functions of <see cref="RiskState"/> and event
/// time. Thresholds: daily loss trips at realised R ≤ −limit (equality trips); disconnect and stale
/// data block when the gap is strictly greater than the limit (30 000 ms passes, 30 001 blocks);
/// hold timeouts fire when the holding time reaches the limit; the balance rule rejects strictly
/// below MinBalanceInR × R.
/// </summary>
public static class RiskRules
{
    // ---- order gate ----

    /// <summary>May this order be sent at <paramref name="nowMs"/>? The first blocking rule wins.</summary>
    public static RiskVerdict EvaluateOrder(RiskState state, OrderCheck order, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(order);
        if (order.ReducesPosition) return RiskVerdict.Allowed;
        var p = state.Parameters;

        if (state.KillSwitch is { } k)
            return Reject(RiskRule.KillSwitch,
                $"kill switch engaged by {k.By} at {Ts(k.SinceMs)} ({k.Reason}); an operator must resume");

        foreach (var rule in (ReadOnlySpan<RiskRule>)[RiskRule.DailyLoss, RiskRule.ConsecutiveLosses, RiskRule.ExchangeDisconnect])
        {
            if (state.Breakers.TryGetValue(rule, out var b) && Blocks(b, nowMs))
                return Reject(rule, b.UntilMs is { } until
                    ? $"{b.Reason}; new orders blocked until {Ts(until)}"
                    : $"{b.Reason}; new orders blocked until resumed");
        }

        if (state.DisconnectedSinceMs is { } down && nowMs - down > p.DisconnectGraceMs)
            return Reject(RiskRule.ExchangeDisconnect,
                $"exchange disconnected for {nowMs - down} ms (> {p.DisconnectGraceMs} ms) since {Ts(down)}");

        var risk = order.RiskUsd ?? p.RiskPerTradeUsd;
        var minBalance = p.MinBalanceInR * risk;
        if (state.BalanceUsd is not { } balance)
            return Reject(RiskRule.BalanceTooLow, "account balance not known yet; waiting for the first balance update");
        if (balance < minBalance)
            return Reject(RiskRule.BalanceTooLow,
                $"balance {D(balance)} USD is below {D(p.MinBalanceInR)} × R = {D(minBalance)} USD (R = {D(risk)} USD)");

        if (!state.LastEventMs.TryGetValue(order.Symbol, out var last))
            return Reject(RiskRule.StaleMarketData, $"no market data received for {order.Symbol} yet");
        if (nowMs - last > p.StaleDataMs)
            return Reject(RiskRule.StaleMarketData,
                $"market data for {order.Symbol} is {nowMs - last} ms old (> {p.StaleDataMs} ms; last event {Ts(last)})");

        return RiskVerdict.Allowed;
    }

    // ---- inputs ----

    /// <summary>
    /// A position closed with <paramref name="pnlR"/> (net, in R). Trips the daily-loss halt when a
    /// losing close leaves today's realised R at or below −limit (flatten all until the next UTC
    /// midnight), and the loss-streak pause on the N-th loss in a row.
    /// </summary>
    public static RiskOutcome OnTradeClosed(RiskState state, decimal pnlR, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(state);
        var p = state.Parameters;
        var transitions = new List<RiskTransition> { new RiskTransition.TradeResultRecorded(pnlR, nowMs) };
        var actions = new List<RiskAction>();
        var s = state.Apply(transitions[0]);

        if (pnlR < 0m && s.DailyRealisedR <= -p.DailyLossLimitR && !IsBlocking(s, RiskRule.DailyLoss, nowMs))
        {
            var reason = $"daily loss {D(s.DailyRealisedR)} R ≤ −{D(p.DailyLossLimitR)} R on UTC day {Day(nowMs)}";
            transitions.Add(new RiskTransition.CircuitBroken(RiskRule.DailyLoss, reason, nowMs, RiskState.NextUtcMidnight(nowMs)));
            actions.Add(new RiskAction.FlattenAll(RiskRule.DailyLoss, reason));
        }

        if (s.ConsecutiveLosses >= p.MaxConsecutiveLosses && !IsBlocking(s, RiskRule.ConsecutiveLosses, nowMs))
        {
            var reason = $"{s.ConsecutiveLosses} consecutive losses (limit {p.MaxConsecutiveLosses}): pause {p.ConsecutiveLossPauseMs / 60_000} min";
            transitions.Add(new RiskTransition.CircuitBroken(RiskRule.ConsecutiveLosses, reason, nowMs, nowMs + p.ConsecutiveLossPauseMs));
        }

        return Outcome(state, transitions, actions);
    }

    /// <summary>
    /// Event-time housekeeping: timed pauses end, the daily halt ends at UTC midnight, a long
    /// disconnect trips its breaker, and positions held too long are alerted / force-closed (each once
    /// per position).
    /// </summary>
    public static RiskOutcome OnTick(RiskState state, long nowMs, IReadOnlyList<HeldPosition> openPositions)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(openPositions);
        var p = state.Parameters;
        var transitions = new List<RiskTransition>();
        var actions = new List<RiskAction>();

        foreach (var (rule, b) in state.Breakers.OrderBy(kv => kv.Key))
        {
            if (b.UntilMs is { } until && nowMs >= until)
                transitions.Add(new RiskTransition.Resumed(rule,
                    rule == RiskRule.DailyLoss ? $"new UTC day {Day(nowMs)}" : $"pause ended at {Ts(until)}", nowMs));
        }

        var disconnectTripped = state.Breakers.ContainsKey(RiskRule.ExchangeDisconnect);
        if (state.DisconnectedSinceMs is { } down && nowMs - down > p.DisconnectGraceMs && !disconnectTripped)
        {
            transitions.Add(new RiskTransition.CircuitBroken(RiskRule.ExchangeDisconnect,
                $"exchange disconnected for {nowMs - down} ms (> {p.DisconnectGraceMs} ms) since {Ts(down)}", nowMs, null));
        }
        else if (state.DisconnectedSinceMs is null && disconnectTripped)
        {
            transitions.Add(new RiskTransition.Resumed(RiskRule.ExchangeDisconnect, "exchange connected", nowMs));
        }

        var open = new HashSet<string>();
        foreach (var pos in openPositions)
        {
            open.Add(pos.Symbol);
            var held = nowMs - pos.OpenedAtMs;
            if (held >= p.HoldAlertMs && !(state.HoldAlerted.TryGetValue(pos.Symbol, out var a) && a == pos.OpenedAtMs))
                transitions.Add(new RiskTransition.HoldTimeoutAlert(pos.Symbol, pos.OpenedAtMs, held, nowMs));
            if (held >= p.HoldForceCloseMs && !(state.ForceClosed.TryGetValue(pos.Symbol, out var f) && f == pos.OpenedAtMs))
            {
                var reason = $"{pos.Symbol} held {held / 60_000} min (≥ {p.HoldForceCloseMs / 60_000} min) since {Ts(pos.OpenedAtMs)}";
                transitions.Add(new RiskTransition.ForceClose(pos.Symbol, reason, pos.OpenedAtMs, nowMs));
                actions.Add(new RiskAction.ClosePosition(pos.Symbol, RiskRule.HoldTimeout, reason));
            }
        }

        var outcome = Outcome(state, transitions, actions);
        // Bookkeeping of positions that are gone is dropped (not an event: it follows from the positions).
        var s = outcome.State;
        var pruned = s with
        {
            HoldAlerted = s.HoldAlerted.RemoveRange(s.HoldAlerted.Keys.Where(k => !open.Contains(k))),
            ForceClosed = s.ForceClosed.RemoveRange(s.ForceClosed.Keys.Where(k => !open.Contains(k))),
        };
        return outcome with { State = pruned };
    }

    /// <summary>A market event for <paramref name="symbol"/> at event time <paramref name="eventTimeMs"/>.</summary>
    public static RiskState OnMarketEvent(RiskState state, string symbol, long eventTimeMs)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.LastEventMs.TryGetValue(symbol, out var last) && last >= eventTimeMs
            ? state
            : state with { LastEventMs = state.LastEventMs.SetItem(symbol, eventTimeMs) };
    }

    /// <summary>The exchange connection dropped at <paramref name="nowMs"/> (kept: the first drop time).</summary>
    public static RiskState OnExchangeDisconnected(RiskState state, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.DisconnectedSinceMs is null ? state with { DisconnectedSinceMs = nowMs } : state;
    }

    /// <summary>The exchange connection is (back) up: the disconnect breaker, if tripped, resumes.</summary>
    public static RiskOutcome OnExchangeConnected(RiskState state, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(state);
        var transitions = new List<RiskTransition>();
        if (state.Breakers.ContainsKey(RiskRule.ExchangeDisconnect))
        {
            var gap = state.DisconnectedSinceMs is { } down ? $" after {nowMs - down} ms" : "";
            transitions.Add(new RiskTransition.Resumed(RiskRule.ExchangeDisconnect, $"exchange reconnected{gap}", nowMs));
        }
        var outcome = Outcome(state, transitions, []);
        return outcome with { State = outcome.State with { DisconnectedSinceMs = null } };
    }

    /// <summary>The account's available balance in USD.</summary>
    public static RiskState OnBalance(RiskState state, decimal balanceUsd)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state with { BalanceUsd = balanceUsd };
    }

    /// <summary>New risk parameters (ops). Active breakers keep their original end times.</summary>
    public static RiskState WithParameters(RiskState state, RiskParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Validate() is { } bad) throw new ArgumentException(bad.Reason, nameof(parameters));
        return state with { Parameters = parameters };
    }

    // ---- operator commands ----

    /// <summary>Ops kill switch: flatten everything and block new orders until an operator resumes.</summary>
    public static RiskOutcome EngageKillSwitch(RiskState state, string by, string reason, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(state);
        var flatten = new RiskAction.FlattenAll(RiskRule.KillSwitch, $"kill switch by {by}: {reason}");
        // Pressing it again flattens again but is not a new event.
        return state.KillSwitch is not null
            ? new RiskOutcome(state, [], [flatten])
            : Outcome(state, [new RiskTransition.KillSwitchEngaged(by, reason, nowMs)], [flatten]);
    }

    /// <summary>Releases the kill switch only.</summary>
    public static RiskOutcome ReleaseKillSwitch(RiskState state, string by, long nowMs) =>
        Resume(state, by, nowMs, RiskRule.KillSwitch);

    /// <summary>
    /// Manual resume by an operator: releases the kill switch and lifts the daily-loss halt and the
    /// loss-streak pause (or only <paramref name="only"/>). The disconnect breaker is not manual: it
    /// follows the connection. After a manual resume the day's realised R is kept, so the next
    /// losing close that day halts again.
    /// </summary>
    public static RiskOutcome Resume(RiskState state, string by, long nowMs, RiskRule? only = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var transitions = new List<RiskTransition>();
        if (state.KillSwitch is not null && only is null or RiskRule.KillSwitch)
            transitions.Add(new RiskTransition.KillSwitchReleased(by, nowMs));
        foreach (var rule in (ReadOnlySpan<RiskRule>)[RiskRule.DailyLoss, RiskRule.ConsecutiveLosses])
        {
            if (state.Breakers.ContainsKey(rule) && (only is null || only == rule))
                transitions.Add(new RiskTransition.Resumed(rule, $"manual resume by {by}", nowMs));
        }
        return Outcome(state, transitions, []);
    }

    // ---- helpers ----

    private static bool Blocks(ActiveBreaker b, long nowMs) => b.UntilMs is not { } until || nowMs < until;

    private static bool IsBlocking(RiskState s, RiskRule rule, long nowMs) =>
        s.Breakers.TryGetValue(rule, out var b) && Blocks(b, nowMs);

    private static RiskOutcome Outcome(RiskState state, List<RiskTransition> transitions, List<RiskAction> actions) =>
        new(state.ApplyAll(transitions), transitions, actions);

    private static RiskVerdict.Rejected Reject(RiskRule rule, string reason) => new(rule, reason);

    private static string Ts(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Day(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string D(decimal d) => d.ToString("0.############################", CultureInfo.InvariantCulture);
}
