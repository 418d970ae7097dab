using System.Net;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Simulator.Control;
using Arbitrage.Simulator.Exchange;

namespace Arbitrage.Binance.Tests.Simulator;

/// <summary>Spot trading on the in-process simulator through <see cref="BinanceSpotApi"/>: orders, balances, fees, errors, faults.</summary>
public sealed class SpotTradingTests
{
    private const string Btc = SimTape.Symbol;
    private const decimal Index = 20_000m; // SimTape.MarkPrice reports index = mark − 1
    private const decimal Fee = 0.001m;    // Binance spot default taker/maker: 0.1 %

    /// <summary>BTCUSDT perp trades at 20 010 with index 20 000; 10 000 USDT on spot.</summary>
    private static Task<SimHarness> StartAsync(SimTape? tape = null, Func<SpotOptions, SpotOptions>? spot = null) =>
        SimHarness.StartAsync(tape ?? new SimTape().Trade(20_010m).MarkPrice(Index + 1, 0.0001m, 1_717_000_100_000),
            o => o with { Spot = spot?.Invoke(o.Spot) ?? o.Spot });

    private static NewSpotOrder Market(OrderSide side, decimal qty, string? clientId = null) =>
        new(Btc, side, OrderType.Market) { Quantity = qty, ClientOrderId = clientId };

    private static NewSpotOrder Limit(OrderSide side, decimal qty, decimal price, string? clientId = null) =>
        new(Btc, side, OrderType.Limit) { Quantity = qty, Price = price, ClientOrderId = clientId, TimeInForce = TimeInForce.Gtc };

    [Fact]
    public async Task Market_buy_then_sell_move_balances_by_quantity_times_the_index_price_with_binances_fee_assets()
    {
        await using var h = await StartAsync();
        h.Host.Control.PlayToEnd();

        var buy = (await h.Client.Spot.PlaceOrderAsync(Market(OrderSide.Buy, 0.05m, "spot-buy-1"))).GetOrThrow();
        Assert.Equal("FILLED", buy.Status);
        Assert.Equal("spot-buy-1", buy.ClientOrderId);
        Assert.Equal(0.05m, buy.ExecutedQty);
        Assert.Equal(1000m, buy.CumulativeQuoteQty);        // at the index, not the perp's 20 010
        var fill = Assert.Single(buy.Fills);
        // As Binance without BNB: a buy's commission comes out of the base received.
        Assert.Equal((Index, 0.05m, 0.05m * Fee, "BTC"), (fill.Price, fill.Quantity, fill.Commission, fill.CommissionAsset));

        var account = (await h.Client.Spot.GetAccountAsync()).GetOrThrow();
        Assert.Equal(10_000m - 1000m, account.Balance("USDT").Free);
        Assert.Equal(0.04995m, account.Balance("BTC").Free);
        Assert.Equal(0m, account.Balance("USDT").Locked);
        Assert.Equal((Fee, Fee), (account.CommissionRates.Maker, account.CommissionRates.Taker));
        Assert.Equal("SPOT", account.AccountType);

        // The bought quantity is not sellable in full: the fee took 0.00005 BTC.
        var tooMuch = await h.Client.Spot.PlaceMarketOrderAsync(Btc, OrderSide.Sell, 0.05m, "spot-sell-0");
        Assert.Equal(SpotRejectReason.InsufficientBalance, BinanceSpotApi.RejectReason(tooMuch.Error!));

        var sell = (await h.Client.Spot.PlaceMarketOrderAsync(Btc, OrderSide.Sell, 0.04995m, "spot-sell-1")).GetOrThrow();
        Assert.Equal("FILLED", sell.Status);
        Assert.Equal((999m * Fee, "USDT"), (sell.Fills.Single().Commission, sell.Fills.Single().CommissionAsset)); // a sell's in quote
        account = (await h.Client.Spot.GetAccountAsync()).GetOrThrow();
        Assert.Equal(10_000m - 1000m + 999m - 0.999m, account.Balance("USDT").Free);
        Assert.Equal(0m, account.Balance("BTC").Free);

        var trades = (await h.Client.Spot.GetMyTradesAsync(Btc)).GetOrThrow();
        Assert.Equal([true, false], trades.Select(t => t.IsBuyer));
        Assert.Equal([1000m, 999m], trades.Select(t => t.QuoteQty));
        Assert.Equal(9_998.001m, h.Host.Spot.Balance("USDT").Free);
        Assert.Empty(h.Host.Exchange.Orders); // spot never touches the futures account
    }

    [Fact]
    public async Task Response_types_ack_result_and_full_carry_what_binance_sends()
    {
        await using var h = await StartAsync();
        h.Host.Control.PlayToEnd();

        var ack = (await h.Client.Spot.PlaceOrderAsync(Market(OrderSide.Buy, 0.001m, "r-ack") with { ResponseType = SpotResponseType.Ack })).GetOrThrow();
        Assert.True(ack.OrderId > 0);
        Assert.True(ack.TransactTime > 0);
        Assert.Equal("", ack.Status);
        var result = (await h.Client.Spot.PlaceOrderAsync(Market(OrderSide.Buy, 0.001m, "r-result") with { ResponseType = SpotResponseType.Result })).GetOrThrow();
        Assert.Equal("FILLED", result.Status);
        Assert.Empty(result.Fills);
        var full = (await h.Client.Spot.PlaceOrderAsync(Market(OrderSide.Buy, 0.001m, "r-full"))).GetOrThrow();
        Assert.Single(full.Fills);

        var byQuote = (await h.Client.Spot.PlaceOrderAsync(new NewSpotOrder(Btc, OrderSide.Buy, OrderType.Market) { QuoteOrderQty = 101m })).GetOrThrow();
        Assert.Equal(0.00505m, byQuote.ExecutedQty); // 101 / 20 000, down to the 0.00001 step
        Assert.Equal(101m, byQuote.OrigQuoteOrderQty);
    }

    [Fact]
    public async Task A_limit_order_locks_quote_rests_is_listed_queried_and_cancelled_then_another_fills_as_maker_when_the_index_passes_it()
    {
        var tape = new SimTape().Trade(20_010m).MarkPrice(Index + 1, 0.0001m, 1_717_000_100_000)
            .MarkPrice(19_401m, 0.0001m, 1_717_000_100_000); // index 19 400
        await using var h = await StartAsync(tape);
        h.Host.Control.Step(2);

        var resting = (await h.Client.Spot.PlaceOrderAsync(Limit(OrderSide.Buy, 0.01m, 19_000m, "lim-1"))).GetOrThrow();
        Assert.Equal("NEW", resting.Status);
        var account = (await h.Client.Spot.GetAccountAsync()).GetOrThrow();
        Assert.Equal(190m, account.Balance("USDT").Locked); // a buy's fee is paid in the base received
        Assert.Equal(10_000m - 190m, account.Balance("USDT").Free);
        Assert.Equal("lim-1", Assert.Single((await h.Client.Spot.GetOpenOrdersAsync(Btc)).GetOrThrow()).ClientOrderId);
        Assert.Equal("NEW", (await h.Client.Spot.GetOrderAsync(OrderRef.ByClientId(Btc, "lim-1"))).GetOrThrow().Status);

        var cancelled = (await h.Client.Spot.CancelOrderAsync(OrderRef.ById(Btc, resting.OrderId))).GetOrThrow();
        Assert.Equal(("CANCELED", "lim-1"), (cancelled.Status, cancelled.OrigClientOrderId));
        account = (await h.Client.Spot.GetAccountAsync()).GetOrThrow();
        Assert.Equal((10_000m, 0m), (account.Balance("USDT").Free, account.Balance("USDT").Locked));
        Assert.Empty((await h.Client.Spot.GetOpenOrdersAsync()).GetOrThrow());
        Assert.Equal(BinanceErrorKind.OrderNotFound, (await h.Client.Spot.CancelOrderAsync(OrderRef.ByClientId(Btc, "lim-1"))).Error!.Kind);
        Assert.Equal(BinanceErrorKind.OrderNotFound, (await h.Client.Spot.GetOrderAsync(OrderRef.ByClientId(Btc, "nope"))).Error!.Kind);

        (await h.Client.Spot.PlaceOrderAsync(Limit(OrderSide.Buy, 0.01m, 19_500m, "lim-2"))).GetOrThrow();
        h.Host.Control.PlayToEnd(); // the index drops to 19 400, through the limit
        var filled = (await h.Client.Spot.GetOrderAsync(OrderRef.ByClientId(Btc, "lim-2"))).GetOrThrow();
        Assert.Equal(("FILLED", 19_500m), (filled.Status, filled.AvgPrice));
        account = (await h.Client.Spot.GetAccountAsync()).GetOrThrow();
        Assert.Equal(10_000m - 195m, account.Balance("USDT").Free); // the unused lock is released
        Assert.Equal(0m, account.Balance("USDT").Locked);
        Assert.Equal(0.01m - 0.01m * Fee, account.Balance("BTC").Free);
        Assert.True(Assert.Single((await h.Client.Spot.GetMyTradesAsync(Btc)).GetOrThrow()).IsMaker);
    }

    [Fact]
    public async Task Insufficient_balance_is_binance_2010_and_leaves_no_order()
    {
        await using var h = await StartAsync();
        h.Host.Control.PlayToEnd();

        var buy = await h.Client.Spot.PlaceOrderAsync(Market(OrderSide.Buy, 0.50001m, "too-big")); // 10 000.2 > 10 000 USDT
        Assert.Equal(BinanceErrorKind.Rejected, buy.Error!.Kind);
        Assert.Equal((-2010, "Account has insufficient balance for requested action."), (buy.Error.Code, buy.Error.Message));
        Assert.Equal(HttpStatusCode.BadRequest, buy.Error.HttpStatus);
        Assert.Equal(SpotRejectReason.InsufficientBalance, BinanceSpotApi.RejectReason(buy.Error));

        var sell = await h.Client.Spot.PlaceOrderAsync(Market(OrderSide.Sell, 0.001m)); // no BTC at all
        Assert.Equal(SpotRejectReason.InsufficientBalance, BinanceSpotApi.RejectReason(sell.Error!));
        Assert.Empty(h.Host.Spot.Orders);
        Assert.Equal(10_000m, h.Host.Spot.Balance("USDT").Free);
    }

    [Fact]
    public async Task A_client_id_of_an_open_order_is_a_duplicate_until_that_order_is_closed()
    {
        await using var h = await StartAsync();
        h.Host.Control.PlayToEnd();

        (await h.Client.Spot.PlaceOrderAsync(Limit(OrderSide.Buy, 0.01m, 19_000m, "dup-1"))).GetOrThrow();
        var again = await h.Client.Spot.PlaceOrderAsync(Limit(OrderSide.Buy, 0.01m, 18_000m, "dup-1"));
        Assert.Equal((-2010, "Duplicate order sent."), (again.Error!.Code, again.Error.Message));
        Assert.Equal(SpotRejectReason.DuplicateOrder, BinanceSpotApi.RejectReason(again.Error));
        Assert.Single(h.Host.Spot.FindByClientId("dup-1"));

        (await h.Client.Spot.CancelOrderAsync(OrderRef.ByClientId(Btc, "dup-1"))).GetOrThrow();
        (await h.Client.Spot.PlaceOrderAsync(Limit(OrderSide.Buy, 0.01m, 18_000m, "dup-1"))).GetOrThrow();
        Assert.Equal(2, h.Host.Spot.FindByClientId("dup-1").Count);
    }

    [Fact]
    public async Task Filters_reject_lots_off_the_step_and_small_notionals()
    {
        await using var h = await StartAsync();
        h.Host.Control.PlayToEnd();
        var offStep = await h.Client.Spot.PlaceOrderAsync(Market(OrderSide.Buy, 0.000015m));
        Assert.Equal((-1013, "Filter failure: LOT_SIZE"), (offStep.Error!.Code, offStep.Error.Message));
        var tiny = await h.Client.Spot.PlaceOrderAsync(Market(OrderSide.Buy, 0.0001m)); // 2 USDT < 5
        Assert.Equal("Filter failure: NOTIONAL", tiny.Error!.Message);
        Assert.Equal(SpotRejectReason.FilterFailure, BinanceSpotApi.RejectReason(tiny.Error));
    }

    [Fact]
    public async Task A_spot_only_symbol_trades_at_its_own_tape_and_a_mapped_symbol_at_the_mapped_tape()
    {
        var tape = new SimTape().Trade(20_010m).MarkPrice(Index + 1, 0.0001m, 1_717_000_100_000)
            .Trade(3_000m, symbol: "ETHUSDT").Trade(19_990m, symbol: "SPOTBTCUSDT");
        await using var h = await StartAsync(tape, s => s with { PriceSymbols = new Dictionary<string, string> { ["BTCUSDT"] = "SPOTBTCUSDT" } });
        h.Host.Control.PlayToEnd();

        var eth = (await h.Client.Spot.PlaceOrderAsync(new NewSpotOrder("ETHUSDT", OrderSide.Buy, OrderType.Market) { Quantity = 0.01m })).GetOrThrow();
        Assert.Equal(3_000m, eth.AvgPrice); // no markPrice frames: the symbol's own trades
        var btc = (await h.Client.Spot.PlaceOrderAsync(Market(OrderSide.Buy, 0.001m))).GetOrThrow();
        Assert.Equal(19_990m, btc.AvgPrice); // the mapped spot tape, not the index
        Assert.Equal(-1121, (await h.Client.Spot.PlaceOrderAsync(new NewSpotOrder("XRPUSDT", OrderSide.Buy, OrderType.Market) { Quantity = 1m })).Error!.Code);
    }

    [Fact]
    public async Task Accepted_then_503_is_unknown_and_the_query_by_client_id_finds_exactly_one_spot_order()
    {
        await using var h = await StartAsync();
        h.Host.Control.PlayToEnd();
        h.Host.Control.FailNext(new FaultRule(FaultKind.Unknown503, PathContains: "/api/v3/order", AfterAccept: true));

        var placed = await h.Client.Spot.PlaceOrderAsync(Market(OrderSide.Buy, 0.01m, "carry-1-open-spot"));
        Assert.Equal(BinanceErrorKind.UnknownOrderStatus, placed.Error!.Kind);
        var found = (await h.Client.Spot.GetOrderAsync(OrderRef.ByClientId(Btc, "carry-1-open-spot"))).GetOrThrow();
        Assert.Equal(("FILLED", 0.01m), (found.Status, found.ExecutedQty));
        Assert.Single(h.Host.Spot.FindByClientId("carry-1-open-spot"));

        h.Host.Control.FailNext(new FaultRule(FaultKind.WafBlocked, PathContains: "/api/v3/order"));
        Assert.Equal(BinanceErrorKind.WafBlocked, (await h.Client.Spot.PlaceOrderAsync(Market(OrderSide.Buy, 0.01m, "waf-1"))).Error!.Kind);
        Assert.Empty(h.Host.Spot.FindByClientId("waf-1"));
    }
}
