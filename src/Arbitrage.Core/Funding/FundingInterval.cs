namespace Arbitrage.Core.Funding;

/// <summary>
/// The settlement interval of a perpetual. It is per symbol and changes over time (Binance moves
/// symbols between 8 h, 4 h and 1 h), so it is data: the exchange's <c>fundingIntervalHours</c>,
/// inferred from the history, or seen in a roll of the stream (<see cref="FundingRoll"/>). Never assume 8 h.
/// </summary>
public static class FundingInterval
{
    private const long HourMs = 3_600_000;

    /// <summary>How many spacings of the recent history the inference looks at.</summary>
    public const int InferenceWindow = 21;

    /// <summary>Settlements per day for an interval of <paramref name="intervalHours"/> (8 h → 3, 4 h → 6).</summary>
    public static decimal SettlementsPerDay(int intervalHours)
    {
        if (intervalHours is < 1 or > 24)
            throw new ArgumentOutOfRangeException(nameof(intervalHours), intervalHours, "funding interval must be 1–24 hours");
        return 24m / intervalHours;
    }

    /// <summary>A per-settlement rate as a yearly fraction at an interval of <paramref name="intervalHours"/>: rate × settlements per day × 365.</summary>
    public static decimal Annualise(decimal ratePerSettlement, int intervalHours) =>
        FundingStats.Annualise(ratePerSettlement, SettlementsPerDay(intervalHours));

    /// <summary>
    /// The interval in whole hours from the median spacing of the last <see cref="InferenceWindow"/>
    /// spacings of settlements at or before <paramref name="nowMs"/> (the median ignores a missed or
    /// extra settlement). Null with fewer than two settlements.
    /// </summary>
    public static int? InferHours(IReadOnlyList<FundingSettlement> settlements, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(settlements);
        var end = FundingStats.CountAtOrBefore(settlements, nowMs);
        var n = Math.Min(end - 1, InferenceWindow);
        if (n < 1) return null;
        var gaps = new long[n];
        for (var i = 0; i < n; i++)
            gaps[i] = settlements[end - n + i].TimeMs - settlements[end - n + i - 1].TimeMs;
        Array.Sort(gaps);
        var median = n % 2 == 1 ? gaps[n / 2] : (gaps[n / 2 - 1] + gaps[n / 2]) / 2;
        var hours = (int)Math.Round((double)median / HourMs, MidpointRounding.AwayFromZero);
        return hours is >= 1 and <= 24 ? hours : null;
    }
}
