namespace Arbitrage.Core.Funding;

/// <summary>
/// One mark-price observation of a perpetual (Binance <c>markPriceUpdate</c>): mark, index (the spot proxy), the
/// funding rate predicted for the settlement at <see cref="NextFundingTimeMs"/>. <c>decimal</c>: exact exchange strings,
/// and settlements are money.
/// </summary>
public sealed record MarkPriceQuote(
    string Symbol,
    long EventTimeMs,
    decimal MarkPrice,
    decimal IndexPrice,
    decimal EstimatedSettlePrice,
    decimal PredictedRate,
    long NextFundingTimeMs)
{
    /// <summary>(mark − index) / index; 0 when the index is not known.</summary>
    public decimal Basis => IndexPrice == 0m ? 0m : (MarkPrice - IndexPrice) / IndexPrice;
}
