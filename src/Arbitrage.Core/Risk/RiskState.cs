using System.Collections.Immutable;

namespace Arbitrage.Core.Risk;

/// <summary>A tripped rule: why, since when, and until when (null = until resumed).</summary>
public sealed record ActiveBreaker(string Reason, long SinceMs, long? UntilMs);

/// <summary>Who engaged the kill switch, why, and when.</summary>
public sealed record KillSwitchState(string By, string Reason, long SinceMs);

/// <summary>
/// Everything the risk rules decide on. Immutable; changed only by <see cref="RiskRules"/>.
/// The durable part (daily R, loss streak, breakers, kill switch, hold-timeout bookkeeping) changes
/// only through <see cref="Apply"/>; the live inputs (market-data times, connection, balance) are
/// re-learnt from the feeds after a restart.
/// </summary>
/// <param name="DailyUtcDay">UTC day (Unix ms / 86 400 000) that <paramref name="DailyRealisedR"/> belongs to.</param>
/// <param name="DailyRealisedR">Sum of closed trades' R on that day.</param>
/// <param name="ConsecutiveLosses">Losing closes in a row since the last win, break-even or pause.</param>
/// <param name="Breakers">Active circuit breakers (daily loss, consecutive losses, exchange disconnect).</param>
/// <param name="KillSwitch">Null when released.</param>
/// <param name="LastEventMs">Event time of the last market event per symbol.</param>
/// <param name="DisconnectedSinceMs">Null while the exchange connection is up.</param>
/// <param name="BalanceUsd">Last known available balance; null = never reported.</param>
/// <param name="HoldAlerted">Symbol → entry time of the position already alerted for holding too long.</param>
/// <param name="ForceClosed">Symbol → entry time of the position already ordered closed.</param>
public sealed record RiskState(
    RiskParameters Parameters,
    long DailyUtcDay,
    decimal DailyRealisedR,
    int ConsecutiveLosses,
    ImmutableDictionary<RiskRule, ActiveBreaker> Breakers,
    KillSwitchState? KillSwitch,
    ImmutableDictionary<string, long> LastEventMs,
    long? DisconnectedSinceMs,
    decimal? BalanceUsd,
    ImmutableDictionary<string, long> HoldAlerted,
    ImmutableDictionary<string, long> ForceClosed)
{
    public const long DayMs = 86_400_000;

    /// <summary>
    /// A fresh guard at <paramref name="startMs"/>. The exchange counts as disconnected since start
    /// until the gateway reports a connection, so a gateway that never connects trips the rule.
    /// </summary>
    public static RiskState Initial(RiskParameters parameters, long startMs)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Validate() is { } bad) throw new ArgumentException(bad.Reason, nameof(parameters));
        return new RiskState(parameters, UtcDay(startMs), 0m, 0,
            ImmutableDictionary<RiskRule, ActiveBreaker>.Empty, null,
            ImmutableDictionary<string, long>.Empty, startMs, null,
            ImmutableDictionary<string, long>.Empty, ImmutableDictionary<string, long>.Empty);
    }

    /// <summary>UTC day number of a Unix-ms time (floor division, so times before 1970 work too).</summary>
    public static long UtcDay(long ms) => Math.DivRem(ms, DayMs, out var rem) - (rem < 0 ? 1 : 0);

    /// <summary>Start of the UTC day after the one containing <paramref name="ms"/>.</summary>
    public static long NextUtcMidnight(long ms) => (UtcDay(ms) + 1) * DayMs;

    /// <summary>Realised R of the UTC day containing <paramref name="nowMs"/> (0 once the day has rolled).</summary>
    public decimal RealisedRToday(long nowMs) => UtcDay(nowMs) == DailyUtcDay ? DailyRealisedR : 0m;

    /// <summary>The durable state change a transition stands for.</summary>
    public RiskState Apply(RiskTransition transition) => transition switch
    {
        RiskTransition.TradeResultRecorded t => this with
        {
            DailyUtcDay = UtcDay(t.AtMs),
            DailyRealisedR = RealisedRToday(t.AtMs) + t.PnlR,
            ConsecutiveLosses = t.PnlR < 0m ? ConsecutiveLosses + 1 : 0,
        },
        RiskTransition.CircuitBroken b => this with
        {
            Breakers = Breakers.SetItem(b.Rule, new ActiveBreaker(b.Reason, b.AtMs, b.UntilMs)),
            // The streak has been answered by the pause; the next one starts from zero.
            ConsecutiveLosses = b.Rule == RiskRule.ConsecutiveLosses ? 0 : ConsecutiveLosses,
        },
        RiskTransition.Resumed r => this with { Breakers = Breakers.Remove(r.Rule) },
        RiskTransition.KillSwitchEngaged k => this with { KillSwitch = new KillSwitchState(k.By, k.Reason, k.AtMs) },
        RiskTransition.KillSwitchReleased => this with { KillSwitch = null },
        RiskTransition.HoldTimeoutAlert h => this with { HoldAlerted = HoldAlerted.SetItem(h.Symbol, h.OpenedAtMs) },
        RiskTransition.ForceClose f => this with { ForceClosed = ForceClosed.SetItem(f.Symbol, f.OpenedAtMs) },
        _ => throw new ArgumentOutOfRangeException(nameof(transition), transition, "unknown risk transition"),
    };

    /// <summary>Applies transitions in order.</summary>
    public RiskState ApplyAll(IEnumerable<RiskTransition> transitions)
    {
        var s = this;
        foreach (var t in transitions) s = s.Apply(t);
        return s;
    }
}
