using System.Collections.Immutable;

namespace Arbitrage.Core.Strategies;

public readonly record struct CooldownKey(string StrategyId, string Symbol, SignalDirection Direction);

/// <summary>
/// When each (strategy, symbol, direction) last emitted, in event-time ms. Immutable: <see cref="Record"/>
/// returns a new book, so an actor can keep it as state and persist or snapshot it as is.
/// </summary>
public sealed class CooldownBook
{
    public static CooldownBook Empty { get; } = new(ImmutableDictionary<CooldownKey, long>.Empty);

    private readonly ImmutableDictionary<CooldownKey, long> _last;

    private CooldownBook(ImmutableDictionary<CooldownKey, long> last) => _last = last;

    public IReadOnlyDictionary<CooldownKey, long> Entries => _last;

    public long? LastEmitted(CooldownKey key) => _last.TryGetValue(key, out var t) ? t : null;

    /// <summary>Allowed when nothing was emitted for the key yet, or <c>now − last ≥ cooldown</c>.</summary>
    public bool Allows(CooldownKey key, long nowMs, long cooldownMs) =>
        !_last.TryGetValue(key, out var last) || nowMs - last >= cooldownMs;

    /// <summary>First event time at which <paramref name="key"/> may emit again (null = now).</summary>
    public long? BlockedUntil(CooldownKey key, long nowMs, long cooldownMs) =>
        Allows(key, nowMs, cooldownMs) ? null : _last[key] + cooldownMs;

    public CooldownBook Record(CooldownKey key, long emittedAtMs) => new(_last.SetItem(key, emittedAtMs));
}
