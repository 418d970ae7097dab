namespace Arbitrage.Simulator.Exchange;

/// <summary>A spot order (mutated only under the simulator's lock).</summary>
public sealed class SpotOrder
{
    public required long OrderId { get; init; }
    public required string ClientOrderId { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required string QuoteAsset { get; init; }
    public required string Side { get; init; }
    public required string Type { get; init; }
    public required string TimeInForce { get; init; }
    public decimal OrigQty { get; init; }
    public decimal OrigQuoteOrderQty { get; init; }
    public decimal Price { get; init; }
    public string Status { get; set; } = "NEW";
    public decimal ExecutedQty { get; set; }
    public decimal CumQuote { get; set; }
    public long Time { get; init; }
    public long UpdateTime { get; set; }

    /// <summary>What the order still holds locked: quote (limit × open qty, or a MARKET walk's cost) for a buy, base for a sell.</summary>
    public decimal Locked { get; set; }

    public List<SpotTrade> Fills { get; } = [];

    public bool IsOpen => Status is "NEW" or "PARTIALLY_FILLED";
    public bool IsBuy => Side == "BUY";
    public decimal AvgPrice => ExecutedQty == 0 ? 0 : CumQuote / ExecutedQty;
}

/// <summary>One spot fill (one book level). The commission is in the asset received (see <see cref="SpotAccount"/>).</summary>
public sealed record SpotTrade(long TradeId, long OrderId, string ClientOrderId, string Symbol, string Side, decimal Price, decimal Quantity,
    decimal Commission, string CommissionAsset, bool IsMaker, long TimeMs)
{
    public decimal QuoteQty => Price * Quantity;
}

/// <summary>A spot balance: free and locked by open orders.</summary>
public readonly record struct SpotBalance(string Asset, decimal Free, decimal Locked);
