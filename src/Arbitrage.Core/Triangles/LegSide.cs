namespace Arbitrage.Core.Triangles;

/// <summary>Which way a cycle leg crosses its pair's book.</summary>
public enum LegSide
{
    /// <summary>Sell BASE for QUOTE: walks the bids.</summary>
    SellBase,

    /// <summary>Buy BASE with QUOTE: walks the asks.</summary>
    BuyBase,
}
