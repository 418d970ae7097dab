using System.Globalization;
using System.Text.RegularExpressions;
using Akka.Actor;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Signing;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Live;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Tests.Symbols;
using Arbitrage.Simulator;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Execution.Live;

/// <summary>
/// Live mode against the in-process simulator: leverage and margin type set and verified at start (a mismatch
/// refuses signals with a named reason), and the kill switch flattening every symbol and blocking until resumed.
/// </summary>
public sealed partial class LiveAccountAndKillSwitchTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    /// <summary>BTCUSDT around 100 and ETHUSDT around 50, alternating, one second apart (manual playback).</summary>
    private static IReadOnlyList<TapeFrame> TwoSymbolTape(int pairs)
    {
        var frames = new List<TapeFrame>();
        var time = T0;
        for (var i = 0; i < pairs; i++)
        {
            foreach (var (symbol, price) in new[] { ("BTCUSDT", 100m), ("ETHUSDT", 50m) })
            {
                time += 500;
                var id = 9_000 + frames.Count;
                var p = price.ToString(CultureInfo.InvariantCulture);
                var json = $$"""{"e":"aggTrade","E":{{time}},"a":{{id}},"s":"{{symbol}}","p":"{{p}}","q":"0.5","f":{{id * 10}},"l":{{id * 10}},"T":{{time}},"m":false}""";
                frames.Add(new TapeFrame(time, symbol.ToLowerInvariant() + "@aggTrade", json));
            }
        }

        return frames;
    }

    private static Task<SimulatorHost> StartSimulatorAsync() => SimulatorHost.StartAsync(new SimulatorOptions
    {
        Frames = TwoSymbolTape(4),
        Start = PlaybackStart.Manual,
        Speed = double.PositiveInfinity,
        ApiKey = LiveSim.Key,
        ApiSecret = LiveSim.Secret,
    });

    private async Task<(IActorRef Guard, Akka.TestKit.TestProbe Events, AccountNotReady? Alert)> StartGuardAsync(IExchangeGateway gateway, bool assumeConnected = true)
    {
        var events = CreateTestProbe("risk-events");
        var settings = new RiskGuardSettings(new RiskParameters(), Settings(), "risk-guard-" + Guid.NewGuid().ToString("N"), AssumeConnected: assumeConnected);
        var guard = Sys.ActorOf(RiskGuardActor.Props(settings, gateway, events.Ref));
        AccountNotReady? alert = null;
        await events.FishForMessageAsync<object>(m =>
        {
            if (m is AccountNotReady a) alert = a; // told before "ready"
            return m is ExecutorReady;
        }, Wait);
        await AwaitConditionAsync(async () =>
        {
            var probe = CreateTestProbe();
            guard.Tell(new GetRiskStatus(), probe.Ref);
            return (await probe.ExpectMsgAsync<RiskStatus>()).State.BalanceUsd is not null;
        }, Wait);
        return (guard, events, alert);
    }

    /// <summary>A live gateway on the simulator, started, with its user-data session registered there.</summary>
    private static async Task<LiveSession> StartLiveAsync(SimulatorHost host)
    {
        var rest = new BinanceRestClient(BinanceRestOptions.ForSingleOrigin(host.BaseUrl), new BinanceCredentials(LiveSim.Key, LiveSim.Secret));
        var live = new LiveSession(rest, new LiveGateway(rest));
        using (var start = new CancellationTokenSource(Wait))
        {
            Assert.True(await live.Gateway.StartAsync(start.Token));
        }

        await UntilAsync(() => host.State.Hub.SessionCount == 1, "user-data session registered");
        return live;
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for: {what}");
            await timer.WaitForNextTickAsync();
        }
    }

    // ---- leverage, margin type, position mode ----

    [Fact]
    public async Task Leverage_and_margin_type_are_set_per_symbol_and_verified_from_position_risk()
    {
        await using var host = await StartSimulatorAsync();
        using var rest = new BinanceRestClient(BinanceRestOptions.ForSingleOrigin(host.BaseUrl), new BinanceCredentials(LiveSim.Key, LiveSim.Secret));
        Assert.Equal((20, "cross"), (host.Exchange.Position("BTCUSDT").Leverage, host.Exchange.Position("BTCUSDT").MarginType)); // the simulator's defaults
        var account = new AccountSettings(["BTCUSDT", "ETHUSDT"], 7, MarginType.Isolated,
            new Dictionary<string, int> { ["ETHUSDT"] = 3 }, new Dictionary<string, MarginType> { ["ETHUSDT"] = MarginType.Crossed });
        var gateway = new LiveGateway(rest, new LiveGatewaySettings(Account: account));

        var check = await gateway.PrepareAccountAsync();

        Assert.True(check.Ok, string.Join("; ", check.Problems));
        Assert.Equal((7, "isolated"), (host.Exchange.Position("BTCUSDT").Leverage, host.Exchange.Position("BTCUSDT").MarginType));
        Assert.Equal((3, "cross"), (host.Exchange.Position("ETHUSDT").Leverage, host.Exchange.Position("ETHUSDT").MarginType));
        var risk = await rest.Account.GetPositionRiskAsync();
        Assert.Equal([("BTCUSDT", 7, "isolated"), ("ETHUSDT", 3, "cross")], risk.Data!.Select(p => (p.Symbol, p.Leverage, p.MarginType!)).ToArray());

        // Again: nothing to change (-4046 "No need to change margin type" is success), still verified.
        Assert.True((await gateway.PrepareAccountAsync()).Ok);
    }

    [Fact]
    public async Task Executor_refuses_signals_when_the_exchange_reports_another_leverage()
    {
        await using var host = await StartSimulatorAsync();
        // The exchange accepts the leverage change but keeps reporting 3 (a sub-account limit, a change by another client):
        using var handler = new ReportedLeverage(3) { InnerHandler = new HttpClientHandler() };
        using var rest = new BinanceRestClient(BinanceRestOptions.ForSingleOrigin(host.BaseUrl), new BinanceCredentials(LiveSim.Key, LiveSim.Secret), handler);
        await using var gateway = new LiveGateway(rest, new LiveGatewaySettings(Account: new AccountSettings(["BTCUSDT"], 7, MarginType.Isolated)));
        using (var start = new CancellationTokenSource(Wait))
        {
            Assert.True(await gateway.StartAsync(start.Token));
        }

        var (guard, events, alert) = await StartGuardAsync(gateway);
        var problem = Assert.Single(Assert.IsType<AccountNotReady>(alert).Problems);
        Assert.Equal(("BTCUSDT", LiveAccountSetup.LeverageMismatch), (problem.Symbol, problem.Code));
        Assert.Contains("leverage is 3, configured 7", problem.Reason);

        host.Control.Step(2);
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + 500));
        guard.Tell(LongBtc("t-BTCUSDT-L-lev", T0 + 500));
        var rejected = await events.FishForMessageAsync<SignalRejected>(_ => true, Wait);
        Assert.Equal(("t-BTCUSDT-L-lev", LiveAccountSetup.LeverageMismatch), (rejected.SignalId, rejected.Code));
        Assert.Contains("leverage is 3, configured 7", rejected.Reason);
        Assert.Empty(host.Exchange.Orders); // the rejection was the executor's whole decision: nothing reached the exchange
    }

    // ---- kill switch ----

    [Fact]
    public async Task Kill_switch_flattens_every_symbol_at_the_simulator_and_blocks_until_resumed()
    {
        await using var host = await StartSimulatorAsync();
        await using var live = await StartLiveAsync(host);
        var gateway = live.Gateway;
        var (guard, events, alert) = await StartGuardAsync(gateway);
        Assert.Null(alert);
        host.Control.Step(4);
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + 1500));
        guard.Tell(new MarketTick("ETHUSDT", 50m, T0 + 2000));

        guard.Tell(LongBtc("k-BTCUSDT-L-1", T0 + 2000));
        guard.Tell(Signal("k-ETHUSDT-L-1", "ETHUSDT", Direction.Long, 50, 49, 51, 52, T0 + 2000)); // R 2 USD over 1 → 2 ETH
        await UntilAsync(() => new[] { "k-BTCUSDT-L-1", "k-ETHUSDT-L-1" }.All(id =>
            new[] { "-S", "-1", "-2" }.All(leg => host.Exchange.FindByClientId(id + leg).Count == 1)), "both brackets at the simulator");
        Assert.Equal((1m, 2m), (host.Exchange.Position("BTCUSDT").Amount, host.Exchange.Position("ETHUSDT").Amount));
        Assert.Equal(6, host.Exchange.OpenOrders(null).Count);

        var killed = await guard.Ask<object>(new EngageKillSwitch("ops", "test"), Wait);
        Assert.NotNull(Assert.IsType<RiskStatus>(killed).State.KillSwitch);
        await UntilAsync(() => host.Exchange.Positions.All(p => p.Amount == 0m) && host.Exchange.OpenOrders(null).Count == 0,
            "every position flat and every order canceled at the simulator");
        var closed = new[]
        {
            await events.FishForMessageAsync<TradeClosed>(_ => true, Wait),
            await events.FishForMessageAsync<TradeClosed>(_ => true, Wait),
        };
        Assert.Equal(["k-BTCUSDT-L-1", "k-ETHUSDT-L-1"], closed.Select(c => c.SignalId).Order(StringComparer.Ordinal).ToArray());

        // Killed: a new signal is refused by the guard and never reaches the exchange.
        var ordersBefore = host.Exchange.Orders.Count;
        guard.Tell(LongBtc("k-BTCUSDT-L-2", T0 + 2000));
        var blocked = await events.FishForMessageAsync<SignalBlocked>(b => b.SignalId == "k-BTCUSDT-L-2", Wait);
        Assert.Equal(RiskRule.KillSwitch, blocked.Rule); // the guard's whole decision: nothing went to the executor
        Assert.Equal(ordersBefore, host.Exchange.Orders.Count);
        Assert.All(host.Exchange.Positions, p => Assert.Equal(0m, p.Amount));

        // Resumed: the next signal trades again.
        Assert.Null(Assert.IsType<RiskStatus>(await guard.Ask<object>(new ResumeTrading("ops"), Wait)).State.KillSwitch);
        guard.Tell(LongBtc("k-BTCUSDT-L-3", T0 + 2000));
        await UntilAsync(() => host.Exchange.FindByClientId("k-BTCUSDT-L-3-S").Count == 1, "new trade bracketed after resume");
        Assert.Equal(1m, host.Exchange.Position("BTCUSDT").Amount);
    }

    // ---- exchange disconnect (live) ----

    [Fact]
    public async Task A_dropped_user_data_stream_pauses_new_orders_after_30_s_and_its_return_resumes_them()
    {
        await using var host = await StartSimulatorAsync();
        await using var live = await StartLiveAsync(host);
        var gateway = live.Gateway;
        var (guard, events, _) = await StartGuardAsync(gateway, assumeConnected: false); // live: connection as the gateway reports it
        host.Control.Step(4);
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + 1500));
        async Task<RiskStatus> StatusAsync() => Assert.IsType<RiskStatus>(await guard.Ask<object>(new GetRiskStatus(), Wait));
        Assert.Null((await StatusAsync()).State.DisconnectedSinceMs); // the gateway reported its stream up

        // The stream drops (listenKey expired) and cannot come back while the exchange refuses new listenKeys.
        host.Control.FailNext(new Arbitrage.Simulator.Control.FaultRule(Arbitrage.Simulator.Control.FaultKind.Unknown503, 1_000_000, "listenKey"));
        host.State.ExpireListenKey();
        await AwaitConditionAsync(async () => (await StatusAsync()).State.DisconnectedSinceMs == T0 + 1500, Wait);

        // 31 s of event time later the disconnect breaker pauses new orders.
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + 32_500));
        guard.Tell(new RiskTick(T0 + 32_500));
        guard.Tell(LongBtc("d-BTCUSDT-L-1", T0 + 32_500));
        var blocked = await events.FishForMessageAsync<SignalBlocked>(b => b.SignalId == "d-BTCUSDT-L-1", Wait);
        Assert.Equal(RiskRule.ExchangeDisconnect, blocked.Rule);
        Assert.Empty(host.Exchange.Orders);

        // The exchange answers again: the stream reconnects, the gateway says so, the breaker resumes.
        host.Control.ClearFaults();
        await AwaitConditionAsync(async () => (await StatusAsync()) is { State.DisconnectedSinceMs: null } s
            && !s.State.Breakers.ContainsKey(RiskRule.ExchangeDisconnect), Wait);
        guard.Tell(LongBtc("d-BTCUSDT-L-2", T0 + 32_500));
        await UntilAsync(() => host.Exchange.FindByClientId("d-BTCUSDT-L-2-S").Count == 1, "trade bracketed after the reconnection");
    }

    /// <summary>Rewrites every <c>leverage</c> in positionRisk answers: an exchange that reports another leverage than was set.</summary>
    private sealed partial class ReportedLeverage(int leverage) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.RequestUri?.AbsolutePath.Contains("positionRisk", StringComparison.Ordinal) != true) return response;
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var rewritten = LeverageField().Replace(body, $"\"leverage\":\"{leverage}\"");
            var content = new StringContent(rewritten, System.Text.Encoding.UTF8, "application/json");
            foreach (var h in response.Content.Headers.Where(h => !h.Key.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)))
                content.Headers.TryAddWithoutValidation(h.Key, h.Value);
            response.Content = content;
            return response;
        }

        [GeneratedRegex("\"leverage\":\"\\d+\"")]
        private static partial Regex LeverageField();
    }

    /// <summary>The gateway and the REST client under it, disposed in that order.</summary>
    private sealed class LiveSession(BinanceRestClient rest, LiveGateway gateway) : IAsyncDisposable
    {
        public LiveGateway Gateway { get; } = gateway;

        public async ValueTask DisposeAsync()
        {
            await Gateway.DisposeAsync();
            rest.Dispose();
        }
    }
}
