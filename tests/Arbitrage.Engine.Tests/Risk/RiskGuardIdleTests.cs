using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Risk;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Risk;

/// <summary>
/// <see cref="AwaitRiskIdle"/>: the step barrier of event-time drivers (replay --trades-out). It must not
/// answer before the executor has journaled its decisions, handled the paper gateway's answers and the
/// guard has heard its reports — no polling needed after it.
/// </summary>
public sealed class RiskGuardIdleTests(ITestOutputHelper output) : RiskGuardTestKit(output)
{
    private const long Minute = 60_000;

    [Fact]
    public async Task Idle_answers_only_after_the_entry_is_filled_the_bracket_armed_and_the_position_reported()
    {
        var guard = StartGuard();
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + Minute));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0 + Minute));
        var status = await guard.Ask<RiskStatus>(new AwaitRiskIdle(), TimeSpan.FromSeconds(10));

        // No AwaitCondition: everything the signal caused is done when the barrier answers.
        Assert.Contains(PaperOrders(), o => o.ClientOrderId == ClientOrderIds.For("t-BTCUSDT-L-1", OrderLeg.Entry) && o.Status == GatewayOrderStatus.Filled);
        Assert.Equal(
            new[] { ClientOrderIds.For("t-BTCUSDT-L-1", OrderLeg.StopLoss), ClientOrderIds.For("t-BTCUSDT-L-1", OrderLeg.TakeProfit1), ClientOrderIds.For("t-BTCUSDT-L-1", OrderLeg.TakeProfit2) }
                .Order(StringComparer.Ordinal).ToArray(),
            PaperOpenOrders().Select(o => o.ClientOrderId).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["BTCUSDT"], status.Positions.Select(p => p.Symbol));
    }

    [Fact]
    public async Task Idle_answers_only_after_a_triggered_stop_closed_the_trade_and_the_guard_counted_it()
    {
        var guard = StartGuard();
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + Minute));
        guard.Tell(LongBtc("t-BTCUSDT-L-1", T0 + Minute));
        await guard.Ask<RiskStatus>(new AwaitRiskIdle(), TimeSpan.FromSeconds(10));

        guard.Tell(new MarketTick("BTCUSDT", 1m, T0 + 2 * Minute)); // through the stop
        var status = await guard.Ask<RiskStatus>(new AwaitRiskIdle(), TimeSpan.FromSeconds(10));

        Assert.Empty(status.Positions);
        Assert.Empty(PaperOpenOrders());
        Assert.Equal(1, status.State.ConsecutiveLosses);
        Events.FishForMessage<TradeClosed>(c => c.SignalId == "t-BTCUSDT-L-1" && c.ExitReason == ExitReason.StopLoss);
    }
}
