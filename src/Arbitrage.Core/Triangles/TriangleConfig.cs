using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Core.Triangles;

/// <summary>A start asset of the cycles and the notional each cycle starts with, in that asset.</summary>
public sealed record StartAsset(string Asset, decimal Notional);

/// <summary>
/// A triangle strategy file (<c>strategies/triangles/*.json</c>), validated by <see cref="TriangleConfigLoader"/>.
/// <c>decimal</c> as written in the file (notionals and the execution floor reach the exchange); the detector takes
/// them as doubles through <see cref="TriangleDetectorSettings.For"/>.
/// </summary>
/// <param name="Id">Unique across the folder.</param>
/// <param name="Venue">The venue whose books feed it (e.g. <c>binance-spot</c>); episodes carry it.</param>
/// <param name="Symbols">The pairs (<c>BASE/QUOTE</c>) of its cycles; null = <c>"*"</c>, every pair of the venue or tape.</param>
/// <param name="StartAssets">Start assets with their notionals, in file order.</param>
/// <param name="TakerFee">Fee per leg as a fraction (0.001 = 10 bp); null = <c>"account"</c>, the live account's commission rate.</param>
/// <param name="MinNetReturn">An episode lasts while <c>r ≥</c> this; may be negative to study near misses.</param>
/// <param name="StalenessMs">A book older than this at an evaluation makes its cycles unevaluated (and closes their episodes).</param>
/// <param name="Enabled">False: validated and loaded, but not run.</param>
/// <param name="ExecuteMinNetReturn">The floor on <c>r</c> for executing a cycle (after rounding to the filters); independent of <see cref="MinNetReturn"/>.</param>
/// <param name="Execution">The other execution keys; null = all at their defaults (<see cref="TriangleExecutionSettings.Default"/>).</param>
public sealed record TriangleConfig(
    string Id,
    string Venue,
    IReadOnlyList<string>? Symbols,
    IReadOnlyList<StartAsset> StartAssets,
    decimal? TakerFee,
    decimal MinNetReturn,
    long StalenessMs = TriangleConfig.DefaultStalenessMs,
    bool Enabled = true,
    decimal ExecuteMinNetReturn = TriangleConfig.DefaultExecuteMinNetReturn,
    TriangleExecutionSettings? Execution = null)
{
    public const long DefaultStalenessMs = 5000;

    public const decimal DefaultExecuteMinNetReturn = 0.001m;

    /// <summary>The execution keys, defaults filled in.</summary>
    public TriangleExecutionSettings Exec => Execution ?? TriangleExecutionSettings.Default;

    /// <summary>
    /// The paper balances per asset: <c>paper_balances</c> as written, or ten times each start asset's notional.
    /// </summary>
    public IReadOnlyDictionary<string, decimal> PaperBalancesOrDefault()
    {
        if (Exec.PaperBalances is { } written)
        {
            return written;
        }

        var balances = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var s in StartAssets)
        {
            balances[s.Asset] = s.Notional * 10m;
        }

        return balances;
    }

    /// <summary>The folder the node and <c>arbctl</c> read triangle configs from, relative to the repository.</summary>
    public const string DefaultDirectory = "strategies/triangles";

    /// <summary><c>"symbols": "*"</c>: every pair of the venue (or of the tape).</summary>
    public bool AllSymbols => Symbols is null;

    /// <summary><c>"taker_fee": "account"</c>: the fee comes from the live account.</summary>
    public bool TakerFeeFromAccount => TakerFee is null;

    /// <summary>Whether the config's cycles use <paramref name="symbol"/> (always, for <c>"*"</c>).</summary>
    public bool Includes(string symbol) => Symbols is null || Symbols.Contains(symbol, StringComparer.Ordinal);

    /// <summary>
    /// The pairs of this config on a venue (or tape) listing <paramref name="venuePairs"/>: its own symbols when it
    /// names them (a pair the venue lacks still forms cycles; they stay unevaluated, never having a book), else every
    /// venue pair.
    /// </summary>
    public IReadOnlyList<TradingPair> PairsOn(IEnumerable<TradingPair> venuePairs)
    {
        ArgumentNullException.ThrowIfNull(venuePairs);
        if (Symbols is null)
        {
            return venuePairs.ToList();
        }

        var list = new List<TradingPair>(Symbols.Count);
        foreach (var s in Symbols)
        {
            list.Add(TradingPair.TryParse(s, out var p) ? p : throw new InvalidOperationException($"config {Id}: invalid symbol {s}"));
        }

        return list;
    }

    /// <summary>The universe of this config on a venue listing <paramref name="venuePairs"/> (see <see cref="PairsOn"/>).</summary>
    public TriangleUniverse UniverseOn(IEnumerable<TradingPair> venuePairs) =>
        TriangleUniverse.Create(PairsOn(venuePairs), StartAssets.Select(s => (s.Asset, TriangleDetectorSettings.ToDouble(s.Notional))));
}
