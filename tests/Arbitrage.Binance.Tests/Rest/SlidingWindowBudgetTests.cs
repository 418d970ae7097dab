using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.Books;

namespace Arbitrage.Binance.Tests.Rest;

/// <summary>The request-weight / connection-attempt budget, and snapshots paced by it; time is driven by hand.</summary>
public class SlidingWindowBudgetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Units_come_back_when_the_window_slides_past_them()
    {
        var clock = new ManualTimeProvider(T0);
        var budget = new SlidingWindowBudget(100, TimeSpan.FromMinutes(1), clock);

        Assert.True(budget.TryTake(50, out _));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(budget.TryTake(50, out _));
        Assert.False(budget.TryTake(5, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(40), wait); // the first 50 leave the window at 60 s

        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(50, budget.Used);
        Assert.True(budget.TryTake(50, out _));
        Assert.False(budget.TryTake(1, out wait));
        Assert.Equal(TimeSpan.FromSeconds(20), wait);
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.TryTake(101, out _));
    }

    [Fact]
    public async Task Snapshots_of_many_pairs_wait_for_request_weight_in_order()
    {
        // Spot limit 1000 weighs 50: a budget of 100 a minute lets two snapshots through, then one per 30 s of freed weight.
        var clock = new ManualTimeProvider(T0);
        var budget = new SlidingWindowBudget(100, TimeSpan.FromMinutes(1), clock);
        var exchange = new CountingSnapshots();
        var paced = new PacedDepthSnapshots(exchange, budget, l => BinanceSpotApi.DepthWeight(l));

        var first = paced.GetAsync("BTCUSDT", 1000, default);
        clock.Advance(TimeSpan.FromSeconds(30));
        var second = paced.GetAsync("ETHUSDT", 1000, default);
        var third = paced.GetAsync("ETHBTC", 1000, default);
        var fourth = paced.GetAsync("BNBBTC", 100, default); // weight 5, but it queues behind the third

        await Task.WhenAll(first, second);
        await Until(() => budget.Waiting == 2 && clock.ArmedTimers == 1);
        Assert.Equal(["BTCUSDT", "ETHUSDT"], exchange.Asked);
        Assert.False(third.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(29)); // 59 s after the first: its weight is still in the window
        Assert.False(third.IsCompleted);
        Assert.Equal(2, exchange.Asked.Count);

        clock.Advance(TimeSpan.FromSeconds(1));
        await third;
        await Until(() => budget.Waiting == 1 && clock.ArmedTimers == 1); // the fourth sleeps until weight frees
        Assert.Equal(["BTCUSDT", "ETHUSDT", "ETHBTC"], exchange.Asked);
        Assert.False(fourth.IsCompleted); // 100 of 100 used: the 5 must wait for the second snapshot's 50 to leave

        clock.Advance(TimeSpan.FromSeconds(30));
        await fourth;
        Assert.Equal(["BTCUSDT", "ETHUSDT", "ETHBTC", "BNBBTC"], exchange.Asked);
        Assert.Equal(55, budget.Used);
    }

    [Fact]
    public void The_spot_depth_weight_follows_binances_table()
    {
        Assert.Equal([5, 5, 25, 25, 50, 50, 250, 250], new int?[] { null, 100, 101, 500, 501, 1000, 1001, 5000 }.Select(BinanceSpotApi.DepthWeight));
    }

    private static async Task Until(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(1, cts.Token);
        }
    }

    private sealed class CountingSnapshots : IDepthSnapshotSource
    {
        private readonly Lock _gate = new();
        private readonly List<string> _asked = [];

        public List<string> Asked
        {
            get { lock (_gate) return [.. _asked]; }
        }

        public Task<BinanceResult<DepthSnapshot>> GetAsync(string symbol, int limit, CancellationToken ct)
        {
            lock (_gate) _asked.Add(symbol);
            return Task.FromResult(BinanceResult<DepthSnapshot>.Ok(new DepthSnapshot(1, 0, 0, Array.Empty<PriceLevel>(), Array.Empty<PriceLevel>())));
        }
    }
}
