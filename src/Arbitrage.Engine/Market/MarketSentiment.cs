using Arbitrage.Binance.Rest;

namespace Arbitrage.Engine.Market;

/// <summary>Positioning data Binance publishes per period: long/short account ratio and open interest.</summary>
/// <param name="LongShortRatio">Latest global long/short account ratio.</param>
/// <param name="LongShortRatioChangePct">Its change over the last period, in percent.</param>
/// <param name="OpenInterestChangePct">Open interest change over the last period, in percent.</param>
public sealed record SentimentSample(double? LongShortRatio, double? LongShortRatioChangePct, double? OpenInterestChangePct)
{
    /// <summary>Percent change from <paramref name="previous"/> to <paramref name="last"/>; null when undefined.</summary>
    public static double? ChangePct(decimal? previous, decimal? last) =>
        previous is { } p && last is { } l && p != 0m ? (double)((l / p) - 1m) * 100.0 : null;
}

/// <summary>Where the strategies' positioning inputs come from (polled; these are 5-minute series).</summary>
public interface IMarketSentimentSource
{
    Task<SentimentSample> GetAsync(string symbol, CancellationToken ct);
}

/// <summary>
/// <c>/futures/data/globalLongShortAccountRatio</c> and <c>/futures/data/openInterestHist</c>, period 5m,
/// the last two points of each. A failed call leaves that input null (the strategy scores it "missing").
/// </summary>
public sealed class BinanceSentimentSource(BinanceRestClient client) : IMarketSentimentSource
{
    public async Task<SentimentSample> GetAsync(string symbol, CancellationToken ct)
    {
        var ratios = await client.ExchangeData.GetGlobalLongShortAccountRatioAsync(symbol, "5m", limit: 2, ct: ct).ConfigureAwait(false);
        var oi = await client.ExchangeData.GetOpenInterestHistoryAsync(symbol, "5m", limit: 2, ct: ct).ConfigureAwait(false);

        double? ratio = null, ratioChange = null, oiChange = null;
        if (ratios.Success && ratios.Data!.Count > 0)
        {
            var r = ratios.Data.OrderBy(x => x.Timestamp).ToArray();
            ratio = (double)r[^1].LongShortRatio;
            ratioChange = r.Length > 1 ? SentimentSample.ChangePct(r[^2].LongShortRatio, r[^1].LongShortRatio) : null;
        }

        if (oi.Success && oi.Data!.Count > 1)
        {
            var o = oi.Data.OrderBy(x => x.Timestamp).ToArray();
            oiChange = SentimentSample.ChangePct(o[^2].SumOpenInterest, o[^1].SumOpenInterest);
        }

        return new SentimentSample(ratio, ratioChange, oiChange);
    }
}
