using Arbitrage.Binance.Rest;
using Arbitrage.Core.Funding;

namespace Arbitrage.Engine.Funding;

/// <summary>
/// <see cref="IFundingHistorySource"/> over Binance USD-M REST <c>GET /fapi/v1/fundingRate</c>. The REST
/// client has no <c>fundingInfo</c> call yet, so the interval is left to inference from the history.
/// </summary>
public sealed class BinanceFundingHistorySource(BinanceExchangeDataApi api) : IFundingHistorySource
{
    public async Task<IReadOnlyList<FundingRateRecord>> GetPageAsync(string symbol, long fromMs, long toMs, int limit, CancellationToken ct)
    {
        var page = await api.GetFundingRatesAsync(symbol, fromMs, toMs, limit, ct).ConfigureAwait(false);
        if (!page.Success)
        {
            throw new FundingSourceException($"GET /fapi/v1/fundingRate {symbol} from {fromMs}: {page.Error}");
        }

        var rows = new FundingRateRecord[page.Data!.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var r = page.Data[i];
            rows[i] = new FundingRateRecord(r.Symbol, r.FundingTime, r.FundingRate);
        }

        return rows;
    }

    public Task<int?> GetIntervalHoursAsync(string symbol, CancellationToken ct) => Task.FromResult<int?>(null);
}
