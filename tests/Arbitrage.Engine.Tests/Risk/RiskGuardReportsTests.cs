using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Topics;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Risk;

/// <summary>
/// What the guard publishes for the alerts besides its rules (issue 20): each fill of a trade's orders, after it is
/// journaled, and the exchange connection's outages and recoveries as transitions only.
/// </summary>
public sealed class RiskGuardReportsTests(ITestOutputHelper output) : RiskGuardTestKit(output)
{
    [Fact]
    public void Each_fill_is_published_with_its_trade_symbol_strategy_leg_and_how_much_of_the_order_is_filled()
    {
        var guard = StartGuard();
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0));

        var entry = Events.FishForMessage<OrderFillReported>(f => f.Leg == OrderLeg.Entry);
        Assert.Equal(
            (ClientOrderIds.For("t-BTCUSDT-L-1", OrderLeg.Entry), "t-BTCUSDT-L-1", "BTCUSDT", "test", Side.Buy),
            (entry.ClientOrderId, entry.SignalId, entry.Symbol, entry.StrategyId, entry.Side));
        Assert.Equal(1m, entry.Quantity); // R = 2 USD over a 2 USD stop distance: 1 BTC
        Assert.Equal((1m, 1m), (entry.FilledQuantity, entry.OrderQuantity));
        Assert.True(entry.Price >= 100m && entry.FeeUsd > 0m, $"{entry.Price} {entry.FeeUsd}");

        // The stop fills: an exit fill of the same trade, a sell.
        AwaitArmed("t-BTCUSDT-L-1");
        guard.Tell(new MarketTick("BTCUSDT", 97m, T0 + 60_000));
        var stop = Events.FishForMessage<OrderFillReported>(f => f.Leg == OrderLeg.StopLoss);
        Assert.Equal(("t-BTCUSDT-L-1", Side.Sell, 1m), (stop.SignalId, stop.Side, stop.Quantity));
    }

    [Fact]
    public void The_exchange_connection_is_published_once_per_outage_and_once_per_recovery()
    {
        var guard = StartGuard(assumeConnected: false, awaitBalance: false);
        foreach (var up in new[] { true, false, false, true, true, false })
        {
            guard.Tell(new GatewayConnection(up));
        }

        // Duplicates (down, down / up, up) and the first connection are no news: down, up, down.
        var changes = Enumerable.Range(0, 3).Select(_ => Events.FishForMessage<ConnectionChanged>(_ => true)).ToArray();
        Assert.Equal([false, true, false], changes.Select(c => c.Up));
        Assert.All(changes, c => Assert.Equal((ConnectionChanged.Exchange, (string?)null), (c.Connection, c.Symbol)));
    }
}
