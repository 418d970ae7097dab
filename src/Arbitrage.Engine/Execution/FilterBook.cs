using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Arbitrage.Core.Sizing;

namespace Arbitrage.Engine.Execution;

/// <summary>
/// Exchange filters per symbol with a fallback for symbols the exchange info did not list (replays of
/// tapes, paper trading offline). The fallback is deliberately coarse and says so in every sizing reason.
/// </summary>
public sealed class FilterBook(IReadOnlyDictionary<string, SymbolFilters> known, Func<string, SymbolFilters>? fallback = null) : IReadOnlyDictionary<string, SymbolFilters>
{
    /// <summary>Generic USD-M-like rules: tick 0.01, step 0.001, min qty 0.001, min notional 5.</summary>
    public static SymbolFilters Generic(string symbol) => new(symbol, 0.01m, 0.001m, 0.001m, 5m);

    public SymbolFilters this[string key] => TryGetValue(key, out var f) ? f : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => known.Keys;

    public IEnumerable<SymbolFilters> Values => known.Values;

    public int Count => known.Count;

    public bool ContainsKey(string key) => known.ContainsKey(key) || fallback is not null;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out SymbolFilters value)
    {
        if (known.TryGetValue(key, out value))
        {
            return true;
        }

        if (fallback is null)
        {
            return false;
        }

        value = fallback(key);
        return true;
    }

    public IEnumerator<KeyValuePair<string, SymbolFilters>> GetEnumerator() => known.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
