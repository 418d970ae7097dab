namespace Arbitrage.Core.Strategies;

/// <summary>
/// What a strategy sees of a symbol besides its trades, as last reported by the other feeds at the tick.
/// Every field is nullable: null = the feed has not reported (or is stale); the signal that needs it scores 0
/// and its breakdown entry says "missing".
/// </summary>
/// <param name="LongShortRatio">Binance global long/short account ratio (long accounts ÷ short accounts), &gt; 0.</param>
/// <param name="LongShortRatioChangePct">Change of that ratio over the feed's last period, in percent (+3 = rose 3 %).</param>
/// <param name="OpenInterestChangePct">Open-interest change over the feed's last period, in percent.</param>
/// <param name="CoinbasePremiumPct">(Coinbase spot − Binance price) ÷ Binance price × 100.</param>
/// <param name="FundingRate">Predicted funding rate per funding interval as a fraction (0.0001 = 0.01 %), as in markPrice@1s.</param>
/// <param name="LiquidatedLongUsd">USD notional of LONG positions liquidated in the engine's liquidation window
/// (forceOrder side SELL).</param>
/// <param name="LiquidatedShortUsd">USD notional of SHORT positions liquidated in the same window (forceOrder side BUY).</param>
public sealed record MarketInputs(
    double? LongShortRatio = null,
    double? LongShortRatioChangePct = null,
    double? OpenInterestChangePct = null,
    double? CoinbasePremiumPct = null,
    double? FundingRate = null,
    double? LiquidatedLongUsd = null,
    double? LiquidatedShortUsd = null)
{
    /// <summary>No feed has reported anything.</summary>
    public static MarketInputs Empty { get; } = new();
}
