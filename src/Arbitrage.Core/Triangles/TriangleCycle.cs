namespace Arbitrage.Core.Triangles;

/// <summary>One leg of a cycle: convert <see cref="From"/> into <see cref="To"/> through pair <see cref="Pair"/> (an index of <see cref="TriangleUniverse.Pairs"/>).</summary>
public readonly record struct CycleLeg(int Pair, LegSide Side, string From, string To);

/// <summary>
/// An ordered cycle <c>S → X → Y → S</c> over three distinct pairs, started with <see cref="Notional"/> of
/// <see cref="StartAsset"/>. <see cref="Id"/> is <c>S&gt;X&gt;Y</c> (e.g. <c>USDT&gt;BTC&gt;ETH</c>: buy BTC with USDT,
/// buy ETH with BTC, sell ETH for USDT); the reverse direction is a different cycle.
/// </summary>
/// <param name="Index">Position in <see cref="TriangleUniverse.Cycles"/>.</param>
public sealed record TriangleCycle(int Index, string Id, string StartAsset, double Notional, CycleLeg Leg1, CycleLeg Leg2, CycleLeg Leg3)
{
    /// <summary>Whether one of the three legs trades <paramref name="pair"/>.</summary>
    public bool Uses(int pair) => Leg1.Pair == pair || Leg2.Pair == pair || Leg3.Pair == pair;
}
