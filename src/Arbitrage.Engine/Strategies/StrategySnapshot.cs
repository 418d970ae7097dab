using Arbitrage.Core.Strategies;

namespace Arbitrage.Engine.Strategies;

/// <summary>
/// A <see cref="StrategyActor"/>'s durable state in the snapshot store: when each (strategy, symbol, direction) last emitted,
/// as its journaled signals say (the cooldown book a recovery from every <see cref="SignalEmitted"/> would rebuild).
/// </summary>
[Manifest("strategy-snapshot.v1")]
public sealed record StrategySnapshot(IReadOnlyList<StrategySnapshot.Cooldown> Cooldowns) : IPersistedSnapshot
{
    public sealed record Cooldown(string StrategyId, string Symbol, SignalDirection Direction, long LastEmittedMs);

    public static StrategySnapshot Of(CooldownBook book) => new(
        book.Entries
            .OrderBy(e => e.Key.StrategyId, StringComparer.Ordinal).ThenBy(e => e.Key.Symbol, StringComparer.Ordinal).ThenBy(e => e.Key.Direction)
            .Select(e => new Cooldown(e.Key.StrategyId, e.Key.Symbol, e.Key.Direction, e.Value))
            .ToArray());

    public CooldownBook ToBook()
    {
        var book = CooldownBook.Empty;
        foreach (var c in Cooldowns)
        {
            book = book.Record(new CooldownKey(c.StrategyId, c.Symbol, c.Direction), c.LastEmittedMs);
        }

        return book;
    }
}
