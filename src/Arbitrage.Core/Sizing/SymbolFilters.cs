namespace Arbitrage.Core.Sizing;

/// <summary>
/// The exchange's order filters for one symbol (Binance <c>exchangeInfo</c>: PRICE_FILTER.tickSize,
/// LOT_SIZE.stepSize/minQty, MIN_NOTIONAL.notional, MARKET_LOT_SIZE.stepSize/minQty).
/// <c>decimal</c> because these values are sent back to the exchange verbatim.
/// </summary>
/// <param name="MarketStepSize">MARKET_LOT_SIZE step; null = same as <paramref name="StepSize"/>.</param>
/// <param name="MarketMinQty">MARKET_LOT_SIZE minQty; null = same as <paramref name="MinQty"/>.</param>
public sealed record SymbolFilters(
    string Symbol,
    decimal TickSize,
    decimal StepSize,
    decimal MinQty,
    decimal MinNotional,
    decimal? MarketStepSize = null,
    decimal? MarketMinQty = null)
{
    /// <summary>The lot step that applies to an order of the given type.</summary>
    public decimal StepFor(OrderKind kind) =>
        kind == OrderKind.Market && MarketStepSize is { } s && s > 0m ? s : StepSize;

    /// <summary>The minimum quantity that applies to an order of the given type.</summary>
    public decimal MinQtyFor(OrderKind kind) =>
        kind == OrderKind.Market && MarketMinQty is { } m ? m : MinQty;

    /// <summary>Null when the filters are usable; otherwise what is wrong with them.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Symbol)) return "symbol is empty";
        if (TickSize <= 0m) return $"{Symbol}: tickSize must be > 0 (got {TickSize})";
        if (StepSize <= 0m) return $"{Symbol}: stepSize must be > 0 (got {StepSize})";
        if (MinQty < 0m) return $"{Symbol}: minQty must be ≥ 0 (got {MinQty})";
        if (MinNotional < 0m) return $"{Symbol}: minNotional must be ≥ 0 (got {MinNotional})";
        if (MarketStepSize is { } ms && ms <= 0m) return $"{Symbol}: market stepSize must be > 0 (got {ms})";
        if (MarketMinQty is { } mq && mq < 0m) return $"{Symbol}: market minQty must be ≥ 0 (got {mq})";
        return null;
    }
}

/// <summary>Which lot filter applies: LIMIT orders use LOT_SIZE, MARKET orders MARKET_LOT_SIZE.</summary>
public enum OrderKind
{
    Limit,
    Market,
}
