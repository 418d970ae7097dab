using System.Collections.Frozen;

namespace Arbitrage.Core.Strategies;

/// <summary>
/// A validated strategy file (<c>strategies/*.json</c>; every field is defined in <c>strategies/README.md</c>).
/// Only <see cref="StrategyLoader"/> builds these from files, so a definition in hand is always valid.
/// </summary>
/// <param name="Id">Unique across the strategies directory; <c>^[a-z0-9][a-z0-9_]{0,63}$</c>.</param>
/// <param name="Version">Free-form version label of the parameter set, e.g. "5.1".</param>
/// <param name="Symbols">Symbols it trades, or exactly <c>["*"]</c> for every symbol the node is configured with.</param>
/// <param name="Threshold">Minimum score (0–100) that emits a signal; <c>score ≥ threshold</c> emits.</param>
/// <param name="CooldownMinutes">Per (strategy, symbol, direction), on event time. Default 10.</param>
/// <param name="Signals">The weighted signals, in <see cref="SignalCatalog"/> order (not file order) so breakdowns are stable.</param>
/// <param name="TpSl">Stop-loss and take-profit distances in ATR multiples.</param>
/// <param name="Enabled">A disabled strategy loads (and is validated) but never emits. Default true.</param>
/// <param name="Tag">Optional short prefix for signal ids (<c>^[a-z0-9_]{1,10}$</c>); the id is used when absent.</param>
/// <param name="Description">Optional free text for operators.</param>
public sealed record StrategyDefinition(
    string Id,
    string Version,
    IReadOnlyList<string> Symbols,
    double Threshold,
    int CooldownMinutes,
    IReadOnlyList<SignalDefinition> Signals,
    TpSlConfig TpSl,
    bool Enabled,
    string? Tag,
    string? Description)
{
    public const int DefaultCooldownMinutes = 10;

    /// <summary>True when the file says <c>"symbols": ["*"]</c>.</summary>
    public bool AllSymbols => Symbols.Count == 1 && Symbols[0] == "*";

    public long CooldownMs => CooldownMinutes * 60_000L;

    /// <summary>The prefix <see cref="SignalId"/> builds ids from: the tag, else the id.</summary>
    public string SignalPrefix => Tag ?? Id;

    public bool AppliesTo(string symbol)
    {
        if (AllSymbols)
            return true;
        foreach (var s in Symbols)
            if (string.Equals(s, symbol, StringComparison.Ordinal))
                return true;
        return false;
    }
}

/// <summary>One entry of <c>signals</c>: its weight (max points) and its parameters with defaults filled in.</summary>
public sealed record SignalDefinition(string Name, double Weight, IReadOnlyDictionary<string, double> Params)
{
    // Resolved once: the scorer reads them for every signal of every strategy on every tick.
    private readonly FrozenDictionary<string, double> _params = Params.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The formula <see cref="Name"/> selects (<see cref="SignalKind.Unknown"/> for a name outside <see cref="SignalCatalog"/>).</summary>
    public SignalKind Kind { get; } = SignalCatalog.KindOf(Name);

    public double Param(string name) => _params[name];
}

/// <summary>Distances from the entry in multiples of ATR; all &gt; 0 and <c>Tp1Atr &lt; Tp2Atr</c>.</summary>
public sealed record TpSlConfig(double SlAtr, double Tp1Atr, double Tp2Atr);
