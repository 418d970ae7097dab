using System.Text.Json.Serialization;
using Arbitrage.Core.Sizing;

namespace Arbitrage.Core.Triangles.Execution;

/// <summary>
/// A pair's order filters, venue-neutral (Binance spot: PRICE_FILTER.tickSize, LOT_SIZE step/min/max,
/// MARKET_LOT_SIZE step/min/max, MIN_NOTIONAL/NOTIONAL min/max). Zero = no such filter; <see cref="None"/> = a pair
/// traded without rounding (the JSONL tapes carry no filters). <c>decimal</c>: these numbers go back to the venue.
/// </summary>
public sealed record PairFilters(
    decimal TickSize,
    decimal StepSize,
    decimal MinQty,
    decimal MaxQty,
    decimal MarketStepSize,
    decimal MarketMinQty,
    decimal MarketMaxQty,
    decimal MinNotional,
    decimal MaxNotional)
{
    /// <summary>No filter at all: quantities and prices go out as computed.</summary>
    public static PairFilters None { get; } = new(0m, 0m, 0m, 0m, 0m, 0m, 0m, 0m, 0m);

    [JsonIgnore]
    public bool IsNone => this == None;

    /// <summary>The filters the futures executor already knows (<see cref="SymbolFilters"/>), plus the maxima it does not carry.</summary>
    public static PairFilters From(SymbolFilters f, decimal maxQty = 0m, decimal marketMaxQty = 0m, decimal maxNotional = 0m)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new PairFilters(f.TickSize, f.StepSize, f.MinQty, maxQty, f.StepFor(OrderKind.Market), f.MinQtyFor(OrderKind.Market),
            marketMaxQty, f.MinNotional, maxNotional);
    }

    /// <summary>The lot step of an order type (MARKET_LOT_SIZE for market orders when it has one); 0 = none.</summary>
    public decimal StepFor(LegOrderType type) => type == LegOrderType.Market && MarketStepSize > 0m ? MarketStepSize : StepSize;

    public decimal MinQtyFor(LegOrderType type) => type == LegOrderType.Market && MarketMinQty > 0m ? MarketMinQty : MinQty;

    public decimal MaxQtyFor(LegOrderType type) => type == LegOrderType.Market && MarketMaxQty > 0m ? MarketMaxQty : MaxQty;

    /// <summary>A base quantity rounded down to the step of <paramref name="type"/> (unchanged without a step).</summary>
    public decimal RoundQuantity(decimal quantity, LegOrderType type)
    {
        var step = StepFor(type);
        return step > 0m ? StepRounding.Down(quantity, step) : quantity;
    }

    /// <summary>
    /// Why <paramref name="quantity"/> at <paramref name="notional"/> (quote) breaks a filter, or null: quantity &gt; 0,
    /// within min/max of the order type, notional within min/max.
    /// </summary>
    public string? Check(decimal quantity, decimal notional, LegOrderType type)
    {
        if (quantity <= 0m) return "quantity rounds to 0";
        if (quantity < MinQtyFor(type)) return $"quantity {quantity} < minQty {MinQtyFor(type)}";
        if (MaxQtyFor(type) is > 0m and var max && quantity > max) return $"quantity {quantity} > maxQty {max}";
        if (notional < MinNotional) return $"notional {notional} < minNotional {MinNotional}";
        if (MaxNotional > 0m && notional > MaxNotional) return $"notional {notional} > maxNotional {MaxNotional}";
        return null;
    }

    /// <summary>Null when usable; otherwise what is wrong.</summary>
    public string? Validate()
    {
        if (TickSize < 0m || StepSize < 0m || MinQty < 0m || MaxQty < 0m || MarketStepSize < 0m || MarketMinQty < 0m
            || MarketMaxQty < 0m || MinNotional < 0m || MaxNotional < 0m)
        {
            return "filters must be ≥ 0";
        }

        if (MaxQty > 0m && MaxQty < MinQty) return $"maxQty {MaxQty} < minQty {MinQty}";
        if (MaxNotional > 0m && MaxNotional < MinNotional) return $"maxNotional {MaxNotional} < minNotional {MinNotional}";
        return null;
    }
}
