namespace Arbitrage.Simulator.Exchange;

/// <summary>An order in the simulated matching engine (mutated only under the simulator's lock).</summary>
public sealed class SimOrder
{
    public required long OrderId { get; init; }
    public required string ClientOrderId { get; init; }
    public required string Symbol { get; init; }
    public required string Side { get; init; }
    public required string Type { get; init; }
    public required string TimeInForce { get; init; }
    public decimal OrigQty { get; set; }
    public decimal Price { get; init; }
    public decimal StopPrice { get; init; }
    public bool ReduceOnly { get; init; }
    public bool ClosePosition { get; init; }
    /// <summary>Set for orders placed through <c>/fapi/v1/algoOrder</c>.</summary>
    public bool IsAlgo { get; init; }
    public string Status { get; set; } = "NEW";
    public decimal ExecutedQty { get; set; }
    public decimal CumQuote { get; set; }
    public long Time { get; init; }
    public long UpdateTime { get; set; }

    public bool IsOpen => Status is "NEW" or "PARTIALLY_FILLED";
    public bool IsBuy => Side == "BUY";
    public bool IsConditional => Type is "STOP_MARKET" or "TAKE_PROFIT_MARKET";
    public decimal AvgPrice => ExecutedQty == 0 ? 0 : CumQuote / ExecutedQty;
}

/// <summary>A one-way-mode position and its settings.</summary>
public sealed class SimPosition(string symbol, int leverage)
{
    public string Symbol { get; } = symbol;
    /// <summary>Signed: positive long, negative short.</summary>
    public decimal Amount { get; set; }
    public decimal EntryPrice { get; set; }
    public decimal AccumulatedRealized { get; set; }
    public int Leverage { get; set; } = leverage;
    public string MarginType { get; set; } = "cross";
    public long UpdateTime { get; set; }
}

/// <summary>One fill, as the exchange reported it.</summary>
public sealed record SimFill(long TradeId, long OrderId, string ClientOrderId, string Symbol, string Side, decimal Price,
    decimal Quantity, decimal Commission, decimal RealizedPnl, bool IsMaker, long TimeMs);
