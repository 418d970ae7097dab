using Arbitrage.Binance.Tapes;
using Arbitrage.Core.MarketData;
using Arbitrage.Engine.Recording;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Recording;

public sealed class AggTradeStoreTests
{
    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Batches_of_real_trades_round_trip_in_agg_id_order_and_reinserting_is_a_no_op(string backend)
    {
        var db = TestDatabases.ByName(backend, out var dir);
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var store = new AggTradeStore(db);
            await store.EnsureSchemaAsync();
            await store.EnsureSchemaAsync(); // idempotent

            var symbol = "T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
            var trades = TapeReader.ReadTrades(Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv"))
                .Select(t => t.Trade).Take(3000).ToArray();

            Assert.Equal(2000, await store.InsertAsync(symbol, trades.AsMemory(0, 2000)));
            // Overlap (a recorder restarting mid-batch): only the 1000 new rows count.
            Assert.Equal(1000, await store.InsertAsync(symbol, trades.AsMemory(1000, 2000)));

            var back = new List<Trade>();
            var from = long.MinValue;
            while (true)
            {
                var page = await store.ReadAsync(symbol, from, 700);
                if (page.Count == 0)
                {
                    break;
                }

                back.AddRange(page);
                from = page[^1].AggId + 1;
            }

            Assert.Equal(trades, back);
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_time_range_reads_its_trades_in_agg_id_order_and_the_newest_time_is_the_last_trades(string backend)
    {
        var db = TestDatabases.ByName(backend, out var dir);
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var store = new AggTradeStore(db);
            await store.EnsureSchemaAsync();
            var symbol = "T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
            Assert.Null(await store.NewestTimeAsync(symbol));
            var trades = TapeReader.ReadTrades(Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv"))
                .Select(t => t.Trade).Take(3000).ToArray();
            await store.InsertAsync(symbol, trades);

            Assert.Equal(trades.Max(t => t.TimeMs), await store.NewestTimeAsync(symbol));
            var from = trades[500].TimeMs;
            var to = trades[2500].TimeMs;
            var back = new List<Trade>();
            await foreach (var t in store.ReadTimeRangeAsync(symbol, from, to))
            {
                back.Add(t);
            }

            // [from, to): the lower bound in, the upper out.
            Assert.Equal(trades.Where(t => t.TimeMs >= from && t.TimeMs < to).OrderBy(t => t.AggId), back);
            Assert.Contains(back, t => t.TimeMs == from);
            Assert.DoesNotContain(back, t => t.TimeMs == to);
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }
}
