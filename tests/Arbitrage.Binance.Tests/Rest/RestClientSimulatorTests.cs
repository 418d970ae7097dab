using System.Net;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Signing;
using Arbitrage.Binance.Tests.Simulator;
using Arbitrage.Simulator;
using Arbitrage.Simulator.Control;

namespace Arbitrage.Binance.Tests.Rest;

/// <summary>Every REST call of the client against the simulator on loopback.</summary>
public class RestClientSimulatorTests
{
    private static NewOrder Market(OrderSide side, decimal qty, string clientId) =>
        new(SimTape.Symbol, side, OrderType.Market) { Quantity = qty, ClientOrderId = clientId };

    [Fact]
    public async Task Ping_time_and_clock_sync()
    {
        await using var h = await SimHarness.StartAsync();
        Assert.True((await h.Client.ExchangeData.PingAsync()).Success);
        var time = await h.Client.ExchangeData.GetServerTimeAsync();
        Assert.True(time.Success, time.ToString());
        Assert.InRange(time.Data, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds());
        var offset = await h.Client.ExchangeData.SyncServerTimeAsync();
        Assert.True(offset.Success);
        Assert.InRange(offset.Data, -2_000, 2_000);
        Assert.True(h.Client.Limits.UsedWeight1M > 0);
    }

    [Fact]
    public async Task Exchange_info_publishes_the_configured_filters_for_every_tape_symbol()
    {
        var tape = new SimTape().Trade(100m).Trade(2.5m, symbol: "ETHUSDT");
        await using var h = await SimHarness.StartAsync(tape);
        var info = (await h.Client.ExchangeData.GetExchangeInfoAsync()).GetOrThrow();
        var btc = info.Find("BTCUSDT")!;
        Assert.Equal(0.1m, btc.TickSize);
        Assert.Equal(0.001m, btc.StepSize);
        Assert.Equal(0.001m, btc.MinQty);
        Assert.Equal(5m, btc.MinNotional);
        Assert.Equal("TRADING", btc.Status);
        Assert.Equal("USDT", btc.QuoteAsset);
        Assert.Contains("STOP_MARKET", btc.OrderTypes);
        var eth = info.Find("ETHUSDT")!;
        Assert.Equal(new SymbolSpec().TickSize, eth.TickSize); // defaults
    }

    [Fact]
    public async Task Depth_snapshot_comes_from_the_replayed_book_with_a_consistent_lastUpdateId()
    {
        var path = TestData.Fixture("binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz");
        await using var h = await SimHarness.StartAsync(configure: o => o with { Frames = [], Tapes = [path] });
        h.Host.Control.Step(500);
        var book = (await h.Client.ExchangeData.GetOrderBookAsync("BTCUSDT", 100)).GetOrThrow();
        Assert.True(book.LastUpdateId > 0);
        Assert.Equal(100, book.Bids.Count);
        Assert.True(book.Bids[0].Price < book.Asks[0].Price, "best bid below best ask");
        for (var i = 1; i < book.Bids.Count; i++) Assert.True(book.Bids[i].Price < book.Bids[i - 1].Price);
        for (var i = 1; i < book.Asks.Count; i++) Assert.True(book.Asks[i].Price > book.Asks[i - 1].Price);

        // The snapshot's id is the u of the last diff played: the next diff on the tape chains from it.
        var next = h.Host.State.Frames.Skip(h.Host.State.Position).First(f => f.Kind == Arbitrage.Simulator.Tape.FrameKind.DepthUpdate);
        using var doc = System.Text.Json.JsonDocument.Parse(next.Json);
        Assert.Equal(book.LastUpdateId, doc.RootElement.GetProperty("pu").GetInt64());
    }

    [Fact]
    public async Task AggTrades_page_by_id_and_by_time()
    {
        var tape = new SimTape();
        for (var i = 0; i < 25; i++) tape.Trade(100m + i);
        await using var h = await SimHarness.StartAsync(tape);
        h.Host.Control.PlayToEnd();
        var all = h.Host.State.Frames.Select(f => f.Trade).ToArray();

        var collected = new List<AggTradeRecord>();
        long? from = all[0].Id;
        while (true)
        {
            var page = (await h.Client.ExchangeData.GetAggTradesAsync(new AggTradesQuery(SimTape.Symbol, FromId: from, Limit: 10))).GetOrThrow();
            collected.AddRange(page);
            if (page.Count < 10) break;
            from = page[^1].AggId + 1;
        }
        Assert.Equal(all.Select(t => t.Id), collected.Select(t => t.AggId));
        Assert.Equal(124m, collected[^1].Price);
        Assert.Equal(all[0].FirstId, collected[0].FirstTradeId);

        var window = (await h.Client.ExchangeData.GetAggTradesAsync(
            new AggTradesQuery(SimTape.Symbol, StartTime: all[5].TimeMs, EndTime: all[9].TimeMs))).GetOrThrow();
        Assert.Equal(all[5..10].Select(t => t.Id), window.Select(t => t.AggId));

        var recent = (await h.Client.ExchangeData.GetAggTradesAsync(new AggTradesQuery(SimTape.Symbol, Limit: 3))).GetOrThrow();
        Assert.Equal(all[^3..].Select(t => t.Id), recent.Select(t => t.AggId));
    }

    [Fact]
    public async Task Only_trades_already_played_are_served()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m, 101m, 102m));
        h.Host.Control.Step(2);
        var trades = (await h.Client.ExchangeData.GetAggTradesAsync(new AggTradesQuery(SimTape.Symbol))).GetOrThrow();
        Assert.Equal([100m, 101m], trades.Select(t => t.Price));
    }

    [Fact]
    public async Task PremiumIndex_and_funding_history_from_the_tape()
    {
        const long t8 = 1_717_027_200_000, t16 = t8 + 28_800_000;
        var tape = new SimTape().Trade(100m).MarkPrice(100.5m, 0.0003m, t8).MarkPrice(100.7m, 0.0001m, t16);
        var seeded = Enumerable.Range(0, 30).Select(i => new SimFundingRate("BTCUSDT", 0.0001m * i, t8 - (30 - i) * 28_800_000L, 99m)).ToArray();
        await using var h = await SimHarness.StartAsync(tape, o => o with { FundingHistory = seeded });
        h.Host.Control.PlayToEnd();

        var premium = (await h.Client.ExchangeData.GetPremiumIndexAsync("BTCUSDT")).GetOrThrow();
        Assert.Equal(100.7m, premium.MarkPrice);
        Assert.Equal(0.0001m, premium.LastFundingRate);
        Assert.Equal(t16, premium.NextFundingTime);
        Assert.Single((await h.Client.ExchangeData.GetPremiumIndexesAsync()).GetOrThrow());

        // 30 seeded settlements + the one the tape showed rolling over at t8 (rate 0.0003), paged 7 at a time.
        var history = (await h.Client.ExchangeData.GetFundingRateHistoryAsync("BTCUSDT", 0, t16, pageSize: 7)).GetOrThrow();
        Assert.Equal(31, history.Count);
        Assert.Equal(t8, history[^1].FundingTime);
        Assert.Equal(0.0003m, history[^1].FundingRate);
        Assert.True(history.Zip(history.Skip(1)).All(p => p.First.FundingTime < p.Second.FundingTime));
    }

    [Fact]
    public async Task Open_interest_and_long_short_ratio_answer_well_formed_series()
    {
        await using var h = await SimHarness.StartAsync();
        h.Host.Control.PlayToEnd();
        var oi = (await h.Client.ExchangeData.GetOpenInterestHistoryAsync("BTCUSDT", "5m", limit: 3)).GetOrThrow();
        Assert.Equal(3, oi.Count);
        Assert.All(oi, r => Assert.Equal(0, r.Timestamp % 300_000));
        var ls = (await h.Client.ExchangeData.GetGlobalLongShortAccountRatioAsync("BTCUSDT", "1h", limit: 2)).GetOrThrow();
        Assert.Equal(2, ls.Count);
        Assert.Equal(1m, ls[0].LongShortRatio);
    }

    [Fact]
    public async Task Market_order_fills_at_the_tape_price_with_the_taker_fee()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m, 101m));
        h.Host.Control.PlayToEnd();
        var placed = await h.Client.Trading.PlaceOrderAsync(Market(OrderSide.Buy, 2m, "entry-1"));
        Assert.True(placed.Success, placed.ToString());
        Assert.Equal("FILLED", placed.Data.Status);
        Assert.Equal(101m, placed.Data.AvgPrice);
        Assert.Equal(2m, placed.Data.ExecutedQty);
        Assert.True(h.Client.Limits.OrderCount10S >= 1);

        var queried = (await h.Client.Trading.GetOrderAsync(OrderRef.ByClientId(SimTape.Symbol, "entry-1"))).GetOrThrow();
        Assert.Equal(placed.Data.OrderId, queried.OrderId);

        var fee = 101m * 2m * 0.0005m;
        Assert.Equal(10_000m - fee, h.Host.Exchange.WalletBalance());
        var balance = (await h.Client.Account.GetBalancesAsync()).GetOrThrow().Single(b => b.Asset == "USDT");
        Assert.Equal(10_000m - fee, balance.Balance);
        Assert.True((await h.Client.Account.GetBalancesAsync(v2: true)).Success);

        var risk = (await h.Client.Account.GetPositionRiskAsync("BTCUSDT")).GetOrThrow().Single();
        Assert.Equal(2m, risk.PositionAmount);
        Assert.Equal(101m, risk.EntryPrice);
        Assert.Equal("BOTH", risk.PositionSide);
    }

    [Fact]
    public async Task Limit_order_rests_until_the_tape_trades_through_then_fills_as_maker()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m, 99.5m, 99m, 98.9m));
        h.Host.Control.Step(1);
        var order = new NewOrder(SimTape.Symbol, OrderSide.Buy, OrderType.Limit) { Quantity = 1m, Price = 99m, ClientOrderId = "bid-1" };
        var placed = (await h.Client.Trading.PlaceOrderAsync(order)).GetOrThrow();
        Assert.Equal("NEW", placed.Status);
        Assert.Single((await h.Client.Trading.GetOpenOrdersAsync(SimTape.Symbol)).GetOrThrow());

        h.Host.Control.Step(2); // 99.5, then 99 (touches, not through)
        Assert.Equal("NEW", (await h.Client.Trading.GetOrderAsync(OrderRef.ById(SimTape.Symbol, placed.OrderId))).GetOrThrow().Status);
        h.Host.Control.Step(1); // 98.9 trades through
        var filled = (await h.Client.Trading.GetOrderAsync(OrderRef.ByClientId(SimTape.Symbol, "bid-1"))).GetOrThrow();
        Assert.Equal("FILLED", filled.Status);
        Assert.Equal(99m, filled.AvgPrice);
        Assert.True(h.Host.Exchange.Fills.Single().IsMaker);
        Assert.Equal(10_000m - 99m * 0.0002m, h.Host.Exchange.WalletBalance());
        Assert.Empty((await h.Client.Trading.GetOpenOrdersAsync()).GetOrThrow());
    }

    [Fact]
    public async Task Cancel_by_client_id_and_unknown_orders()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m));
        h.Host.Control.PlayToEnd();
        var order = new NewOrder(SimTape.Symbol, OrderSide.Sell, OrderType.Limit) { Quantity = 0.5m, Price = 120m, ClientOrderId = "ask-1" };
        Assert.True((await h.Client.Trading.PlaceOrderAsync(order)).Success);

        var dup = await h.Client.Trading.PlaceOrderAsync(order);
        Assert.Equal(-4116, dup.Error!.Code);
        Assert.Equal(BinanceErrorKind.Rejected, dup.Error.Kind);

        var canceled = (await h.Client.Trading.CancelOrderAsync(OrderRef.ByClientId(SimTape.Symbol, "ask-1"))).GetOrThrow();
        Assert.Equal("CANCELED", canceled.Status);
        var again = await h.Client.Trading.CancelOrderAsync(OrderRef.ByClientId(SimTape.Symbol, "ask-1"));
        Assert.Equal(-2011, again.Error!.Code);
        Assert.Equal(BinanceErrorKind.OrderNotFound, again.Error.Kind);
        var missing = await h.Client.Trading.GetOrderAsync(OrderRef.ByClientId(SimTape.Symbol, "never"));
        Assert.Equal(-2013, missing.Error!.Code);
        Assert.Equal(BinanceErrorKind.OrderNotFound, missing.Error.Kind);

        var bad = await h.Client.Trading.PlaceOrderAsync(order with { ClientOrderId = "has space" });
        Assert.Equal(BinanceErrorKind.Rejected, bad.Error!.Kind);
    }

    [Fact]
    public async Task Stop_market_triggers_when_the_tape_crosses_the_stop()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m, 99m, 97.5m, 96m));
        h.Host.Control.Step(1);
        (await h.Client.Trading.PlaceOrderAsync(Market(OrderSide.Buy, 1m, "long-1"))).GetOrThrow();
        var stop = new NewOrder(SimTape.Symbol, OrderSide.Sell, OrderType.StopMarket) { StopPrice = 98m, ClosePosition = true, ClientOrderId = "sl-1" };
        Assert.Equal("NEW", (await h.Client.Trading.PlaceOrderAsync(stop)).GetOrThrow().Status);

        var wrongSide = new NewOrder(SimTape.Symbol, OrderSide.Sell, OrderType.StopMarket) { StopPrice = 101m, Quantity = 1m, ClientOrderId = "sl-bad" };
        Assert.Equal(-2021, (await h.Client.Trading.PlaceOrderAsync(wrongSide)).Error!.Code);

        h.Host.Control.Step(1); // 99: above the stop
        Assert.Equal(1m, h.Host.Exchange.Position(SimTape.Symbol).Amount);
        h.Host.Control.Step(1); // 97.5: crosses
        var sl = (await h.Client.Trading.GetOrderAsync(OrderRef.ByClientId(SimTape.Symbol, "sl-1"))).GetOrThrow();
        Assert.Equal("FILLED", sl.Status);
        Assert.Equal(97.5m, sl.AvgPrice);
        Assert.Equal(0m, h.Host.Exchange.Position(SimTape.Symbol).Amount);
        Assert.Equal(-2.5m, h.Host.Exchange.Fills[^1].RealizedPnl);
    }

    [Fact]
    public async Task Take_profit_market_via_the_algo_endpoint()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m, 103m, 105m),
            client: o => o with { ConditionalOrders = ConditionalOrderRoute.AlgoOrderEndpoint });
        h.Host.Control.Step(1);
        (await h.Client.Trading.PlaceOrderAsync(Market(OrderSide.Buy, 1m, "long-tp"))).GetOrThrow();
        var tp = new NewOrder(SimTape.Symbol, OrderSide.Sell, OrderType.TakeProfitMarket) { StopPrice = 104m, Quantity = 1m, ReduceOnly = true, ClientOrderId = "tp-1" };
        var placed = (await h.Client.Trading.PlaceOrderAsync(tp)).GetOrThrow();
        Assert.Equal("tp-1", placed.ClientOrderId);
        Assert.True(h.Host.Exchange.Orders.Single(o => o.ClientOrderId == "tp-1").IsAlgo);
        h.Host.Control.PlayToEnd();
        var done = (await h.Client.Trading.GetOrderAsync(OrderRef.ByClientId(SimTape.Symbol, "tp-1"))).GetOrThrow();
        Assert.Equal("FILLED", done.Status);
        Assert.Equal(0m, h.Host.Exchange.Position(SimTape.Symbol).Amount);
    }

    [Fact]
    public async Task Reduce_only_cannot_open_or_flip_a_position()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m));
        h.Host.Control.PlayToEnd();
        var flat = await h.Client.Trading.PlaceOrderAsync(Market(OrderSide.Sell, 1m, "ro-0") with { ReduceOnly = true });
        Assert.Equal(-2022, flat.Error!.Code);

        (await h.Client.Trading.PlaceOrderAsync(Market(OrderSide.Buy, 1m, "open"))).GetOrThrow();
        var same = await h.Client.Trading.PlaceOrderAsync(Market(OrderSide.Buy, 1m, "ro-1") with { ReduceOnly = true });
        Assert.Equal(-2022, same.Error!.Code);

        var tooBig = (await h.Client.Trading.PlaceOrderAsync(Market(OrderSide.Sell, 3m, "ro-2") with { ReduceOnly = true })).GetOrThrow();
        Assert.Equal(1m, tooBig.ExecutedQty); // only the position, never a short
        Assert.Equal(0m, h.Host.Exchange.Position(SimTape.Symbol).Amount);
    }

    [Fact]
    public async Task Account_settings_and_api_restrictions()
    {
        await using var h = await SimHarness.StartAsync(configure: o => o with { ApiRestrictions = new SimApiRestrictions(EnableWithdrawals: false) });
        var lev = (await h.Client.Account.SetLeverageAsync("BTCUSDT", 5)).GetOrThrow();
        Assert.Equal(5, lev.Leverage);
        Assert.True((await h.Client.Account.SetMarginTypeAsync("BTCUSDT", MarginType.Isolated)).GetOrThrow());
        Assert.True((await h.Client.Account.SetMarginTypeAsync("BTCUSDT", MarginType.Isolated)).GetOrThrow()); // -4046 is fine
        Assert.False((await h.Client.Account.GetHedgeModeAsync()).GetOrThrow());
        Assert.True((await h.Client.Account.SetHedgeModeAsync(false)).GetOrThrow());
        var risk = (await h.Client.Account.GetPositionRiskAsync()).GetOrThrow().Single();
        Assert.Equal(5, risk.Leverage);
        Assert.Equal("isolated", risk.MarginType);
        var restrictions = (await h.Client.Account.GetApiRestrictionsAsync()).GetOrThrow();
        Assert.False(restrictions.EnableWithdrawals);
        Assert.True(restrictions.EnableFutures);
    }

    [Fact]
    public async Task Wrong_key_and_bad_signature_give_Binance_codes()
    {
        await using var h = await SimHarness.StartAsync();
        using var wrongKey = new BinanceRestClient(BinanceRestOptions.ForSingleOrigin(h.Host.BaseUrl), new BinanceCredentials("otherKey123", SimHarness.Secret));
        var r1 = await wrongKey.Account.GetBalancesAsync();
        Assert.Equal((-2015, HttpStatusCode.Unauthorized, BinanceErrorKind.InvalidApiKey), (r1.Error!.Code, r1.Error.HttpStatus!.Value, r1.Error.Kind));
        Assert.Equal("Invalid API-key, IP, or permissions for action.", r1.Error.Message);

        using var malformed = new BinanceRestClient(BinanceRestOptions.ForSingleOrigin(h.Host.BaseUrl), new BinanceCredentials("bad key!", SimHarness.Secret));
        var r2 = await malformed.Account.GetBalancesAsync();
        Assert.Equal((-2014, BinanceErrorKind.InvalidApiKey), (r2.Error!.Code, r2.Error.Kind));

        using var wrongSecret = new BinanceRestClient(BinanceRestOptions.ForSingleOrigin(h.Host.BaseUrl), new BinanceCredentials(SimHarness.Key, "notTheSecret"));
        var r3 = await wrongSecret.Trading.GetOpenOrdersAsync();
        Assert.Equal((-1022, HttpStatusCode.BadRequest, BinanceErrorKind.InvalidSignature), (r3.Error!.Code, r3.Error.HttpStatus!.Value, r3.Error.Kind));
        Assert.Equal("Signature for this request is not valid.", r3.Error.Message);

        using var noCredentials = new BinanceRestClient(BinanceRestOptions.ForSingleOrigin(h.Host.BaseUrl));
        Assert.Equal(BinanceErrorKind.NoCredentials, (await noCredentials.Account.GetBalancesAsync()).Error!.Kind);
    }

    [Fact]
    public async Task Stale_timestamp_is_rejected_with_minus_1021()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-5));
        await using var h = await SimHarness.StartAsync(clientTime: time);
        var r = await h.Client.Account.GetBalancesAsync();
        Assert.Equal((-1021, BinanceErrorKind.InvalidTimestamp), (r.Error!.Code, r.Error.Kind));
        Assert.True((await h.Client.ExchangeData.SyncServerTimeAsync()).Success);
        Assert.True((await h.Client.Account.GetBalancesAsync()).Success, "after syncing the server clock");
    }

    [Fact]
    public async Task Rate_limit_429_blocks_calls_until_Retry_After_has_passed()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await SimHarness.StartAsync(clientTime: time);
        var alerts = new List<BinanceAlert>();
        h.Client.Alert += alerts.Add;
        h.Host.Control.FailNext(new FaultRule(FaultKind.RateLimited, Count: 1, PathContains: "/fapi/v1/time", RetryAfterSeconds: 7));

        var limited = await h.Client.ExchangeData.GetServerTimeAsync();
        Assert.Equal(BinanceErrorKind.RateLimited, limited.Error!.Kind);
        Assert.Equal(time.GetUtcNow().AddSeconds(7), limited.Error.RetryAt);
        Assert.Equal(time.GetUtcNow().AddSeconds(7), h.Client.Limits.ResumeAt);
        Assert.Equal(BinanceAlertKind.RateLimited, Assert.Single(alerts).Kind);

        // Refused locally: the simulator sees no request (its weight counter does not move).
        var weightBefore = h.Client.Limits.UsedWeight1M;
        time.Advance(TimeSpan.FromSeconds(6));
        var refused = await h.Client.ExchangeData.PingAsync();
        Assert.Equal(BinanceErrorKind.RateLimited, refused.Error!.Kind);
        Assert.Null(refused.Error.HttpStatus);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await h.Client.ExchangeData.PingAsync()).Success);
        Assert.NotEqual(weightBefore, h.Client.Limits.UsedWeight1M);
        Assert.Null(h.Client.Limits.ResumeAt);
    }

    [Fact]
    public async Task Ban_418_stops_the_client_and_raises_an_alert()
    {
        await using var h = await SimHarness.StartAsync();
        var alert = new TaskCompletionSource<BinanceAlert>(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Client.Alert += a => alert.TrySetResult(a);
        h.Host.Control.FailNext(new FaultRule(FaultKind.IpBanned, RetryAfterSeconds: 120));

        var banned = await h.Client.ExchangeData.GetExchangeInfoAsync();
        Assert.Equal((BinanceErrorKind.IpBanned, (HttpStatusCode)418), (banned.Error!.Kind, banned.Error.HttpStatus!.Value));
        var raised = await alert.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(BinanceAlertKind.IpBanned, raised.Kind);
        Assert.True(h.Client.Limits.IsBanned);

        // Every further call fails fast, including orders; the simulator would have answered.
        Assert.Equal(BinanceErrorKind.IpBanned, (await h.Client.ExchangeData.PingAsync()).Error!.Kind);
        Assert.Equal(BinanceErrorKind.IpBanned, (await h.Client.Trading.PlaceOrderAsync(Market(OrderSide.Buy, 1m, "x"))).Error!.Kind);
        Assert.Empty(h.Host.Exchange.Orders);

        h.Client.ClearBan();
        Assert.True((await h.Client.ExchangeData.PingAsync()).Success);
    }

    [Fact]
    public async Task Accepted_then_503_is_unknown_status_and_the_query_by_client_id_finds_exactly_one_order()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m));
        h.Host.Control.PlayToEnd();
        h.Host.Control.FailNext(new FaultRule(FaultKind.Unknown503, PathContains: "/fapi/v1/order", AfterAccept: true));

        var placed = await h.Client.Trading.PlaceOrderAsync(Market(OrderSide.Buy, 1m, "sig-42-entry"));
        Assert.Equal(BinanceErrorKind.UnknownOrderStatus, placed.Error!.Kind);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, placed.Error.HttpStatus);

        var found = (await h.Client.Trading.GetOrderAsync(OrderRef.ByClientId(SimTape.Symbol, "sig-42-entry"))).GetOrThrow();
        Assert.Equal("FILLED", found.Status);
        Assert.Single(h.Host.Exchange.FindByClientId("sig-42-entry"));
        Assert.Single(h.Host.Exchange.Orders);
    }

    [Fact]
    public async Task Plain_503_and_500_are_classified()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m));
        h.Host.Control.PlayToEnd();
        h.Host.Control.FailNext(new FaultRule(FaultKind.Unknown503, PathContains: "/fapi/v1/order"));
        var placed = await h.Client.Trading.PlaceOrderAsync(Market(OrderSide.Buy, 1m, "o-503"));
        Assert.Equal(BinanceErrorKind.UnknownOrderStatus, placed.Error!.Kind);
        Assert.Empty(h.Host.Exchange.Orders); // this time it was never accepted: only a query can tell

        h.Host.Control.FailNext(new FaultRule(FaultKind.ServerError));
        Assert.Equal(BinanceErrorKind.ServerError, (await h.Client.ExchangeData.GetExchangeInfoAsync()).Error!.Kind);
        h.Host.Control.FailNext(new FaultRule(FaultKind.WafBlocked));
        Assert.Equal(BinanceErrorKind.WafBlocked, (await h.Client.ExchangeData.PingAsync()).Error!.Kind);
    }

    [Fact]
    public async Task An_order_that_times_out_is_unknown_not_failed()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m),
            client: o => o with { OrderTimeout = TimeSpan.FromMilliseconds(200) });
        h.Host.Control.PlayToEnd();
        h.Host.Control.Latency = TimeSpan.FromSeconds(3);
        var placed = await h.Client.Trading.PlaceOrderAsync(Market(OrderSide.Buy, 1m, "slow-1"));
        Assert.Equal(BinanceErrorKind.UnknownOrderStatus, placed.Error!.Kind);
    }

    [Fact]
    public async Task ListenKey_create_keep_alive_close_and_recreate()
    {
        await using var h = await SimHarness.StartAsync();
        var key = (await h.Client.Account.CreateListenKeyAsync()).GetOrThrow();
        Assert.Equal(64, key.Length);
        Assert.Equal(key, (await h.Client.Account.CreateListenKeyAsync()).GetOrThrow()); // USD-M: one key, extended
        Assert.Equal(key, (await h.Client.Account.KeepAliveListenKeyAsync()).GetOrThrow());
        Assert.True((await h.Client.Account.CloseListenKeyAsync()).Success);
        var gone = await h.Client.Account.KeepAliveListenKeyAsync();
        Assert.Equal((-1125, BinanceErrorKind.ListenKeyNotFound), (gone.Error!.Code, gone.Error.Kind));

        var lifecycle = new Arbitrage.Binance.UserData.ListenKeyLifecycle(h.Client.Account, TimeProvider.System);
        var changes = new List<string>();
        lifecycle.KeyChanged += changes.Add;
        var first = (await lifecycle.EnsureAsync()).GetOrThrow();
        h.Host.Control.ExpireListenKey();
        var second = (await lifecycle.KeepAliveAsync()).GetOrThrow(); // -1125 → recreated
        Assert.NotEqual(first, second);
        Assert.Equal([first, second], changes);
    }
}
