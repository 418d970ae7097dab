using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Engine.Recording;

/// <summary>
/// Catch-up after an outage: first from our own <c>agg_trades</c> table (cheap, no request weight), then
/// from REST once the table has nothing contiguous at the requested id.
/// </summary>
public sealed class StoredThenRestHistory(AggTradeStore store, IAggTradeHistory rest) : IAggTradeHistory
{
    public async Task<BinanceResult<IReadOnlyList<Trade>>> GetFromAsync(string symbol, long fromId, int limit, CancellationToken ct)
    {
        try
        {
            var stored = await store.ReadAsync(symbol, fromId, limit, ct).ConfigureAwait(false);
            if (stored.Count > 0 && stored[0].AggId == fromId)
            {
                // Only the contiguous prefix: a hole in the table is filled from REST next time.
                var n = 1;
                while (n < stored.Count && stored[n].AggId == stored[n - 1].AggId + 1)
                {
                    n++;
                }

                return BinanceResult<IReadOnlyList<Trade>>.Ok(n == stored.Count ? stored : stored.Take(n).ToArray());
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The table is an optimisation (a database blip must not stall the catch-up); REST is the source of truth.
        }

        return await rest.GetFromAsync(symbol, fromId, limit, ct).ConfigureAwait(false);
    }
}
