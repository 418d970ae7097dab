using System.Text.Json.Serialization;
using Arbitrage.Core.Books;

namespace Arbitrage.Binance.Rest.Models;

/// <summary>The trading rules of one symbol that order sizing needs (from exchangeInfo filters).</summary>
public sealed record SymbolRules(
    string Symbol,
    string Status,
    string BaseAsset,
    string QuoteAsset,
    decimal TickSize,
    decimal MinPrice,
    decimal MaxPrice,
    decimal StepSize,
    decimal MinQty,
    decimal MaxQty,
    decimal MarketStepSize,
    decimal MarketMinQty,
    decimal MarketMaxQty,
    decimal MinNotional,
    IReadOnlyList<string> OrderTypes);

public sealed record ExchangeInfo(long ServerTime, IReadOnlyList<SymbolRules> Symbols)
{
    public SymbolRules? Find(string symbol) => Symbols.FirstOrDefault(s => s.Symbol == symbol);
}

/// <summary>REST depth snapshot; bridge it to the diff stream with <see cref="LastUpdateId"/>.</summary>
public sealed record DepthSnapshot(long LastUpdateId, long EventTime, long TransactionTime,
    IReadOnlyList<PriceLevel> Bids, IReadOnlyList<PriceLevel> Asks);

public sealed record AggTradeRecord(
    [property: JsonPropertyName("a")] long AggId,
    [property: JsonPropertyName("p")] decimal Price,
    [property: JsonPropertyName("q")] decimal Quantity,
    [property: JsonPropertyName("f")] long FirstTradeId,
    [property: JsonPropertyName("l")] long LastTradeId,
    [property: JsonPropertyName("T")] long TimeMs,
    [property: JsonPropertyName("m")] bool IsBuyerMaker);

public sealed record PremiumIndex(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("markPrice")] decimal MarkPrice,
    [property: JsonPropertyName("indexPrice")] decimal IndexPrice,
    [property: JsonPropertyName("estimatedSettlePrice")] decimal EstimatedSettlePrice,
    [property: JsonPropertyName("lastFundingRate")] decimal LastFundingRate,
    [property: JsonPropertyName("interestRate")] decimal InterestRate,
    [property: JsonPropertyName("nextFundingTime")] long NextFundingTime,
    [property: JsonPropertyName("time")] long Time);

public sealed record FundingRateRecord(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("fundingRate")] decimal FundingRate,
    [property: JsonPropertyName("fundingTime")] long FundingTime,
    [property: JsonPropertyName("markPrice")] string? MarkPrice);

public sealed record OpenInterestHistRecord(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("sumOpenInterest")] decimal SumOpenInterest,
    [property: JsonPropertyName("sumOpenInterestValue")] decimal SumOpenInterestValue,
    [property: JsonPropertyName("timestamp")] long Timestamp);

public sealed record LongShortRatioRecord(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("longShortRatio")] decimal LongShortRatio,
    [property: JsonPropertyName("longAccount")] decimal LongAccount,
    [property: JsonPropertyName("shortAccount")] decimal ShortAccount,
    [property: JsonPropertyName("timestamp")] long Timestamp);

public sealed record TakerVolumeRecord(
    [property: JsonPropertyName("buySellRatio")] decimal BuySellRatio,
    [property: JsonPropertyName("buyVol")] decimal BuyVolume,
    [property: JsonPropertyName("sellVol")] decimal SellVolume,
    [property: JsonPropertyName("timestamp")] long Timestamp);

/// <summary>Query of <c>/fapi/v1/aggTrades</c>: by id (<see cref="FromId"/>) or by time window (at most 1 h).</summary>
public sealed record AggTradesQuery(string Symbol, long? FromId = null, long? StartTime = null, long? EndTime = null, int? Limit = null);
