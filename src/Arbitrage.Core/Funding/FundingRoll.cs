namespace Arbitrage.Core.Funding;

/// <summary>
/// The settlement rule of the mark-price stream, the one place it is written (ARCHITECTURE §6). When the next funding
/// time moves forward from <c>T</c> to <c>T'</c>, a settlement happened at <c>T</c> at the rate last predicted for it
/// (an estimate until the settled history confirms it), and <c>T' − T</c>, when it is a whole number of hours from 1 to
/// 24, is the symbol's settlement interval.
/// </summary>
/// <param name="Settlement">At the old next funding time, with the rate predicted for it.</param>
/// <param name="IntervalHours">The spacing of the two funding times; null when it is not 1–24 whole hours (a skipped or irregular settlement says nothing about the interval).</param>
public readonly record struct FundingRoll(FundingSettlement Settlement, int? IntervalHours)
{
    private const long HourMs = 3_600_000;

    /// <summary>The roll between two consecutive observations, or null when the next funding time did not move forward.</summary>
    /// <param name="nextFundingBeforeMs">Next funding time of the earlier observation.</param>
    /// <param name="predictedRateBefore">Rate the earlier observation predicted for that time.</param>
    /// <param name="nextFundingAfterMs">Next funding time of the later observation.</param>
    public static FundingRoll? Between(long nextFundingBeforeMs, decimal predictedRateBefore, long nextFundingAfterMs)
    {
        if (nextFundingAfterMs <= nextFundingBeforeMs) return null;
        var gap = nextFundingAfterMs - nextFundingBeforeMs;
        int? hours = gap % HourMs == 0 && gap / HourMs is >= 1 and <= 24 ? (int)(gap / HourMs) : null;
        return new FundingRoll(new FundingSettlement(nextFundingBeforeMs, predictedRateBefore), hours);
    }

    /// <inheritdoc cref="Between(long, decimal, long)"/>
    public static FundingRoll? Between(MarkPriceQuote before, MarkPriceQuote after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return Between(before.NextFundingTimeMs, before.PredictedRate, after.NextFundingTimeMs);
    }
}
