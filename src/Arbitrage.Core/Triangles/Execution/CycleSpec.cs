using System.Text.Json.Serialization;

namespace Arbitrage.Core.Triangles.Execution;

/// <summary>Buy or sell the pair's base asset (the side of a spot order).</summary>
public enum TradeSide
{
    [JsonStringEnumMemberName("buy")]
    Buy,

    [JsonStringEnumMemberName("sell")]
    Sell,
}

/// <summary>
/// One leg of a cycle as execution needs it, in plain values (persisted with the attempt): the pair, its two assets,
/// the side, and the pair's filters. <see cref="From"/> is what the leg spends, <see cref="To"/> what it receives.
/// </summary>
/// <param name="Leg">1, 2 or 3.</param>
public sealed record CycleLegSpec(int Leg, string Symbol, string Base, string Quote, LegSide Side, PairFilters Filters)
{
    [JsonIgnore]
    public string From => Side == LegSide.SellBase ? Base : Quote;

    [JsonIgnore]
    public string To => Side == LegSide.SellBase ? Quote : Base;

    [JsonIgnore]
    public TradeSide TradeSide => Side == LegSide.SellBase ? TradeSide.Sell : TradeSide.Buy;
}

/// <summary>A cycle as execution needs it: id (<c>S&gt;X&gt;Y</c>), start asset and its three legs.</summary>
public sealed record CycleSpec(string Id, string StartAsset, IReadOnlyList<CycleLegSpec> Legs)
{
    /// <summary>
    /// The cycle of <paramref name="universe"/> with each pair's filters (<paramref name="filters"/> by symbol; a
    /// symbol it does not know trades without rounding, as a JSONL tape's).
    /// </summary>
    public static CycleSpec Of(TriangleUniverse universe, TriangleCycle cycle, Func<string, PairFilters?>? filters = null)
    {
        ArgumentNullException.ThrowIfNull(universe);
        ArgumentNullException.ThrowIfNull(cycle);
        CycleLegSpec Leg(int n, CycleLeg leg)
        {
            var pair = universe.Pairs[leg.Pair];
            return new CycleLegSpec(n, pair.Symbol, pair.Base, pair.Quote, leg.Side, filters?.Invoke(pair.Symbol) ?? PairFilters.None);
        }

        return new CycleSpec(cycle.Id, cycle.StartAsset, [Leg(1, cycle.Leg1), Leg(2, cycle.Leg2), Leg(3, cycle.Leg3)]);
    }

    /// <summary>
    /// The leg whose pair joins <paramref name="asset"/> and the start asset: the three pairs of a triangle join every
    /// two of its assets, so an unwind never needs two hops within the cycle. Null for an asset outside the cycle.
    /// </summary>
    public CycleLegSpec? DirectPairTo(string asset)
    {
        foreach (var leg in Legs)
        {
            if ((leg.Base == asset && leg.Quote == StartAsset) || (leg.Quote == asset && leg.Base == StartAsset))
            {
                return leg;
            }
        }

        return null;
    }

    /// <summary>The same pair traded from <paramref name="from"/> to the other asset (an unwind leg).</summary>
    public static CycleLegSpec Toward(CycleLegSpec pair, string from, int number) =>
        pair with { Leg = number, Side = pair.Base == from ? LegSide.SellBase : LegSide.BuyBase };
}
