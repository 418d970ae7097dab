using Arbitrage.Core.Funding;

namespace Arbitrage.Engine.Funding;

/// <summary>Settled funding history, paged forward in time (REST <c>fundingRate</c> in production, fakes in tests).</summary>
public interface IFundingHistorySource
{
    /// <summary>
    /// Settlements of <paramref name="symbol"/> with time in [<paramref name="fromMs"/>, <paramref name="toMs"/>], ascending,
    /// at most <paramref name="limit"/>. Throws <see cref="FundingSourceException"/> on an exchange error.
    /// </summary>
    Task<IReadOnlyList<FundingRateRecord>> GetPageAsync(string symbol, long fromMs, long toMs, int limit, CancellationToken ct);

    /// <summary>The exchange's <c>fundingIntervalHours</c> for the symbol, or null when it does not say (then the interval is inferred).</summary>
    Task<int?> GetIntervalHoursAsync(string symbol, CancellationToken ct);
}

/// <summary>The history source failed (rate limit, network, exchange error); the message is the exchange's.</summary>
public sealed class FundingSourceException(string message) : Exception(message);
