using System.Collections.Immutable;
using System.Globalization;

namespace Arbitrage.Core.Triangles.Execution;

/// <summary>
/// The limits on cycle attempts. Zero disables a limit (no daily-loss limit, no venue notional cap, no cap on cycles
/// in flight).
/// </summary>
/// <param name="DailyLossUsd">New attempts stop once the realised PnL of the UTC day is ≤ −this (across cycles and venues).</param>
/// <param name="MaxVenueNotionalUsd">The most USD notional in flight on one venue, the new attempt included.</param>
/// <param name="MaxCyclesInFlight">The most attempts in flight at once.</param>
/// <param name="CooldownMs">No new attempt on a cycle (venue and cycle id) for this long after the last one started.</param>
public sealed record TriangleRiskLimits(decimal DailyLossUsd, decimal MaxVenueNotionalUsd, int MaxCyclesInFlight, long CooldownMs);

/// <summary>An attempt asking for approval: what it would put in flight, and what the venue holds of its start asset.</summary>
/// <param name="AvailableStart">The venue's free balance of the start asset (paper or live); null = not known (not checked).</param>
public sealed record TriangleRiskRequest(string Venue, string CycleId, string StartAsset, decimal StartAmount, decimal NotionalUsd, decimal? AvailableStart, long TimeMs);

/// <summary>Approved, or the refusal's reason code (<c>risk:kill_switch</c>, <c>risk:daily_loss</c>, <c>cooldown</c>, …) and words.</summary>
public readonly record struct TriangleRiskVerdict(bool Approved, string Reason, string Detail)
{
    public static TriangleRiskVerdict Approve { get; } = new(true, string.Empty, string.Empty);

    public static TriangleRiskVerdict Refuse(string reason, string detail) => new(false, reason, detail);
}

/// <summary>An attempt in flight, as the risk rules count it.</summary>
public sealed record TriangleInFlight(string Venue, string CycleId, decimal NotionalUsd, long StartMs);

/// <summary>
/// What the triangle risk rules remember: the kill switch, the realised PnL of the current UTC day, the attempts in
/// flight and when each cycle last started (pruned to the cooldown, so it does not grow with time).
/// </summary>
public sealed record TriangleRiskState(
    bool KillSwitch,
    long DayStartMs,
    decimal RealisedTodayUsd,
    ImmutableSortedDictionary<string, TriangleInFlight> InFlight,
    ImmutableSortedDictionary<string, long> LastStartMs)
{
    public const long DayMs = 86_400_000;

    public static TriangleRiskState Empty { get; } = new(false, 0, 0m,
        ImmutableSortedDictionary.Create<string, TriangleInFlight>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal));

    /// <summary>The key of a cycle on a venue for the cooldown.</summary>
    public static string CycleKey(string venue, string cycleId) => venue + "|" + cycleId;

    /// <summary>The realised PnL of the UTC day of <paramref name="timeMs"/> (0 on a new day).</summary>
    public decimal RealisedOn(long timeMs) => UtcDay(timeMs) == DayStartMs ? RealisedTodayUsd : 0m;

    public TriangleRiskState WithKillSwitch(bool on) => this with { KillSwitch = on };

    /// <summary>An approved attempt started.</summary>
    public TriangleRiskState Started(string attemptId, TriangleRiskRequest r, long cooldownMs)
    {
        ArgumentNullException.ThrowIfNull(r);
        var last = LastStartMs;
        foreach (var (key, at) in LastStartMs)
        {
            if (r.TimeMs - at >= cooldownMs) last = last.Remove(key);
        }

        return this with
        {
            InFlight = InFlight.SetItem(attemptId, new TriangleInFlight(r.Venue, r.CycleId, r.NotionalUsd, r.TimeMs)),
            LastStartMs = last.SetItem(CycleKey(r.Venue, r.CycleId), r.TimeMs),
        };
    }

    /// <summary>An attempt ended with <paramref name="pnlUsd"/> realised at <paramref name="timeMs"/>.</summary>
    public TriangleRiskState Ended(string attemptId, decimal pnlUsd, long timeMs)
    {
        var day = UtcDay(timeMs);
        var realised = (day == DayStartMs ? RealisedTodayUsd : 0m) + pnlUsd;
        return this with { InFlight = InFlight.Remove(attemptId), DayStartMs = day, RealisedTodayUsd = realised };
    }

    public static long UtcDay(long timeMs) => Math.DivRem(timeMs, DayMs, out var rem) * DayMs - (rem < 0 ? DayMs : 0);
}

/// <summary>
/// Whether a cycle attempt may start (pure, like the guard's rules), checked in this order: <c>risk:kill_switch</c>,
/// <c>risk:daily_loss</c>, <c>cooldown</c>, <c>risk:cycles_in_flight</c>, <c>risk:venue_notional</c>, <c>balance</c>.
/// (Stale and unsynchronised books are the planner's <c>stale</c>.)
/// </summary>
public static class TriangleRiskRules
{
    public const string KillSwitch = "risk:kill_switch";
    public const string DailyLoss = "risk:daily_loss";
    public const string VenueNotional = "risk:venue_notional";
    public const string CyclesInFlight = "risk:cycles_in_flight";
    public const string Cooldown = "cooldown";
    public const string Balance = "balance";

    public static TriangleRiskVerdict Approve(TriangleRiskLimits limits, TriangleRiskState state, TriangleRiskRequest r)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(r);
        if (state.KillSwitch)
        {
            return TriangleRiskVerdict.Refuse(KillSwitch, "the kill switch is on");
        }

        var today = state.RealisedOn(r.TimeMs);
        if (limits.DailyLossUsd > 0m && today <= -limits.DailyLossUsd)
        {
            return TriangleRiskVerdict.Refuse(DailyLoss, $"realised today {Num(today)} USD, the limit is -{Num(limits.DailyLossUsd)} USD");
        }

        if (state.LastStartMs.TryGetValue(TriangleRiskState.CycleKey(r.Venue, r.CycleId), out var last) && r.TimeMs - last < limits.CooldownMs)
        {
            return TriangleRiskVerdict.Refuse(Cooldown, $"{r.CycleId} started {r.TimeMs - last} ms ago, cooldown {limits.CooldownMs} ms");
        }

        if (limits.MaxCyclesInFlight > 0 && state.InFlight.Count >= limits.MaxCyclesInFlight)
        {
            return TriangleRiskVerdict.Refuse(CyclesInFlight, $"{state.InFlight.Count} attempts in flight, the maximum is {limits.MaxCyclesInFlight}");
        }

        if (limits.MaxVenueNotionalUsd > 0m)
        {
            var inFlight = state.InFlight.Values.Where(f => f.Venue == r.Venue).Sum(f => f.NotionalUsd);
            if (inFlight + r.NotionalUsd > limits.MaxVenueNotionalUsd)
            {
                return TriangleRiskVerdict.Refuse(VenueNotional,
                    $"{r.Venue}: {Num(inFlight)} USD in flight + {Num(r.NotionalUsd)} USD > {Num(limits.MaxVenueNotionalUsd)} USD");
            }
        }

        if (r.AvailableStart is { } available && available < r.StartAmount)
        {
            return TriangleRiskVerdict.Refuse(Balance, $"{r.StartAsset}: {Num(available)} available < {Num(r.StartAmount)}");
        }

        return TriangleRiskVerdict.Approve;
    }

    private static string Num(decimal v) => v.ToString(CultureInfo.InvariantCulture);
}
