using System.Globalization;
using System.Text;
using Akka.Cluster;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Serialization;
using Arbitrage.Core.Strategies;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Topics;
using Arbitrage.Engine.Triangles;

namespace Arbitrage.Node.Alerts;

/// <summary>
/// The text of each event kind (symbol, direction, score breakdown, PnL in USD and R, the risk rule and its value) and its
/// dedup key (kind + the event's natural id). Pure: the same event always gives the same alert. Events no one needs to
/// hear about give null.
/// </summary>
public static class AlertTemplates
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="nowMs">The receiver's clock, for events that carry no time of their own (cluster changes, account setup).</param>
    public static Alert? From(object message, long nowMs) => message switch
    {
        CircuitBroken c => new Alert(
            AlertKinds.CircuitBroken, AlertSeverity.Critical, c.AtMs,
            $"🛑 Circuit breaker {Rule(c.Rule)}: {c.Reason}. New entries stopped{(c.UntilMs is { } until ? " until " + Time(until) : " until an operator resumes")}.",
            $"{AlertKinds.CircuitBroken}:{Rule(c.Rule)}:{c.AtMs}"),
        Resumed r => new Alert(
            AlertKinds.RiskResumed, AlertSeverity.Info, r.AtMs,
            $"✅ Trading resumed ({Rule(r.Rule)}): {r.Reason}.",
            $"{AlertKinds.RiskResumed}:{Rule(r.Rule)}:{r.AtMs}"),
        KillSwitchEngaged k => new Alert(
            AlertKinds.KillSwitch, AlertSeverity.Critical, k.AtMs,
            $"🛑 KILL SWITCH engaged by {k.By}: {k.Reason}. No new entries; open positions keep their brackets.",
            $"{AlertKinds.KillSwitch}:{k.AtMs}"),
        KillSwitchReleased k => new Alert(
            AlertKinds.KillSwitchReleased, AlertSeverity.Warning, k.AtMs,
            $"✅ Kill switch released by {k.By}.",
            $"{AlertKinds.KillSwitchReleased}:{k.AtMs}"),
        HoldTimeoutAlerted h => new Alert(
            AlertKinds.HoldTimeout, AlertSeverity.Warning, h.AtMs,
            $"⏱ {h.Symbol}: position held {Duration(h.HeldMs)} (opened {Time(h.OpenedAtMs)}), past the hold limit.",
            $"{AlertKinds.HoldTimeout}:{h.Symbol}:{h.OpenedAtMs}", h.Symbol),
        ForceCloseOrdered f => new Alert(
            AlertKinds.ForceClose, AlertSeverity.Warning, f.AtMs,
            $"⚠ {f.Symbol}: force close ordered: {f.Reason}.",
            $"{AlertKinds.ForceClose}:{f.Symbol}:{f.OpenedAtMs}", f.Symbol),
        ExecutionAlertRaised a => new Alert(
            AlertKinds.ExecutionAlert, AlertSeverity.Critical, a.AtMs,
            $"🚨 {a.Symbol}: execution alert {a.Kind.Code()}{(a.SignalId is null ? "" : " (signal " + a.SignalId + ")")}: {a.Detail}",
            $"{AlertKinds.ExecutionAlert}:{a.Kind.Code()}:{a.Symbol}:{a.SignalId}:{a.AtMs}", a.Symbol),
        OrderFillReported f => new Alert(
            AlertKinds.OrderFilled, AlertSeverity.Info, f.TimeMs,
            $"{(f.Leg == OrderLeg.Entry ? "🟢" : "🔵")} {f.Symbol} {LegName(f.Leg)} {(f.Side == Side.Buy ? "BUY" : "SELL")} filled {Num(f.Quantity)} @ {Num(f.Price)}" +
            $" (fee {Usd(f.FeeUsd)}; {Num(f.FilledQuantity)} of {Num(f.OrderQuantity)} filled); order {f.ClientOrderId}{(f.StrategyId is null ? "" : ", strategy " + f.StrategyId)}.",
            $"{AlertKinds.OrderFilled}:{f.ClientOrderId}:{Num(f.FilledQuantity)}", f.Symbol, f.StrategyId),
        ConnectionChanged { Connection: ConnectionChanged.Feed } c => new Alert(
            AlertKinds.Feed, c.Up ? AlertSeverity.Info : AlertSeverity.Critical, nowMs,
            c.Up
                ? $"📡 {c.Symbol}: market data is back ({c.Detail})."
                : $"📡 {c.Symbol}: market data DOWN ({c.Detail}); its indicators and signals wait for it{LastTrade(c.LastEventMs)}.",
            $"{AlertKinds.Feed}:{c.Symbol}:{(c.Up ? "up" : "down")}:{nowMs}", c.Symbol),
        ConnectionChanged c => new Alert(
            AlertKinds.ExchangeConnection, c.Up ? AlertSeverity.Info : AlertSeverity.Critical, nowMs,
            c.Up
                ? $"🔌 Exchange connection back: {c.Detail}."
                : $"🔌 Exchange connection DOWN: {c.Detail}; fills are not heard until it is back (the disconnect breaker stops new entries if it lasts).",
            $"{AlertKinds.ExchangeConnection}:{(c.Up ? "up" : "down")}:{nowMs}"),
        TradeClosed t => new Alert(
            AlertKinds.TradeClosed, t.PnlUsd < 0 ? AlertSeverity.Warning : AlertSeverity.Info, t.TimeMs,
            $"{(t.PnlUsd < 0 ? "🔻" : "💰")} {t.Symbol} {t.Direction} closed ({EnumCodes.Of(t.ExitReason)}{(t.ExitDetail.Length > 0 ? ": " + t.ExitDetail : "")}): " +
            $"PnL {Usd(t.PnlUsd)} ({Signed(t.PnlR)} R), entry {Num(t.Entry)} → exit {Num(t.Exit)}, qty {Num(t.Quantity)}, fees {Usd(t.FeesUsd)}; strategy {t.StrategyId}.",
            $"{AlertKinds.TradeClosed}:{t.SignalId}", t.Symbol, t.StrategyId),
        TradeAborted t => new Alert(
            AlertKinds.TradeAborted, AlertSeverity.Warning, t.TimeMs,
            $"⚠ {t.Symbol}: trade of signal {t.SignalId} aborted: {t.Reason}.",
            $"{AlertKinds.TradeAborted}:{t.SignalId}", t.Symbol),
        PositionWrittenOff w => new Alert(
            AlertKinds.PositionWrittenOff, AlertSeverity.Critical, w.TimeMs,
            $"🚨 {w.Symbol}: position of signal {w.SignalId} written off ({EnumCodes.Of(w.Reason)}): journal qty {Num(w.Quantity)}, exchange {Num(w.ExchangeQuantity)}. {w.Detail}",
            $"{AlertKinds.PositionWrittenOff}:{w.SignalId}", w.Symbol),
        ReconciliationDifference d => new Alert(
            AlertKinds.Reconciliation, AlertSeverity.Warning, d.TimeMs,
            $"⚠ {d.Symbol}: reconciliation found {d.Kind}{(d.ClientOrderId is null ? "" : " (order " + d.ClientOrderId + ")")}: {d.Detail}",
            $"{AlertKinds.Reconciliation}:{d.Kind}:{d.Symbol}:{d.ClientOrderId}:{d.TimeMs}", d.Symbol),
        AccountNotReady a => new Alert(
            AlertKinds.AccountNotReady, AlertSeverity.Critical, nowMs,
            $"🚨 Exchange account not as configured; signals on these symbols are refused: {string.Join("; ", a.Problems.Select(p => $"{p.Symbol}: {p.Reason}"))}",
            // No id of its own: the same problems within one hour are one alert.
            $"{AlertKinds.AccountNotReady}:{Stable(string.Join("|", a.Problems.Select(p => p.Symbol + p.Reason)))}:{nowMs / 3_600_000}"),
        TriangleAttemptChanged t => Triangle(t),
        SignalEmitted s => Signal(s),
        ClusterEvent.MemberUp m => Member("joined the cluster (up)", AlertSeverity.Info, m.Member, nowMs, "up"),
        ClusterEvent.MemberRemoved m => Member("was removed from the cluster", AlertSeverity.Warning, m.Member, nowMs, "removed"),
        ClusterEvent.UnreachableMember m => Member("is UNREACHABLE", AlertSeverity.Critical, m.Member, nowMs, "unreachable"),
        ClusterEvent.ReachableMember m => Member("is reachable again", AlertSeverity.Info, m.Member, nowMs, "reachable"),
        _ => null,
    };

    private static Alert Triangle(TriangleAttemptChanged t)
    {
        var r = t.Result;
        var severity = r.Outcome == TriangleAttemptOutcome.Completed ? AlertSeverity.Info : AlertSeverity.Warning;
        var icon = r.Outcome == TriangleAttemptOutcome.Completed ? "🔺" : "⚠";
        var held = r.Held.Count == 0 ? "" : "; held " + string.Join(", ", r.Held.Select(h => $"{Num(h.Value)} {h.Key}"));
        return new Alert(
            AlertKinds.TriangleAttempt, severity, r.EndMs,
            $"{icon} Triangle {t.ConfigId} on {r.Venue} ({r.CycleId}) {EnumCodes.Of(r.Outcome)}: PnL {Usd(r.PnlUsd)}, fees {Usd(r.FeesUsd)}, " +
            $"legs filled {r.LegsFilled}/3, slippage {r.SlippageBps.ToString("0.#", Inv)} bps{held}{(r.Detail.Length > 0 ? ". " + r.Detail : "")}",
            $"{AlertKinds.TriangleAttempt}:{r.AttemptId}",
            Strategy: t.ConfigId);
    }

    private static Alert Signal(SignalEmitted s)
    {
        var text = new StringBuilder()
            .Append(s.Direction == Direction.Long ? "📈 " : "📉 ").Append(s.Symbol).Append(' ').Append(s.Direction)
            .Append(" signal from ").Append(s.StrategyId).Append(": score ").Append(s.Score.ToString("0.##", Inv))
            .Append(" ≥ ").Append(s.Threshold.ToString("0.##", Inv))
            .Append("; entry ").Append(s.Entry.ToString("G6", Inv)).Append(", stop ").Append(s.StopLoss.ToString("G6", Inv))
            .Append(", TP1 ").Append(s.TakeProfit1.ToString("G6", Inv)).Append(", TP2 ").Append(s.TakeProfit2.ToString("G6", Inv));
        if (s.Breakdown.Count > 0)
        {
            text.Append(". Breakdown: ").AppendJoin(", ", s.Breakdown.Select(b => $"{b.Name} {Signed(b.Points)}"));
        }

        return new Alert(AlertKinds.Signal, AlertSeverity.Info, s.TimeMs, text.ToString(), $"{AlertKinds.Signal}:{s.SignalId}", s.Symbol, s.StrategyId);
    }

    private static Alert Member(string what, AlertSeverity severity, Member member, long nowMs, string code) => new(
        AlertKinds.Cluster, severity, nowMs,
        $"{(severity == AlertSeverity.Critical ? "🚨" : "ℹ")} Node {member.Address} [{string.Join(",", member.Roles)}] {what}.",
        $"{AlertKinds.Cluster}:{code}:{member.UniqueAddress.Address}:{member.UniqueAddress.Uid}");

    private static string LegName(OrderLeg leg) => leg switch
    {
        OrderLeg.Entry => "entry",
        OrderLeg.StopLoss => "stop-loss",
        OrderLeg.TakeProfit1 => "take-profit 1",
        OrderLeg.TakeProfit2 => "take-profit 2",
        OrderLeg.BreakEven => "break-even stop",
        OrderLeg.Close => "market close",
        _ => EnumCodes.Of(leg).ToLowerInvariant(),
    };

    private static string LastTrade(long? ms) => ms is { } t ? "; last trade at " + Time(t) : "";

    private static string Rule(RiskRule rule) => rule switch
    {
        RiskRule.DailyLoss => "daily_loss",
        RiskRule.ConsecutiveLosses => "consecutive_losses",
        RiskRule.ExchangeDisconnect => "exchange_disconnect",
        RiskRule.BalanceTooLow => "balance_too_low",
        RiskRule.StaleMarketData => "stale_market_data",
        RiskRule.HoldTimeout => "hold_timeout",
        RiskRule.KillSwitch => "kill_switch",
        _ => rule.ToString(),
    };

    private static string Usd(decimal v) => (v < 0 ? "-$" : "$") + Math.Abs(v).ToString("0.00", Inv);

    private static string Signed(decimal v) => (v >= 0 ? "+" : "") + v.ToString("0.00", Inv);

    private static string Signed(double v) => (v >= 0 ? "+" : "") + v.ToString("0.##", Inv);

    private static string Num(decimal v) => v.ToString("0.########", Inv);

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Inv);

    private static string Duration(long ms) => TimeSpan.FromMilliseconds(ms).ToString(ms >= 86_400_000 ? @"d\.hh\:mm\:ss" : @"hh\:mm\:ss", Inv);

    /// <summary>A short hash stable across processes (string.GetHashCode is randomised per process).</summary>
    private static string Stable(string s) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(s)), 0, 8).ToLowerInvariant();
}
