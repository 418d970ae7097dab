using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.UserData;
using Arbitrage.Simulator;

namespace Arbitrage.Binance.Tests.Simulator;

/// <summary>The simulator's WebSocket side: paths, methods, tape order, faults, user data.</summary>
public class SimulatorStreamTests
{
    private static Uri Ws(SimHarness h, string pathAndQuery) => new(h.Host.WebSocketUrl, pathAndQuery);

    [Fact]
    public async Task Combined_stream_delivers_every_frame_wrapped_in_tape_order_once_the_first_subscriber_connects()
    {
        var tape = new SimTape().Trades(100m, 101m).MarkPrice(101m, 0.0001m, 1_717_027_200_000).Trades(102m);
        await using var h = await SimHarness.StartAsync(tape, o => o with { Start = PlaybackStart.OnFirstSubscriber });
        await using var ws = await WsTestClient.ConnectAsync(Ws(h, "/stream?streams=btcusdt@aggTrade/btcusdt@markPrice@1s"));

        var got = new List<(string Stream, JsonElement Data)>();
        for (var i = 0; i < 4; i++)
        {
            var m = await ws.ReceiveJsonAsync();
            got.Add((m.GetProperty("stream").GetString()!, m.GetProperty("data")));
        }
        Assert.Equal(["btcusdt@aggTrade", "btcusdt@aggTrade", "btcusdt@markPrice@1s", "btcusdt@aggTrade"], got.Select(g => g.Stream));
        Assert.Equal(["100", "101", "101", "102"], got.Select(g => g.Data.GetProperty("p").GetString()));
        await h.Host.Control.Player.Completion.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Split_paths_raw_frames_and_live_subscribe_methods()
    {
        var tape = new SimTape().Trades(100m, 101m, 102m);
        await using var h = await SimHarness.StartAsync(tape);
        await using var market = await WsTestClient.ConnectAsync(Ws(h, "/market/ws/btcusdt@aggTrade"));
        await using var pub = await WsTestClient.ConnectAsync(Ws(h, "/public/ws"));

        var sub = await pub.CallAsync("SUBSCRIBE", 1, "btcusdt@aggTrade", "btcusdt@bookTicker");
        Assert.Equal(JsonValueKind.Null, sub.GetProperty("result").ValueKind);
        var list = await pub.CallAsync("LIST_SUBSCRIPTIONS", 2);
        Assert.Equal(["btcusdt@aggTrade", "btcusdt@bookTicker"], list.GetProperty("result").EnumerateArray().Select(e => e.GetString()));
        var bad = await pub.CallAsync("NOPE", 3);
        Assert.True(bad.TryGetProperty("error", out _));

        h.Host.Control.Step(1);
        var raw = await market.ReceiveJsonAsync();
        Assert.Equal("aggTrade", raw.GetProperty("e").GetString()); // not wrapped on /ws
        Assert.Equal("100", (await pub.ReceiveJsonAsync()).GetProperty("p").GetString());

        await pub.CallAsync("UNSUBSCRIBE", 4, "btcusdt@aggTrade");
        await pub.CallAsync("SET_PROPERTY", 5); // malformed SET_PROPERTY → error answer, connection stays
        h.Host.Control.Step(1);
        Assert.Equal("101", (await market.ReceiveJsonAsync()).GetProperty("p").GetString());
        var after = await pub.CallAsync("LIST_SUBSCRIPTIONS", 6); // nothing from the tape came before this answer
        Assert.Equal(["btcusdt@bookTicker"], after.GetProperty("result").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_late_subscriber_starts_from_the_tape_clock_now()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m, 101m, 102m));
        h.Host.Control.Step(2);
        await using var ws = await WsTestClient.ConnectAsync(Ws(h, "/ws/btcusdt@aggTrade"));
        await ws.CallAsync("LIST_SUBSCRIPTIONS", 1); // the session is registered
        h.Host.Control.Step(1);
        Assert.Equal("102", (await ws.ReceiveJsonAsync()).GetProperty("p").GetString());
    }

    [Fact]
    public async Task Raw_trade_tapes_also_feed_aggTrade_and_a_forced_depth_gap_breaks_the_pu_chain_once()
    {
        var path = TestData.Fixture("binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz");
        await using var h = await SimHarness.StartAsync(configure: o => o with { Frames = [], Tapes = [path] });
        await using var ws = await WsTestClient.ConnectAsync(Ws(h, "/stream?streams=btcusdt@depth@100ms/btcusdt@aggTrade"));
        await ws.CallAsync("LIST_SUBSCRIPTIONS", 1);

        var frames = h.Host.State.Frames;
        var depthCount = frames.Take(1500).Count(f => f.Kind == Arbitrage.Simulator.Tape.FrameKind.DepthUpdate);
        var tradeCount = frames.Take(1500).Count(f => f.Kind == Arbitrage.Simulator.Tape.FrameKind.Trade);
        Assert.True(depthCount > 20 && tradeCount > 0, $"fixture slice has {depthCount} diffs, {tradeCount} trades");

        h.Host.Control.Step(1000);
        h.Host.Control.ForceDepthGap("BTCUSDT");
        h.Host.Control.Step(500);

        long? lastU = null;
        var breaks = 0;
        var diffs = 0;
        var aggTrades = 0;
        for (var i = 0; i < depthCount - 1 + tradeCount; i++)
        {
            var m = await ws.ReceiveJsonAsync();
            var data = m.GetProperty("data");
            if (m.GetProperty("stream").GetString() == "btcusdt@aggTrade")
            {
                Assert.Equal("aggTrade", data.GetProperty("e").GetString());
                aggTrades++;
                continue;
            }
            Assert.Equal("btcusdt@depth@100ms", m.GetProperty("stream").GetString());
            diffs++;
            if (lastU is { } u && data.GetProperty("pu").GetInt64() != u) breaks++;
            lastU = data.GetProperty("u").GetInt64();
        }
        Assert.Equal(depthCount - 1, diffs);
        Assert.Equal(tradeCount, aggTrades);
        Assert.Equal(1, breaks);
    }

    [Fact]
    public async Task Drop_all_websockets_cuts_every_connection()
    {
        await using var h = await SimHarness.StartAsync();
        await using var a = await WsTestClient.ConnectAsync(Ws(h, "/ws/btcusdt@aggTrade"));
        await using var b = await WsTestClient.ConnectAsync(Ws(h, "/market/stream?streams=btcusdt@aggTrade"));
        await a.CallAsync("LIST_SUBSCRIPTIONS", 1);
        await b.CallAsync("LIST_SUBSCRIPTIONS", 1);
        Assert.Equal(2, h.Host.Control.DropAllWebSockets());
        await Assert.ThrowsAnyAsync<Exception>(() => a.ReceiveAsync());
        await Assert.ThrowsAnyAsync<Exception>(() => b.ReceiveAsync());
    }

    [Fact]
    public async Task Playback_at_speed_N_completes_on_event_time_pacing()
    {
        var tape = new SimTape().Trades(100m, 101m, 102m, 103m); // 1 s apart
        await using var h = await SimHarness.StartAsync(tape, o => o with { Start = PlaybackStart.Immediately, Speed = 100 });
        await h.Host.Control.Player.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(tape.Now, h.Host.State.TapeNowMs);
        await h.Host.Control.RewindAsync(play: false);
        Assert.Equal(0, h.Host.State.Position);
        Assert.Empty((await h.Client.ExchangeData.GetAggTradesAsync(new AggTradesQuery(SimTape.Symbol))).GetOrThrow());
    }

    [Fact]
    public async Task User_data_stream_pushes_order_and_account_updates()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m, 95m));
        h.Host.Control.Step(1);
        var key = (await h.Client.Account.CreateListenKeyAsync()).GetOrThrow();
        await using var ws = await WsTestClient.ConnectAsync(Ws(h, $"/private/ws?listenKey={key}"));
        await ws.CallAsync("LIST_SUBSCRIPTIONS", 1);

        (await h.Client.Trading.PlaceOrderAsync(new NewOrder(SimTape.Symbol, OrderSide.Buy, OrderType.Market) { Quantity = 1m, ClientOrderId = "ud-1" })).GetOrThrow();
        var events = new List<IUserDataEvent>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(UserDataParser.TryParse(Encoding.UTF8.GetBytes(await ws.ReceiveAsync()), out var e, out var err), err);
            events.Add(e!);
        }
        var created = Assert.IsType<OrderTradeUpdate>(events[0]);
        Assert.Equal(("ud-1", "NEW", "NEW"), (created.ClientOrderId, created.ExecutionType, created.Status));
        var fill = Assert.IsType<OrderTradeUpdate>(events[1]);
        Assert.Equal(("TRADE", "FILLED"), (fill.ExecutionType, fill.Status));
        Assert.Equal((1m, 1m, 100m), (fill.LastFilledQty, fill.CumulativeFilledQty, fill.LastFilledPrice));
        Assert.Equal(100m * 0.0005m, fill.Commission);
        Assert.True(fill.IsFill && fill.IsFinal);
        var account = Assert.IsType<AccountUpdate>(events[2]);
        Assert.Equal("ORDER", account.Reason);
        Assert.Equal(1m, account.Positions.Single().PositionAmount);
        Assert.Equal(10_000m - 0.05m, account.Balances.Single().WalletBalance);

        // Closing at a loss reports the realised PnL in o.rp.
        h.Host.Control.Step(1);
        (await h.Client.Trading.PlaceOrderAsync(new NewOrder(SimTape.Symbol, OrderSide.Sell, OrderType.Market) { Quantity = 1m, ClientOrderId = "ud-2" })).GetOrThrow();
        await ws.ReceiveAsync();
        Assert.True(UserDataParser.TryParse(Encoding.UTF8.GetBytes(await ws.ReceiveAsync()), out var closeEvt, out _));
        Assert.Equal(-5m, Assert.IsType<OrderTradeUpdate>(closeEvt).RealizedProfit);
    }

    [Theory]
    [InlineData("/private/ws", false)]
    [InlineData("/private/stream", true)]
    public async Task A_private_connection_without_a_listen_key_is_accepted_and_a_later_subscribe_delivers_that_keys_events(string path, bool combined)
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m));
        h.Host.Control.Step(1);

        // Binance accepts the private connection first; the key comes later by SUBSCRIBE (a raw client, no library).
        await using var ws = await WsTestClient.ConnectAsync(Ws(h, path));
        Assert.Equal(WebSocketState.Open, ws.State);
        var key = (await h.Client.Account.CreateListenKeyAsync()).GetOrThrow();
        await ws.SendAsync($$"""{"method":"SUBSCRIBE","params":["{{key}}"],"id":1}""");
        var answer = await ws.ReceiveJsonAsync();
        Assert.Equal("""{"result":null,"id":1}""", answer.GetRawText());
        var list = await ws.CallAsync("LIST_SUBSCRIPTIONS", 2);
        Assert.Equal([key], list.GetProperty("result").EnumerateArray().Select(e => e.GetString()));

        (await h.Client.Trading.PlaceOrderAsync(new NewOrder(SimTape.Symbol, OrderSide.Buy, OrderType.Market) { Quantity = 1m, ClientOrderId = "sub-1" })).GetOrThrow();
        var frame = await ws.ReceiveJsonAsync();
        if (combined)
        {
            Assert.Equal(key, frame.GetProperty("stream").GetString());
            frame = frame.GetProperty("data");
        }

        Assert.True(UserDataParser.TryParse(Encoding.UTF8.GetBytes(frame.GetRawText()), out var e, out var err), err);
        Assert.Equal(("sub-1", "NEW"), (Assert.IsType<OrderTradeUpdate>(e).ClientOrderId, Assert.IsType<OrderTradeUpdate>(e).ExecutionType));

        // UNSUBSCRIBE (answered after the first order's other events, which CallAsync skips) stops the key's events.
        Assert.Equal(JsonValueKind.Null, (await ws.CallAsync("UNSUBSCRIBE", 3, key)).GetProperty("result").ValueKind);
        Assert.Empty((await ws.CallAsync("LIST_SUBSCRIPTIONS", 4)).GetProperty("result").EnumerateArray());
        (await h.Client.Trading.PlaceOrderAsync(new NewOrder(SimTape.Symbol, OrderSide.Sell, OrderType.Market) { Quantity = 1m, ClientOrderId = "sub-2" })).GetOrThrow();
        await ws.SendAsync("""{"method":"LIST_SUBSCRIPTIONS","id":5}""");
        var next = await ws.ReceiveJsonAsync(); // the order's events would have been queued before this answer
        Assert.Equal(5, next.GetProperty("id").GetInt32());
        Assert.Equal(WebSocketState.Open, ws.State);
    }

    [Fact]
    public async Task A_private_connection_with_the_events_parameter_receives_only_those_events()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m));
        h.Host.Control.Step(1);
        var key = (await h.Client.Account.CreateListenKeyAsync()).GetOrThrow();
        await using var ws = await WsTestClient.ConnectAsync(Ws(h, $"/private/ws?listenKey={key}&events=ACCOUNT_UPDATE"));

        (await h.Client.Trading.PlaceOrderAsync(new NewOrder(SimTape.Symbol, OrderSide.Buy, OrderType.Market) { Quantity = 1m, ClientOrderId = "ev-1" })).GetOrThrow();
        var first = await ws.ReceiveJsonAsync();
        Assert.Equal("ACCOUNT_UPDATE", first.GetProperty("e").GetString()); // the two ORDER_TRADE_UPDATEs were not sent
    }

    [Fact]
    public async Task User_data_client_reconnects_with_a_new_key_after_expiry()
    {
        await using var h = await SimHarness.StartAsync(new SimTape().Trades(100m));
        h.Host.Control.PlayToEnd();
        var keys = new ListenKeyLifecycle(h.Client.Account, TimeProvider.System);
        var client = new UserDataStreamClient(h.Client.Options, keys, TimeProvider.System);
        var connected = Channel.CreateUnbounded<string>();
        client.Reconnected += k => connected.Writer.TryWrite(k);
        var events = Channel.CreateUnbounded<IUserDataEvent>();
        var userSession = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Host.State.Hub.SessionOpened += s => { if (s.ListenKey is not null) userSession.TrySetResult(); };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = client.RunAsync(events.Writer, cts.Token);

        var first = await connected.Reader.ReadAsync(cts.Token);
        await userSession.Task.WaitAsync(cts.Token);
        (await h.Client.Trading.PlaceOrderAsync(new NewOrder(SimTape.Symbol, OrderSide.Buy, OrderType.Market) { Quantity = 1m, ClientOrderId = "udc-1" })).GetOrThrow();
        var evt = Assert.IsType<OrderTradeUpdate>(await events.Reader.ReadAsync(cts.Token));
        Assert.Equal("udc-1", evt.ClientOrderId);

        h.Host.Control.ExpireListenKey();
        var second = await connected.Reader.ReadAsync(cts.Token);
        Assert.NotEqual(first, second);
        cts.Cancel();
        await run;
    }
}
