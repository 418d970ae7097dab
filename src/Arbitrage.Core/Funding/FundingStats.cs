namespace Arbitrage.Core.Funding;

/// <summary>
/// Funding statistics of one symbol at event time <c>now</c> (ARCHITECTURE.md §6), from settlements at
/// or before now only (no look-ahead in replays). Rates are per settlement; annualised values are
/// fractions per year (0.1 = 10 %/yr): <c>mean × settlements per day × 365</c>.
/// </summary>
/// <param name="IntervalHours">Settlement interval used; null when it could not be inferred.</param>
/// <param name="SettlementsPerDay">24 / IntervalHours.</param>
/// <param name="Last">Latest settlement at or before now.</param>
/// <param name="Mean7d">Mean rate of the settlements in (now − 7 d, now].</param>
/// <param name="Count7d">How many settlements that window holds.</param>
/// <param name="Annualised7d">Mean7d × SettlementsPerDay × 365.</param>
/// <param name="YtdMean">Mean rate of the settlements in [1 Jan 00:00 UTC of now's year, now].</param>
/// <param name="YtdCount">How many settlements that holds.</param>
/// <param name="YtdAnnualised">YtdMean × SettlementsPerDay × 365.</param>
public sealed record FundingStats(
    int? IntervalHours,
    decimal? SettlementsPerDay,
    FundingSettlement? Last,
    decimal? Mean7d,
    int Count7d,
    decimal? Annualised7d,
    decimal? YtdMean,
    int YtdCount,
    decimal? YtdAnnualised)
{
    public const long WeekMs = 7 * 86_400_000L;

    /// <summary>Statistics with the interval the exchange reports for the symbol.</summary>
    public static FundingStats Compute(IReadOnlyList<FundingSettlement> settlements, long nowMs, int intervalHours)
    {
        FundingInterval.SettlementsPerDay(intervalHours); // validates
        return ComputeCore(settlements, nowMs, intervalHours);
    }

    /// <summary>Statistics with the interval inferred from the history (<see cref="FundingInterval.InferHours"/>).</summary>
    public static FundingStats Compute(IReadOnlyList<FundingSettlement> settlements, long nowMs) =>
        ComputeCore(settlements, nowMs, FundingInterval.InferHours(settlements, nowMs));

    /// <summary>A per-settlement rate as a yearly fraction: rate × settlements per day × 365.</summary>
    public static decimal Annualise(decimal ratePerSettlement, decimal settlementsPerDay) =>
        ratePerSettlement * settlementsPerDay * 365m;

    /// <summary>Start of 1 January (UTC) of the year containing <paramref name="ms"/>.</summary>
    public static long StartOfUtcYear(long ms)
    {
        var year = DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.Year;
        return new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    }

    /// <summary>Number of leading settlements with TimeMs ≤ <paramref name="nowMs"/> (binary search; input sorted).</summary>
    internal static int CountAtOrBefore(IReadOnlyList<FundingSettlement> s, long nowMs)
    {
        int lo = 0, hi = s.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (s[mid].TimeMs <= nowMs) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static FundingStats ComputeCore(IReadOnlyList<FundingSettlement> settlements, long nowMs, int? intervalHours)
    {
        ArgumentNullException.ThrowIfNull(settlements);
        for (var i = 1; i < settlements.Count; i++)
        {
            if (settlements[i].TimeMs <= settlements[i - 1].TimeMs)
                throw new ArgumentException($"settlements must be strictly increasing in time (index {i})", nameof(settlements));
        }

        var end = CountAtOrBefore(settlements, nowMs);
        var weekStart = nowMs - WeekMs;        // exclusive
        var yearStart = StartOfUtcYear(nowMs); // inclusive
        decimal sum7 = 0m, sumYtd = 0m;
        int n7 = 0, nYtd = 0;
        for (var i = end - 1; i >= 0; i--)
        {
            var s = settlements[i];
            if (s.TimeMs < yearStart && s.TimeMs <= weekStart) break;
            if (s.TimeMs > weekStart) { sum7 += s.Rate; n7++; }
            if (s.TimeMs >= yearStart) { sumYtd += s.Rate; nYtd++; }
        }

        decimal? perDay = intervalHours is { } h ? FundingInterval.SettlementsPerDay(h) : null;
        decimal? mean7 = n7 > 0 ? sum7 / n7 : null;
        decimal? meanYtd = nYtd > 0 ? sumYtd / nYtd : null;
        return new FundingStats(
            intervalHours,
            perDay,
            end > 0 ? settlements[end - 1] : null,
            mean7,
            n7,
            mean7 is { } m7 && perDay is { } d7 ? Annualise(m7, d7) : null,
            meanYtd,
            nYtd,
            meanYtd is { } my && perDay is { } dy ? Annualise(my, dy) : null);
    }
}
