using Arbitrage.Core.Risk;

namespace Arbitrage.Engine.Risk;

/// <summary>
/// The risk guard's durable state in the snapshot store: what its events built (<see cref="RiskState"/>'s durable part, the
/// operator's parameters and trading switch, its event time), never the live inputs it re-learns after a restart
/// (market-data times, connection, balance).
/// </summary>
/// <param name="Parameters">Set by an operator (<see cref="RiskParametersSet"/>); null = the configured ones apply.</param>
/// <param name="NowMs">The latest event time of its journal.</param>
[Manifest("risk-guard-snapshot.v1")]
public sealed record RiskGuardSnapshot(
    RiskParameters? Parameters,
    long DailyUtcDay,
    decimal DailyRealisedR,
    int ConsecutiveLosses,
    IReadOnlyList<RiskGuardSnapshot.Breaker> Breakers,
    KillSwitchState? KillSwitch,
    IReadOnlyList<RiskGuardSnapshot.Position> HoldAlerted,
    IReadOnlyList<RiskGuardSnapshot.Position> ForceClosed,
    bool TradingEnabled,
    long NowMs) : IPersistedSnapshot
{
    public sealed record Breaker(RiskRule Rule, string Reason, long SinceMs, long? UntilMs);

    /// <summary>A position already alerted (or ordered closed) for holding too long: its symbol and entry time.</summary>
    public sealed record Position(string Symbol, long OpenedAtMs);

    public static RiskGuardSnapshot Of(RiskState state, RiskParameters? parametersSet, bool tradingEnabled, long nowMs) => new(
        parametersSet,
        state.DailyUtcDay,
        state.DailyRealisedR,
        state.ConsecutiveLosses,
        state.Breakers.OrderBy(b => b.Key).Select(b => new Breaker(b.Key, b.Value.Reason, b.Value.SinceMs, b.Value.UntilMs)).ToArray(),
        state.KillSwitch,
        state.HoldAlerted.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => new Position(h.Key, h.Value)).ToArray(),
        state.ForceClosed.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => new Position(h.Key, h.Value)).ToArray(),
        tradingEnabled,
        nowMs);

    /// <summary>The durable part restored over <paramref name="fresh"/> (a guard's state before recovery: its live inputs untouched).</summary>
    public RiskState Restore(RiskState fresh) => fresh with
    {
        Parameters = Parameters ?? fresh.Parameters,
        DailyUtcDay = DailyUtcDay,
        DailyRealisedR = DailyRealisedR,
        ConsecutiveLosses = ConsecutiveLosses,
        Breakers = fresh.Breakers.Clear().SetItems(Breakers.Select(b => KeyValuePair.Create(b.Rule, new ActiveBreaker(b.Reason, b.SinceMs, b.UntilMs)))),
        KillSwitch = KillSwitch,
        HoldAlerted = fresh.HoldAlerted.Clear().SetItems(HoldAlerted.Select(h => KeyValuePair.Create(h.Symbol, h.OpenedAtMs))),
        ForceClosed = fresh.ForceClosed.Clear().SetItems(ForceClosed.Select(h => KeyValuePair.Create(h.Symbol, h.OpenedAtMs))),
    };
}
