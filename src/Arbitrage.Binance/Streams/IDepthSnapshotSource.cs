using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;

namespace Arbitrage.Binance.Streams;

/// <summary>REST order-book snapshots for <see cref="OrderBookFeed"/> and <see cref="SpotBookFeed"/>.</summary>
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

/// <summary><see cref="IDepthSnapshotSource"/> over <see cref="BinanceRestClient"/>'s spot <c>/api/v3/depth</c>.</summary>
public sealed class SpotRestDepthSnapshots(BinanceRestClient client) : IDepthSnapshotSource
{
    public Task<BinanceResult<DepthSnapshot>> GetAsync(string symbol, int limit, CancellationToken ct) =>
        client.Spot.GetOrderBookAsync(symbol, limit, ct);
}

/// <summary>
/// Snapshots that wait for request weight first: each takes <c>weightOf(limit)</c> from a budget shared by every
/// book of a feed, so resyncing many pairs at once (a reconnect) spreads over time instead of earning a 429.
/// </summary>
public sealed class PacedDepthSnapshots(IDepthSnapshotSource inner, SlidingWindowBudget weight, Func<int, int> weightOf) : IDepthSnapshotSource
{
    public SlidingWindowBudget Weight => weight;

    public async Task<BinanceResult<DepthSnapshot>> GetAsync(string symbol, int limit, CancellationToken ct)
    {
        await weight.TakeAsync(Math.Min(weightOf(limit), weight.Capacity), ct).ConfigureAwait(false);
        return await inner.GetAsync(symbol, limit, ct).ConfigureAwait(false);
    }
}
