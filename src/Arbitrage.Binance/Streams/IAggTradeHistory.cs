using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Binance.Streams;

/// <summary>Trades by id for the gap-free catch-up after a reconnect (<c>GET /fapi/v1/aggTrades?fromId=</c>).</summary>
public interface IAggTradeHistory
{
    /// <summary>Up to <paramref name="limit"/> trades with id ≥ <paramref name="fromId"/>, ascending; empty when none exist yet.</summary>
    Task<BinanceResult<IReadOnlyList<Trade>>> GetFromAsync(string symbol, long fromId, int limit, CancellationToken ct);
}

/// <summary><see cref="IAggTradeHistory"/> over <see cref="BinanceRestClient"/> (USD-M <c>/fapi/v1/aggTrades</c>).</summary>
public sealed class RestAggTradeHistory(BinanceRestClient client) : IAggTradeHistory
{
    public async Task<BinanceResult<IReadOnlyList<Trade>>> GetFromAsync(string symbol, long fromId, int limit, CancellationToken ct)
    {
        var r = await client.ExchangeData.GetAggTradesAsync(new AggTradesQuery(symbol, FromId: fromId, Limit: limit), ct).ConfigureAwait(false);
        if (!r.Success)
        {
            return BinanceResult<IReadOnlyList<Trade>>.Fail(r.Error!);
        }

        var trades = new Trade[r.Data!.Count];
        for (var i = 0; i < trades.Length; i++)
        {
            var a = r.Data[i];
            trades[i] = new Trade(a.AggId, (double)a.Price, (double)a.Quantity, a.TimeMs, a.IsBuyerMaker);
        }

        return BinanceResult<IReadOnlyList<Trade>>.Ok(trades);
    }
}
