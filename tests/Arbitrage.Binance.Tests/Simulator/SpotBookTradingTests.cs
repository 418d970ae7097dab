using System.Net;
using System.Threading.Channels;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Tests.Rest;
using Arbitrage.Binance.UserData;
using Arbitrage.Simulator.Control;

namespace Arbitrage.Binance.Tests.Simulator;

/// <summary>
/// Spot orders against the simulator's own spot books (<see cref="SpotBookTape"/>): IOC/FOK walking levels, MARKET by
/// quoteOrderQty, filters, one balance sheet across three pairs, the order-count limit, the spot user-data stream,
/// held placements and 503-after-accept.
/// </summary>
public sealed class SpotBookTradingTests
{
    private const decimal Fee = 0.001m; // Binance spot default taker: 0.1 %

    private static async Task<SimHarness> StartAsync(Dictionary<string, decimal>? balances = null, TimeProvider? time = null,
        int ordersPer10S = 50)
    {
        var h = await SimHarness.StartAsync(configure: o =>
        {
            o = SpotBookTape.Configure(o, balances ?? new Dictionary<string, decimal> { ["BTC"] = 1m, ["USDT"] = 1000m });
            o = o with { Spot = o.Spot with { OrderLimitPer10Seconds = ordersPer10S } };
            return time is null ? o : o with { Time = time };
        }, clientTime: time);
        h.Host.Control.Step(SpotBookTape.BookFrames);
        return h;
    }

    private static NewSpotOrder Ioc(string symbol, OrderSide side, decimal qty, decimal price, string clientId, TimeInForce tif = TimeInForce.Ioc) =>
        new(symbol, side, OrderType.Limit) { Quantity = qty, Price = price, TimeInForce = tif, ClientOrderId = clientId };

    [Fact]
    public async Task An_ioc_buy_walks_the_ask_levels_up_to_its_limit_and_expires_the_rest_with_one_fill_per_level()
    {
        await using var h = await StartAsync();

        var order = (await h.Client.Spot.PlaceImmediateLimitOrderAsync("ETHBTC", OrderSide.Buy, 4m, 0.0501m, "ioc-1")).GetOrThrow();

        Assert.Equal(("EXPIRED", 4m, 3m), (order.Status, order.OrigQty, order.ExecutedQty));
        Assert.Equal(0.05m * 1m + 0.0501m * 2m, order.CumulativeQuoteQty);
        Assert.Equal([(0.05m, 1m, 0.001m, "ETH"), (0.0501m, 2m, 0.002m, "ETH")],
            order.Fills.Select(f => (f.Price, f.Quantity, f.Commission, f.CommissionAsset)));
        var account = (await h.Client.Spot.GetAccountAsync()).GetOrThrow();
        Assert.Equal(1m - 0.1502m, account.Balance("BTC").Free);
        Assert.Equal(0m, account.Balance("BTC").Locked); // the unfilled part's lock is given back
        Assert.Equal(3m - 3m * Fee, account.Balance("ETH").Free);

        // Within the same frame the levels it took are gone; after the next frame of that book they are back.
        var again = (await h.Client.Spot.PlaceImmediateLimitOrderAsync("ETHBTC", OrderSide.Buy, 1m, 0.0501m, "ioc-2")).GetOrThrow();
        Assert.Equal(("EXPIRED", 0m), (again.Status, again.ExecutedQty));
        var deeper = (await h.Client.Spot.PlaceImmediateLimitOrderAsync("ETHBTC", OrderSide.Buy, 1m, 0.0502m, "ioc-3")).GetOrThrow();
        Assert.Equal([(0.0502m, 1m)], deeper.Fills.Select(f => (f.Price, f.Quantity)));
        h.Host.Control.Step(); // the ETHBTC diff
        var fresh = (await h.Client.Spot.PlaceImmediateLimitOrderAsync("ETHBTC", OrderSide.Buy, 1m, 0.0501m, "ioc-4")).GetOrThrow();
        Assert.Equal(("FILLED", 0.05m), (fresh.Status, fresh.Fills.Single().Price));
    }

    [Fact]
    public async Task A_fok_the_book_cannot_fill_whole_expires_with_nothing_filled_and_nothing_spent()
    {
        await using var h = await StartAsync();

        var order = (await h.Client.Spot.PlaceImmediateLimitOrderAsync("ETHBTC", OrderSide.Buy, 4m, 0.0501m, "fok-1", fillOrKill: true)).GetOrThrow();

        Assert.Equal(("EXPIRED", 0m, 0m), (order.Status, order.ExecutedQty, order.CumulativeQuoteQty));
        Assert.Empty(order.Fills);
        Assert.Equal((1m, 0m), (h.Host.Spot.Balance("BTC").Free, h.Host.Spot.Balance("ETH").Free));

        var whole = (await h.Client.Spot.PlaceImmediateLimitOrderAsync("ETHBTC", OrderSide.Buy, 3m, 0.0501m, "fok-2", fillOrKill: true)).GetOrThrow();
        Assert.Equal(("FILLED", 3m), (whole.Status, whole.ExecutedQty));
        Assert.Equal(2, whole.Fills.Count);
    }

    [Fact]
    public async Task A_market_buy_by_quote_order_qty_spends_that_quote_across_levels_rounded_down_to_the_lot_step()
    {
        await using var h = await StartAsync(new Dictionary<string, decimal> { ["BTC"] = 10m });

        // 0.02 BTC buys 0.4 ETH at 0.05 (1 ETH there) — one level, whole.
        var order = (await h.Client.Spot.PlaceQuoteMarketOrderAsync("ETHBTC", OrderSide.Buy, 0.02m, "q-1")).GetOrThrow();
        Assert.Equal(("FILLED", 0.4m, 0.02m, 0.02m), (order.Status, order.ExecutedQty, order.CumulativeQuoteQty, order.OrigQuoteOrderQty));

        // 0.1 BTC: 0.6 ETH left at 0.05 (0.03 BTC), then 0.07 / 0.0501 = 1.3972... → 1.3972 ETH at 0.0501.
        var walk = (await h.Client.Spot.PlaceQuoteMarketOrderAsync("ETHBTC", OrderSide.Buy, 0.1m, "q-2")).GetOrThrow();
        Assert.Equal([(0.05m, 0.6m), (0.0501m, 1.3972m)], walk.Fills.Select(f => (f.Price, f.Quantity)));
        Assert.Equal(0.03m + 0.0501m * 1.3972m, walk.CumulativeQuoteQty);
        Assert.True(walk.CumulativeQuoteQty <= 0.1m);
        Assert.Equal(10m - 0.02m - walk.CumulativeQuoteQty, h.Host.Spot.Balance("BTC").Free);

        // Selling by quote: receive 150 USDT → 0.05 ETH at the 3000 bid.
        var sell = (await h.Client.Spot.PlaceQuoteMarketOrderAsync("ETHUSDT", OrderSide.Sell, 150m, "q-3")).GetOrThrow();
        Assert.Equal(("FILLED", 0.05m, 150m), (sell.Status, sell.ExecutedQty, sell.CumulativeQuoteQty));
        Assert.Equal((0.15m, "USDT"), (sell.Fills.Single().Commission, sell.Fills.Single().CommissionAsset));
    }

    [Theory]
    [InlineData(0.00015, 0.0501, "LOT_SIZE")]   // not a multiple of the 0.0001 step
    [InlineData(1, 0.050105, "PRICE_FILTER")]   // not on the 0.00001 tick
    [InlineData(0.001, 0.05, "NOTIONAL")]       // 0.00005 BTC < 0.0001 minimum
    public async Task Orders_off_the_pairs_filters_are_refused_with_1013_naming_the_filter(double qty, double price, string filter)
    {
        await using var h = await StartAsync();
        var r = await h.Client.Spot.PlaceOrderAsync(Ioc("ETHBTC", OrderSide.Buy, (decimal)qty, (decimal)price, "f-1"));
        Assert.Equal((-1013, $"Filter failure: {filter}", BinanceErrorKind.Rejected), (r.Error!.Code, r.Error.Message, r.Error.Kind));
        Assert.Equal(SpotRejectReason.FilterFailure, BinanceSpotApi.RejectReason(r.Error));
        Assert.Empty(h.Host.Spot.Orders);
    }

    [Fact]
    public async Task A_quote_order_qty_below_the_minimum_notional_is_a_notional_failure()
    {
        await using var h = await StartAsync();
        var r = await h.Client.Spot.PlaceQuoteMarketOrderAsync("BTCUSDT", OrderSide.Buy, 4m, "f-2");
        Assert.Equal((-1013, "Filter failure: NOTIONAL"), (r.Error!.Code, r.Error.Message));
    }

    [Fact]
    public async Task A_usdt_btc_eth_usdt_cycle_moves_one_balance_sheet_across_the_three_pairs()
    {
        await using var h = await StartAsync(new Dictionary<string, decimal> { ["USDT"] = 1000m });

        var leg1 = (await h.Client.Spot.PlaceQuoteMarketOrderAsync("BTCUSDT", OrderSide.Buy, 600m, "cyc-1")).GetOrThrow();
        Assert.Equal((0.01m, 0.00001m), (leg1.ExecutedQty, leg1.Fills.Single().Commission));
        var btc = h.Host.Spot.Balance("BTC").Free;
        Assert.Equal(0.00999m, btc);
        var leg2 = (await h.Client.Spot.PlaceImmediateLimitOrderAsync("ETHBTC", OrderSide.Buy, 0.1998m, 0.05m, "cyc-2")).GetOrThrow();
        Assert.Equal(("FILLED", 0.00999m), (leg2.Status, leg2.CumulativeQuoteQty));
        var leg3 = (await h.Client.Spot.PlaceMarketOrderAsync("ETHUSDT", OrderSide.Sell, 0.1996m, "cyc-3")).GetOrThrow();
        Assert.Equal((598.8m, 0.5988m), (leg3.CumulativeQuoteQty, leg3.Fills.Single().Commission));

        var account = (await h.Client.Spot.GetAccountAsync()).GetOrThrow();
        Assert.Equal(400m + 598.8m - 0.5988m, account.Balance("USDT").Free);
        Assert.Equal(0m, account.Balance("BTC").Free);
        Assert.Equal(0.1998m - 0.0001998m - 0.1996m, account.Balance("ETH").Free); // dust below one step
        Assert.All(account.Balances, b => Assert.Equal(0m, b.Locked));
    }

    [Fact]
    public async Task Over_the_10_s_order_count_placements_get_429_and_1015_while_queries_go_on_until_the_next_interval()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await StartAsync(new Dictionary<string, decimal> { ["USDT"] = 1000m }, time, ordersPer10S: 3);
        for (var i = 1; i <= 3; i++)
            (await h.Client.Spot.PlaceQuoteMarketOrderAsync("BTCUSDT", OrderSide.Buy, 10m, $"n-{i}")).GetOrThrow();
        Assert.Equal((3, 3), (h.Client.Limits.OrderCount10S, h.Client.Limits.OrderCount1D));

        var refused = await h.Client.Spot.PlaceQuoteMarketOrderAsync("BTCUSDT", OrderSide.Buy, 10m, "n-4");
        Assert.Equal((-1015, HttpStatusCode.TooManyRequests, BinanceErrorKind.RateLimited),
            (refused.Error!.Code, refused.Error.HttpStatus, refused.Error.Kind));
        Assert.Equal("Too many new orders; current limit is 3 orders per TEN_SECONDS.", refused.Error.Message);
        Assert.NotNull(refused.Error.RetryAt);
        Assert.Equal(SpotRejectReason.None, BinanceSpotApi.RejectReason(refused.Error)); // a rate limit, not a refusal of the order
        Assert.Equal(3, h.Host.Spot.Orders.Count);

        // Reads are not order-limited; new placements wait (refused locally, the simulator never sees them).
        Assert.True((await h.Client.Spot.GetOrderAsync(OrderRef.ByClientId("BTCUSDT", "n-1"))).Success);
        var local = await h.Client.Spot.PlaceQuoteMarketOrderAsync("BTCUSDT", OrderSide.Buy, 10m, "n-5");
        Assert.Equal((-1015, null), (local.Error!.Code, local.Error.HttpStatus));
        Assert.Null(h.Client.Limits.TryEnter(placesSpotOrder: false)); // USD-M orders and reads are not held back

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await h.Client.Spot.PlaceQuoteMarketOrderAsync("BTCUSDT", OrderSide.Buy, 10m, "n-6")).Success);
        Assert.Equal(1, h.Client.Limits.OrderCount10S);
    }

    [Fact]
    public async Task The_spot_user_data_stream_reports_a_partial_ioc_as_new_trades_and_expired_then_the_balances()
    {
        await using var h = await StartAsync();
        var keys = ListenKeyLifecycle.ForSpot(h.Client.Spot, TimeProvider.System);
        var client = UserDataStreamClient.ForSpot(h.Client.Options, keys, TimeProvider.System);
        var events = Channel.CreateUnbounded<IUserDataEvent>();
        var userSession = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Host.State.Hub.SessionOpened += s => { if (s.ListenKey is not null) userSession.TrySetResult(); };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = client.RunAsync(events.Writer, cts.Token);
        await userSession.Task.WaitAsync(cts.Token);
        Assert.EndsWith("/ws/" + keys.ListenKey, client.StreamUri(keys.ListenKey!).AbsolutePath);

        var order = (await h.Client.Spot.PlaceImmediateLimitOrderAsync("ETHBTC", OrderSide.Buy, 4m, 0.0501m, "ud-1")).GetOrThrow();

        var reports = new List<SpotExecutionReport>();
        for (var i = 0; i < 4; i++) reports.Add(Assert.IsType<SpotExecutionReport>(await events.Reader.ReadAsync(cts.Token)));
        Assert.Equal([("NEW", "NEW"), ("TRADE", "PARTIALLY_FILLED"), ("TRADE", "PARTIALLY_FILLED"), ("EXPIRED", "EXPIRED")],
            reports.Select(r => (r.ExecutionType, r.Status)));
        Assert.All(reports, r => Assert.Equal(("ud-1", order.OrderId, "ETHBTC", "IOC"), (r.ClientOrderId, r.OrderId, r.Symbol, r.TimeInForce)));
        Assert.Equal([(1m, 0.05m, 1m, 0.001m), (2m, 0.0501m, 3m, 0.002m)],
            reports.Where(r => r.IsFill).Select(r => (r.LastFilledQty, r.LastFilledPrice, r.CumulativeFilledQty, r.Commission)));
        Assert.All(reports.Where(r => r.IsFill), r => Assert.Equal("ETH", r.CommissionAsset));
        Assert.Equal((3m, 0.1502m), (reports[^1].CumulativeFilledQty, reports[^1].CumulativeQuoteQty));
        Assert.True(reports[^1].IsFinal);

        var position = Assert.IsType<OutboundAccountPosition>(await events.Reader.ReadAsync(cts.Token));
        Assert.Equal([("ETH", 2.997m, 0m), ("BTC", 0.8498m, 0m)], position.Balances.Select(b => (b.Asset, b.Free, b.Locked)));

        // A key the stream no longer has: the lifecycle makes a new one and the client reconnects to it.
        var first = keys.ListenKey;
        var reconnected = Channel.CreateUnbounded<string>();
        client.Reconnected += k => reconnected.Writer.TryWrite(k);
        h.Host.Control.ExpireSpotListenKey();
        Assert.IsType<ListenKeyExpired>(await events.Reader.ReadAsync(cts.Token));
        Assert.NotEqual(first, await reconnected.Reader.ReadAsync(cts.Token));
        Assert.True((await keys.KeepAliveAsync(cts.Token)).Success);
        Assert.True((await keys.CloseAsync(cts.Token)).Success);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task A_gtc_rests_what_the_book_lacks_and_its_cancel_is_reported_with_both_client_ids()
    {
        await using var h = await StartAsync();
        var keys = ListenKeyLifecycle.ForSpot(h.Client.Spot, TimeProvider.System);
        var client = UserDataStreamClient.ForSpot(h.Client.Options, keys, TimeProvider.System);
        var events = Channel.CreateUnbounded<IUserDataEvent>();
        var userSession = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Host.State.Hub.SessionOpened += s => { if (s.ListenKey is not null) userSession.TrySetResult(); };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = client.RunAsync(events.Writer, cts.Token);
        await userSession.Task.WaitAsync(cts.Token);

        var order = (await h.Client.Spot.PlaceOrderAsync(Ioc("ETHBTC", OrderSide.Buy, 2m, 0.05m, "gtc-1", TimeInForce.Gtc))).GetOrThrow();
        Assert.Equal(("PARTIALLY_FILLED", 1m), (order.Status, order.ExecutedQty));
        Assert.Equal(0.05m, h.Host.Spot.Balance("BTC").Locked); // the resting 1 ETH at 0.05
        Assert.Single((await h.Client.Spot.GetOpenOrdersAsync("ETHBTC")).GetOrThrow());

        var canceled = (await h.Client.Spot.CancelOrderAsync(OrderRef.ByClientId("ETHBTC", "gtc-1"))).GetOrThrow();
        Assert.Equal("CANCELED", canceled.Status);
        Assert.Equal((0m, 1m - 0.05m), (h.Host.Spot.Balance("BTC").Locked, h.Host.Spot.Balance("BTC").Free));

        var reports = new List<SpotExecutionReport>();
        while (reports.Count < 3)
            if (await events.Reader.ReadAsync(cts.Token) is SpotExecutionReport r) reports.Add(r);
        Assert.Equal([("NEW", "NEW"), ("TRADE", "PARTIALLY_FILLED"), ("CANCELED", "CANCELED")], reports.Select(r => (r.ExecutionType, r.Status)));
        Assert.Equal("gtc-1", reports[2].OriginalClientOrderId);
        Assert.Equal("gtc-1", reports[2].OrderClientId);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task A_spot_placement_held_after_accept_is_already_filled_at_the_exchange_and_answered_on_release()
    {
        await using var h = await StartAsync();
        h.Host.Control.HoldPlacements(afterAccept: true);
        var placing = h.Client.Spot.PlaceImmediateLimitOrderAsync("ETHBTC", OrderSide.Buy, 1m, 0.05m, "held-1");
        await UntilAsync(() => h.Host.Control.HeldPlacements == 1, "the answer is held");

        Assert.False(placing.IsCompleted);
        var atExchange = Assert.Single(h.Host.Spot.FindByClientId("held-1"));
        Assert.Equal("FILLED", atExchange.Status);
        Assert.Equal(1m - 0.05m, h.Host.Spot.Balance("BTC").Free);

        h.Host.Control.ReleasePlacements();
        var order = (await placing.WaitAsync(TimeSpan.FromSeconds(30))).GetOrThrow();
        Assert.Equal(("FILLED", atExchange.OrderId), (order.Status, order.OrderId));
    }

    [Fact]
    public async Task The_control_endpoints_hold_spot_answers_after_accept_and_sim_state_shows_the_spot_balances()
    {
        await using var h = await StartAsync();
        using var http = new HttpClient { BaseAddress = h.Host.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        (await http.PostAsync("/sim/control/hold-orders?afterAccept=true", null)).EnsureSuccessStatusCode();
        var placing = h.Client.Spot.PlaceQuoteMarketOrderAsync("BTCUSDT", OrderSide.Buy, 600m, "held-http");
        await UntilAsync(() => h.Host.Control.HeldPlacements == 1, "the answer is held");

        using (var state = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/sim/state")))
        {
            var root = state.RootElement;
            Assert.Equal((1, 1), (root.GetProperty("heldPlacements").GetInt32(), root.GetProperty("spotOrders").GetInt32()));
            Assert.Equal("400", root.GetProperty("spotBalances").GetProperty("USDT").GetProperty("free").GetString());
            Assert.Equal("1.00999", root.GetProperty("spotBalances").GetProperty("BTC").GetProperty("free").GetString());
        }
        Assert.False(placing.IsCompleted);
        (await http.PostAsync("/sim/control/release-orders", null)).EnsureSuccessStatusCode();
        Assert.Equal("FILLED", (await placing.WaitAsync(TimeSpan.FromSeconds(30))).GetOrThrow().Status);
    }

    [Fact]
    public async Task A_spot_placement_held_before_the_engine_reaches_the_account_only_on_release()
    {
        await using var h = await StartAsync();
        h.Host.Control.HoldPlacements();
        var placing = h.Client.Spot.PlaceImmediateLimitOrderAsync("ETHBTC", OrderSide.Buy, 1m, 0.05m, "held-2");
        await UntilAsync(() => h.Host.Control.HeldPlacements == 1, "the placement is held");
        Assert.Empty(h.Host.Spot.Orders);

        h.Host.Control.ReleasePlacements();
        Assert.Equal("FILLED", (await placing.WaitAsync(TimeSpan.FromSeconds(30))).GetOrThrow().Status);
        Assert.Single(h.Host.Spot.Orders);
    }

    [Fact]
    public async Task A_503_after_accept_is_an_unknown_status_and_the_query_by_client_id_finds_the_filled_order()
    {
        await using var h = await StartAsync();
        h.Host.Control.FailNext(new FaultRule(FaultKind.Unknown503, PathContains: "/api/v3/order", AfterAccept: true));

        var r = await h.Client.Spot.PlaceImmediateLimitOrderAsync("ETHBTC", OrderSide.Buy, 2m, 0.0501m, "lost-1");
        Assert.Equal((BinanceErrorKind.UnknownOrderStatus, HttpStatusCode.ServiceUnavailable), (r.Error!.Kind, r.Error.HttpStatus));

        var found = (await h.Client.Spot.GetOrderAsync(OrderRef.ByClientId("ETHBTC", "lost-1"))).GetOrThrow();
        Assert.Equal(("FILLED", 2m, 0.05m + 0.0501m), (found.Status, found.ExecutedQty, found.CumulativeQuoteQty));
        var trades = (await h.Client.Spot.GetMyTradesAsync("ETHBTC", found.OrderId)).GetOrThrow();
        Assert.Equal([(0.05m, 1m), (0.0501m, 1m)], trades.Select(t => (t.Price, t.Quantity)));
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(10);
        }
    }
}
