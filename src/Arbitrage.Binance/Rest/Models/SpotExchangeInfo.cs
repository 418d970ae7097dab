using Arbitrage.Core.Sizing;

namespace Arbitrage.Binance.Rest.Models;

/// <summary>A spot pair's trading state (<c>status</c> in exchangeInfo); only <see cref="Trading"/> pairs take orders.</summary>
public enum SpotPairStatus
{
    /// <summary>A status this client does not know (treated as not trading).</summary>
    Unknown,
    PreTrading,
    Trading,
    PostTrading,
    EndOfDay,
    Halt,
    AuctionMatch,
    Break,
}

/// <summary>PRICE_FILTER. A zero disables that part of the rule (Binance's convention).</summary>
public readonly record struct PriceFilter(decimal MinPrice, decimal MaxPrice, decimal TickSize);

/// <summary>LOT_SIZE (limit orders) or MARKET_LOT_SIZE (market orders), in base-asset units.</summary>
public readonly record struct LotSizeFilter(decimal MinQty, decimal MaxQty, decimal StepSize);

/// <summary>
/// NOTIONAL (price × quantity bounds, in quote units), or the older MIN_NOTIONAL read into the same shape
/// (its <c>applyToMarket</c> becomes <see cref="ApplyMinToMarket"/>; it has no maximum).
/// </summary>
public readonly record struct NotionalFilter(decimal MinNotional, decimal? MaxNotional, bool ApplyMinToMarket, bool ApplyMaxToMarket, int AvgPriceMins);

/// <summary>
/// The filters of one spot pair that detection and execution need; null when exchangeInfo did not list that filter.
/// <c>decimal</c> because they are sent back to the exchange verbatim.
/// </summary>
public sealed record SpotPairFilters(PriceFilter? Price, LotSizeFilter? LotSize, LotSizeFilter? MarketLotSize, NotionalFilter? Notional)
{
    public static SpotPairFilters None { get; } = new(null, null, null, null);
}

/// <summary>One pair of Binance spot's exchangeInfo: <c>BASE/QUOTE</c> (bids and asks in quote per base) with its filters.</summary>
public sealed record SpotPair(string Symbol, string BaseAsset, string QuoteAsset, SpotPairStatus Status, SpotPairFilters Filters)
{
    public bool IsTrading => Status == SpotPairStatus.Trading;

    /// <summary>The venue-neutral name used in triangle configuration and tapes: <c>BTC/USDT</c>.</summary>
    public string Name => BaseAsset + "/" + QuoteAsset;

    /// <summary>
    /// The sizing filters (Core) of this pair, or null when it lacks the price or lot filter execution needs.
    /// A MARKET_LOT_SIZE step of 0 means "no market step of its own": LOT_SIZE's applies.
    /// </summary>
    public SymbolFilters? ToSizingFilters()
    {
        if (Filters.Price is not { } price || Filters.LotSize is not { } lot)
        {
            return null;
        }

        var market = Filters.MarketLotSize;
        return new SymbolFilters(
            Symbol,
            price.TickSize,
            lot.StepSize,
            lot.MinQty,
            Filters.Notional?.MinNotional ?? 0m,
            market is { StepSize: > 0m } m ? m.StepSize : null,
            market?.MinQty);
    }
}

/// <summary>Binance spot's exchangeInfo reduced to what triangles need: the pairs, and the request-weight budget.</summary>
public sealed record SpotExchangeInfo(long ServerTime, int? RequestWeightPerMinute, IReadOnlyList<SpotPair> Pairs)
{
    /// <summary>The pair with this exchange symbol (<c>ETHBTC</c>), or null.</summary>
    public SpotPair? Find(string symbol)
    {
        foreach (var p in Pairs)
        {
            if (string.Equals(p.Symbol, symbol, StringComparison.Ordinal))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>The pairs that take orders now (status TRADING), in exchange order.</summary>
    public IReadOnlyList<SpotPair> Trading => Pairs.Where(static p => p.IsTrading).ToArray();
}
