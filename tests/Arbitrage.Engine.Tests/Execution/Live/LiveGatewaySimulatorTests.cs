using Akka.TestKit;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Execution;
using Arbitrage.Simulator.Control;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Execution.Live;

/// <summary>LiveGateway against the in-process Binance simulator on 127.0.0.1: REST orders, user-data fills, faults.</summary>
public sealed class LiveGatewaySimulatorTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private const string Btc = LiveTape.Symbol;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static OrderRequest Market(string id, Side side, decimal qty, bool reduceOnly = false) =>
        new(id, Btc, side, OrderType.Market, qty, null, reduceOnly);

    private static OrderRequest Conditional(string id, OrderType type, Side side, decimal qty, decimal stop) =>
        new(id, Btc, side, type, qty, stop, ReduceOnly: true);

    private async Task<OrderUpdate> NextUpdateAsync(TestProbe probe, string clientOrderId, GatewayOrderStatus status) =>
        await probe.FishForMessageAsync<OrderUpdate>(u => u.Order.ClientOrderId == clientOrderId && u.Order.Status == status, Wait);

    [Fact]
    public async Task Market_stop_and_take_profit_round_trip_with_fills_told_to_the_listener()
    {
        await using var sim = await LiveSim.StartAsync(new LiveTape().Trades(100m, 101m, 103.5m, 97m));
        var listener = CreateTestProbe();
        sim.Gateway.Subscribe(listener.Ref);
        sim.Host.Control.Step(2); // last 101

        var entry = await sim.Gateway.PlaceAsync(Market("e-1", Side.Buy, 1m));
        Assert.True(entry.Success, entry.Error?.ToString());
        Assert.Equal((GatewayOrderStatus.Filled, 1m, 101m, OrderType.Market), (entry.Value!.Status, entry.Value.FilledQuantity, entry.Value.AveragePrice, entry.Value.Type));
        Assert.Equal(101m * LiveSim.TakerRate, entry.Value.FeeUsd); // the answer waited for the stream's commission

        var fill = await NextUpdateAsync(listener, "e-1", GatewayOrderStatus.Filled);
        Assert.Equal((1m, 101m, 101m * LiveSim.TakerRate), (fill.LastFillQuantity, fill.LastFillPrice, fill.LastFillFeeUsd));
        Assert.Equal((1m, 101m, 101m * LiveSim.TakerRate), (fill.Order.FilledQuantity, fill.Order.AveragePrice, fill.Order.FeeUsd));
        Assert.Equal(Side.Buy, fill.Order.Side);

        var sl = await sim.Gateway.PlaceAsync(Conditional("s-1", OrderType.StopMarket, Side.Sell, 1m, 98m));
        var tp = await sim.Gateway.PlaceAsync(Conditional("t-1", OrderType.TakeProfitMarket, Side.Sell, 1m, 103m));
        Assert.True(sl.Success && tp.Success, $"{sl.Error} {tp.Error}");
        Assert.Equal((GatewayOrderStatus.New, OrderType.StopMarket, 98m, true), (sl.Value!.Status, sl.Value.Type, sl.Value.StopPrice, sl.Value.ReduceOnly));
        Assert.Equal((GatewayOrderStatus.New, OrderType.TakeProfitMarket, 103m), (tp.Value!.Status, tp.Value.Type, tp.Value.StopPrice));

        var queried = await sim.Gateway.QueryAsync(Btc, "s-1");
        Assert.Equal((GatewayOrderStatus.New, OrderType.StopMarket, Side.Sell, 1m, 98m), (queried.Value!.Status, queried.Value.Type, queried.Value.Side, queried.Value.Quantity, queried.Value.StopPrice));
        var open = await sim.Gateway.OpenOrdersAsync();
        Assert.Equal(["s-1", "t-1"], open.Value!.Select(o => o.ClientOrderId).Order().ToArray());

        sim.Host.Control.Step(1); // 103.5 crosses the take-profit
        var tpFill = await NextUpdateAsync(listener, "t-1", GatewayOrderStatus.Filled);
        Assert.Equal((OrderType.TakeProfitMarket, 1m, 103.5m, 103.5m * LiveSim.TakerRate), (tpFill.Order.Type, tpFill.LastFillQuantity, tpFill.LastFillPrice, tpFill.LastFillFeeUsd));
        Assert.Equal(GatewayOrderStatus.Filled, (await sim.Gateway.QueryAsync(Btc, "t-1")).Value!.Status);

        var canceled = await sim.Gateway.CancelAsync(Btc, "s-1");
        Assert.Equal(GatewayOrderStatus.Canceled, canceled.Value!.Status);
        await NextUpdateAsync(listener, "s-1", GatewayOrderStatus.Canceled);
        Assert.Equal(GatewayErrorKind.NotFound, (await sim.Gateway.CancelAsync(Btc, "s-1")).Error!.Kind);
        Assert.Equal(GatewayErrorKind.NotFound, (await sim.Gateway.CancelAsync(Btc, "t-1")).Error!.Kind); // filled
        Assert.Equal(GatewayErrorKind.NotFound, (await sim.Gateway.QueryAsync(Btc, "never-sent")).Error!.Kind);
        Assert.Empty((await sim.Gateway.OpenOrdersAsync()).Value!);
        Assert.Empty((await sim.Gateway.PositionsAsync()).Value!);

        // 1 long 101 → 103.5: +2.5, fees 0.0505 + 0.05175.
        Assert.Equal(10_000m + 2.5m - 0.0505m - 0.05175m, sim.Host.Exchange.WalletBalance());
        Assert.Equal(sim.Host.Exchange.WalletBalance(), (await sim.Gateway.BalanceAsync()).Value);
    }

    [Fact]
    public async Task Stop_market_fill_on_a_short_and_positions_and_balance_match_the_simulator()
    {
        await using var sim = await LiveSim.StartAsync(new LiveTape().Trades(100m, 101m, 102.5m));
        var listener = CreateTestProbe();
        sim.Gateway.Subscribe(listener.Ref);
        sim.Host.Control.Step(1);

        Assert.True((await sim.Gateway.PlaceAsync(Market("short-e", Side.Sell, 2m))).Success);
        var positions = (await sim.Gateway.PositionsAsync()).Value!;
        var p = Assert.Single(positions);
        Assert.Equal((Btc, -2m, 100m), (p.Symbol, p.Quantity, p.EntryPrice));
        var sp = sim.Host.Exchange.Position(Btc);
        Assert.Equal((sp.Amount, sp.EntryPrice), (p.Quantity, p.EntryPrice));
        Assert.Equal(sim.Host.Exchange.AvailableBalance(), (await sim.Gateway.BalanceAsync()).Value);
        Assert.True(sim.Host.Exchange.AvailableBalance() < sim.Host.Exchange.WalletBalance(), "margin is held");

        Assert.True((await sim.Gateway.PlaceAsync(Conditional("short-s", OrderType.StopMarket, Side.Buy, 2m, 102m))).Success);
        sim.Host.Control.Step(1); // 101: not yet
        Assert.Equal(GatewayOrderStatus.New, (await sim.Gateway.QueryAsync(Btc, "short-s")).Value!.Status);
        sim.Host.Control.Step(1); // 102.5: through the stop
        var stop = await NextUpdateAsync(listener, "short-s", GatewayOrderStatus.Filled);
        Assert.Equal((Side.Buy, OrderType.StopMarket, 2m, 102.5m), (stop.Order.Side, stop.Order.Type, stop.Order.FilledQuantity, stop.LastFillPrice));
        Assert.Equal(2m * 102.5m * LiveSim.TakerRate, stop.LastFillFeeUsd);

        Assert.Empty((await sim.Gateway.PositionsAsync()).Value!);
        var wallet = 10_000m - 5m - 2m * 100m * LiveSim.TakerRate - 2m * 102.5m * LiveSim.TakerRate;
        Assert.Equal(wallet, sim.Host.Exchange.WalletBalance());
        Assert.Equal(wallet, (await sim.Gateway.BalanceAsync()).Value);
    }

    [Fact]
    public async Task Accepted_then_503_is_unknown_status_and_the_query_by_client_id_finds_exactly_one_order()
    {
        await using var sim = await LiveSim.StartAsync(new LiveTape().Trades(100m));
        var listener = CreateTestProbe();
        sim.Gateway.Subscribe(listener.Ref);
        sim.Host.Control.PlayToEnd();
        sim.Host.Control.FailNext(new FaultRule(FaultKind.Unknown503, PathContains: "/fapi/v1/order", AfterAccept: true));

        var placed = await sim.Gateway.PlaceAsync(Market("sig-42-E", Side.Buy, 1m));
        Assert.Equal(GatewayErrorKind.UnknownStatus, placed.Error!.Kind);

        var found = await sim.Gateway.QueryAsync(Btc, "sig-42-E");
        Assert.True(found.Success, found.Error?.ToString());
        Assert.Equal((GatewayOrderStatus.Filled, 1m, 100m), (found.Value!.Status, found.Value.FilledQuantity, found.Value.AveragePrice));
        Assert.Single(sim.Host.Exchange.FindByClientId("sig-42-E"));
        Assert.Single(sim.Host.Exchange.Orders);
        // The stream still reported the fill the lost answer would have carried.
        var fill = await NextUpdateAsync(listener, "sig-42-E", GatewayOrderStatus.Filled);
        Assert.Equal(1m, fill.LastFillQuantity);
    }

    [Theory]
    [InlineData(FaultKind.ServerError)]
    [InlineData(FaultKind.Unknown503)]
    public async Task A_5xx_before_acceptance_is_unknown_status_then_not_found(FaultKind fault)
    {
        await using var sim = await LiveSim.StartAsync(new LiveTape().Trades(100m));
        sim.Host.Control.PlayToEnd();
        sim.Host.Control.FailNext(new FaultRule(fault, PathContains: "/fapi/v1/order"));

        var placed = await sim.Gateway.PlaceAsync(Market("lost-E", Side.Buy, 1m));
        Assert.Equal(GatewayErrorKind.UnknownStatus, placed.Error!.Kind);
        Assert.Equal(GatewayErrorKind.NotFound, (await sim.Gateway.QueryAsync(Btc, "lost-E")).Error!.Kind);
        Assert.Empty(sim.Host.Exchange.Orders);

        // Only now may the same client id be sent again; it is placed once.
        Assert.Equal(GatewayOrderStatus.Filled, (await sim.Gateway.PlaceAsync(Market("lost-E", Side.Buy, 1m))).Value!.Status);
        Assert.Single(sim.Host.Exchange.FindByClientId("lost-E"));
    }

    [Fact]
    public async Task Exchange_refusals_are_rejected_and_rate_limits_unavailable()
    {
        await using var sim = await LiveSim.StartAsync(new LiveTape().Trades(100m));
        sim.Host.Control.PlayToEnd();

        var reduceOnly = await sim.Gateway.PlaceAsync(Market("ro", Side.Sell, 1m, reduceOnly: true));
        Assert.Equal(GatewayErrorKind.Rejected, reduceOnly.Error!.Kind);
        Assert.Contains("-2022", reduceOnly.Error.Message);
        var wouldTrigger = await sim.Gateway.PlaceAsync(new OrderRequest("wt", Btc, Side.Sell, OrderType.StopMarket, 1m, 101m, false));
        Assert.Equal(GatewayErrorKind.Rejected, wouldTrigger.Error!.Kind);
        Assert.Contains("-2021", wouldTrigger.Error.Message);
        Assert.Equal(GatewayErrorKind.Rejected, (await sim.Gateway.PlaceAsync(Market("bad id!", Side.Buy, 1m))).Error!.Kind);
        Assert.Equal(GatewayErrorKind.Rejected, (await sim.Gateway.PlaceAsync(Market("zero", Side.Buy, 0m))).Error!.Kind);
        Assert.Equal(GatewayErrorKind.Rejected,
            (await sim.Gateway.PlaceAsync(new OrderRequest("nostop", Btc, Side.Sell, OrderType.StopMarket, 1m, null, true))).Error!.Kind);
        Assert.Empty(sim.Host.Exchange.Orders);

        sim.Host.Control.FailNext(new FaultRule(FaultKind.RateLimited, PathContains: "/fapi/v2/positionRisk", RetryAfterSeconds: 30));
        Assert.Equal(GatewayErrorKind.Unavailable, (await sim.Gateway.PositionsAsync()).Error!.Kind);
        // The client now refuses locally until Retry-After: a placement is not sent, and says so.
        Assert.Equal(GatewayErrorKind.Unavailable, (await sim.Gateway.PlaceAsync(Market("later", Side.Buy, 1m))).Error!.Kind);
        Assert.Empty(sim.Host.Exchange.Orders);
    }

    [Fact]
    public async Task Fills_missed_while_the_stream_reconnects_are_recovered_by_query()
    {
        await using var sim = await LiveSim.StartAsync(new LiveTape().Trades(100m, 104m));
        var listener = CreateTestProbe();
        sim.Gateway.Subscribe(listener.Ref);
        sim.Host.Control.Step(1);
        Assert.True((await sim.Gateway.PlaceAsync(Market("rc-E", Side.Buy, 1m))).Success);
        Assert.True((await sim.Gateway.PlaceAsync(Conditional("rc-1", OrderType.TakeProfitMarket, Side.Sell, 1m, 103m))).Success);
        await NextUpdateAsync(listener, "rc-1", GatewayOrderStatus.New);

        Assert.Equal(1, sim.Host.Control.DropAllWebSockets());
        sim.Host.Control.Step(1); // the take-profit fills while no user-data session is registered (or just after it is back)
        var tp = await NextUpdateAsync(listener, "rc-1", GatewayOrderStatus.Filled);
        Assert.Equal((1m, 104m), (tp.Order.FilledQuantity, tp.Order.AveragePrice));
        await sim.UntilAsync(() => sim.Gateway.StreamConnections >= 2, "stream reconnected");
    }
}
