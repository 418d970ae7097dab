namespace Arbitrage.Core.Funding;

/// <summary>
/// One settled funding payment of a perpetual: at <see cref="TimeMs"/> longs pay shorts
/// <c>notional × Rate</c> (shorts pay longs when negative). <c>decimal</c>: the exchange publishes
/// rates as exact decimal strings and the accrual is money.
/// </summary>
public readonly record struct FundingSettlement(long TimeMs, decimal Rate);

/// <summary>A funding history row: symbol as written in the source, settlement time in UTC ms, rate.</summary>
public sealed record FundingRateRecord(string Symbol, long TimeMs, decimal Rate)
{
    public FundingSettlement Settlement => new(TimeMs, Rate);
}
