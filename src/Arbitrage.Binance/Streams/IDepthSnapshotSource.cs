using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;

namespace Arbitrage.Binance.Streams;

/// <summary>REST order-book snapshots for <see cref="OrderBookFeed"/> (futures <c>/fapi/v1/depth</c>; spot needs its own).</summary>
public interface IDepthSnapshotSource
{
    Task<BinanceResult<DepthSnapshot>> GetAsync(string symbol, int limit, CancellationToken ct);
}

/// <summary><see cref="IDepthSnapshotSource"/> over <see cref="BinanceRestClient"/> (USD-M <c>/fapi/v1/depth</c>).</summary>
public sealed class RestDepthSnapshots(BinanceRestClient client) : IDepthSnapshotSource
{
    public Task<BinanceResult<DepthSnapshot>> GetAsync(string symbol, int limit, CancellationToken ct) =>
        client.ExchangeData.GetOrderBookAsync(symbol, limit, ct);
}
