using System.Text.Json.Serialization;

namespace Arbitrage.Binance.Rest.Models;

public sealed record AssetBalance
{
    [JsonPropertyName("asset")] public string Asset { get; init; } = "";
    [JsonPropertyName("balance")] public decimal Balance { get; init; }
    [JsonPropertyName("crossWalletBalance")] public decimal CrossWalletBalance { get; init; }
    [JsonPropertyName("crossUnPnl")] public decimal CrossUnrealizedPnl { get; init; }
    [JsonPropertyName("availableBalance")] public decimal AvailableBalance { get; init; }
    [JsonPropertyName("maxWithdrawAmount")] public decimal MaxWithdrawAmount { get; init; }
    [JsonPropertyName("updateTime")] public long UpdateTime { get; init; }
}

public sealed record PositionRisk
{
    [JsonPropertyName("symbol")] public string Symbol { get; init; } = "";
    [JsonPropertyName("positionAmt")] public decimal PositionAmount { get; init; }
    [JsonPropertyName("entryPrice")] public decimal EntryPrice { get; init; }
    [JsonPropertyName("breakEvenPrice")] public decimal BreakEvenPrice { get; init; }
    [JsonPropertyName("markPrice")] public decimal MarkPrice { get; init; }
    [JsonPropertyName("unRealizedProfit")] public decimal UnrealizedProfit { get; init; }
    [JsonPropertyName("liquidationPrice")] public decimal LiquidationPrice { get; init; }
    [JsonPropertyName("leverage")] public int Leverage { get; init; }
    [JsonPropertyName("marginType")] public string? MarginType { get; init; }
    [JsonPropertyName("positionSide")] public string PositionSide { get; init; } = "BOTH";
    [JsonPropertyName("notional")] public decimal Notional { get; init; }
    [JsonPropertyName("updateTime")] public long UpdateTime { get; init; }
}

public sealed record LeverageInfo(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("leverage")] int Leverage,
    [property: JsonPropertyName("maxNotionalValue")] string? MaxNotionalValue);

public enum MarginType { Isolated, Crossed }

/// <summary>What an API key may do (<c>/sapi/v1/account/apiRestrictions</c>). Live mode refuses a key with withdrawals.</summary>
public sealed record ApiRestrictions
{
    [JsonPropertyName("ipRestrict")] public bool IpRestrict { get; init; }
    [JsonPropertyName("enableWithdrawals")] public bool EnableWithdrawals { get; init; }
    [JsonPropertyName("enableInternalTransfer")] public bool EnableInternalTransfer { get; init; }
    [JsonPropertyName("permitsUniversalTransfer")] public bool PermitsUniversalTransfer { get; init; }
    [JsonPropertyName("enableReading")] public bool EnableReading { get; init; }
    [JsonPropertyName("enableFutures")] public bool EnableFutures { get; init; }
    [JsonPropertyName("enableMargin")] public bool EnableMargin { get; init; }
    [JsonPropertyName("enableSpotAndMarginTrading")] public bool EnableSpotAndMarginTrading { get; init; }
    [JsonPropertyName("createTime")] public long CreateTime { get; init; }
}
