using Akka.Actor;
using Arbitrage.Binance.Rest;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Tests.Symbols;
using Arbitrage.Simulator.Control;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;

namespace Arbitrage.Engine.Tests.Execution.Live;

/// <summary>
/// Rate-limit storms and a slow exchange against the real <see cref="Arbitrage.Engine.Execution.Live.LiveGateway"/> and the Binance simulator on
/// 127.0.0.1 (issue 13, item 4): nothing is stranded at the exchange, the symbol is free afterwards, and a position that
/// could not be protected in time is closed and alerted.
/// </summary>
public sealed class LiveFaultTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StormWait = TimeSpan.FromSeconds(60);

    private async Task<(IActorRef Guard, Akka.TestKit.TestProbe Events)> StartGuardAsync(LiveSim sim, ExecutorSettings settings)
    {
        var events = CreateTestProbe("risk-events");
        var guard = Sys.ActorOf(RiskGuardActor.Props(
            new RiskGuardSettings(new RiskParameters(), settings, "risk-guard-" + Guid.NewGuid().ToString("N"), AssumeConnected: true),
            sim.Gateway, events.Ref), "risk-guard");
        await events.FishForMessageAsync<ExecutorReady>(_ => true, Wait);
        await AwaitConditionAsync(async () => (await guard.Ask<RiskStatus>(new GetRiskStatus(), Wait)).State.BalanceUsd is not null, Wait);
        return (guard, events);
    }

    private static void Play(LiveSim sim, IActorRef guard, decimal price, int index)
    {
        sim.Host.Control.Step(1);
        guard.Tell(new MarketTick(LiveTape.Symbol, price, T0 + (index + 1) * 1000L));
    }

    private static string Status(LiveSim sim, string clientOrderId) =>
        sim.Host.Exchange.FindByClientId(clientOrderId) is [var o] ? o.Status : "absent";

    /// <summary>
    /// Stop, TP1 and TP2 all work at the exchange. The three placements travel concurrently: a test that moved the price
    /// before TP1 arrived would see the exchange refuse it as "would immediately trigger" (a CI failure of this class).
    /// </summary>
    private static bool BracketsWorking(LiveSim sim, string id) =>
        Status(sim, id + "-S") == "NEW" && Status(sim, id + "-1") == "NEW" && Status(sim, id + "-2") == "NEW";

    private ExecutorState ExecutorStateOf(IActorRef guard)
    {
        var probe = CreateTestProbe();
        Sys.ActorSelection(guard.Path / "executor").Tell(new GetExecutorStatus(), probe.Ref);
        return probe.ExpectMsg<ExecutorStatus>().State;
    }

    [Fact]
    public async Task A_429_storm_on_the_move_to_break_even_keeps_the_old_stop_until_the_new_one_is_placed_and_leaves_nothing_behind()
    {
        decimal[] tape = [100m, 101m, 102m, 103m, 104m];
        await using var sim = await LiveSim.StartAsync(new LiveTape().Trades(tape));
        var (guard, events) = await StartGuardAsync(sim, Settings());
        const string id = "t-BTCUSDT-L-1";
        var rateLimited = 0;
        sim.Rest.Alert += a =>
        {
            if (a.Kind == BinanceAlertKind.RateLimited) Interlocked.Increment(ref rateLimited);
        };

        Play(sim, guard, tape[0], 0);
        guard.Tell(LongBtc(id, T0 + 1000));
        await sim.UntilAsync(() => BracketsWorking(sim, id), "brackets placed");

        // TP1 fills at the exchange; every REST call after it meets a 429 storm (Retry-After 1 s) for a while.
        sim.Host.Control.FailNext(new FaultRule(FaultKind.RateLimited, Count: 8, RetryAfterSeconds: 1));
        Play(sim, guard, tape[1], 1);
        Play(sim, guard, tape[2], 2);
        await UntilAsync(() => Status(sim, id + "-B") == "NEW" && Status(sim, id + "-S") == "CANCELED", "break-even stop placed, then the old stop canceled", StormWait,
            () => Describe(sim, guard));
        Assert.True(Volatile.Read(ref rateLimited) >= 1, "the storm hit the executor's calls");
        Assert.Equal(0.5m, sim.Host.Exchange.Position(LiveTape.Symbol).Amount);

        Play(sim, guard, tape[3], 3);
        Play(sim, guard, tape[4], 4); // TP2
        Assert.Equal(ExitReason.Tp2, (await events.FishForMessageAsync<TradeClosed>(_ => true, Wait)).ExitReason);
        await UntilAsync(() => sim.Host.Exchange.OpenOrders(null).Count == 0, "no order left at the exchange", Wait);
        Assert.Equal(0m, sim.Host.Exchange.Position(LiveTape.Symbol).Amount);
        await AwaitConditionAsync(() => Task.FromResult(ExecutorStateOf(guard).Trades.IsEmpty), Wait); // the symbol is free
    }

    [Fact]
    public async Task A_429_storm_that_keeps_the_stop_out_past_the_protection_timeout_closes_the_position_and_alerts()
    {
        decimal[] tape = [100m, 100.5m];
        await using var sim = await LiveSim.StartAsync(new LiveTape().Trades(tape));
        var (guard, events) = await StartGuardAsync(sim, Settings() with { ProtectionTimeout = TimeSpan.FromSeconds(1) });
        const string id = "t-BTCUSDT-L-1";

        // The entry waits at the exchange while the storm is queued behind it: it fills, then its stop meets the storm.
        Play(sim, guard, tape[0], 0);
        sim.Host.Control.HoldPlacements();
        guard.Tell(LongBtc(id, T0 + 1000));
        await sim.UntilAsync(() => sim.Host.Control.HeldPlacements == 1, "entry held at the exchange");
        sim.Host.Control.FailNext(new FaultRule(FaultKind.RateLimited, Count: 6, RetryAfterSeconds: 1));
        sim.Host.Control.ReleasePlacements();

        var alert = await events.FishForMessageAsync<ExecutionAlertRaised>(_ => true, StormWait);
        Assert.Equal((ExecutionAlertKind.ProtectionMissing, LiveTape.Symbol, id), (alert.Kind, alert.Symbol, alert.SignalId));
        Assert.Contains("429", alert.Detail);
        var closed = await events.FishForMessageAsync<TradeClosed>(_ => true, StormWait);
        Assert.Equal(ExitReason.ProtectionFailed, closed.ExitReason);
        await UntilAsync(() => sim.Host.Exchange.OpenOrders(null).Count == 0, "no order left at the exchange", StormWait);
        Assert.Equal(0m, sim.Host.Exchange.Position(LiveTape.Symbol).Amount);
        await AwaitConditionAsync(() => Task.FromResult(ExecutorStateOf(guard).Trades.IsEmpty), Wait);
    }

    [Fact]
    public async Task With_6_s_of_REST_latency_the_second_take_profit_is_canceled_after_the_break_even_stop_fills()
    {
        decimal[] tape = [100m, 101m, 102m, 99.9m];
        await using var sim = await LiveSim.StartAsync(new LiveTape().Trades(tape));
        var (guard, events) = await StartGuardAsync(sim, Settings());
        const string id = "t-BTCUSDT-L-1";

        Play(sim, guard, tape[0], 0);
        guard.Tell(LongBtc(id, T0 + 1000));
        await sim.UntilAsync(() => BracketsWorking(sim, id), "brackets placed");
        Play(sim, guard, tape[1], 1);
        Play(sim, guard, tape[2], 2); // TP1: stop to break-even
        await UntilAsync(() => Status(sim, id + "-B") == "NEW" && Status(sim, id + "-S") == "CANCELED", "stop moved to break-even", Wait,
            () => Describe(sim, guard));

        // Every REST answer now takes 6 s, more than the client's 5 s order timeout; the stream stays fast.
        sim.Host.Control.Latency = TimeSpan.FromSeconds(6);
        Play(sim, guard, tape[3], 3); // through the break-even stop
        Assert.Equal(ExitReason.BreakEven, (await events.FishForMessageAsync<TradeClosed>(_ => true, Wait)).ExitReason);
        await UntilAsync(() => Status(sim, id + "-2") == "CANCELED", "the second take-profit canceled", StormWait);
        Assert.Empty(sim.Host.Exchange.OpenOrders(null));
        Assert.Equal(0m, sim.Host.Exchange.Position(LiveTape.Symbol).Amount);
        sim.Host.Control.Latency = TimeSpan.Zero;
        await AwaitConditionAsync(() => Task.FromResult(ExecutorStateOf(guard).Trades.IsEmpty), Wait);
    }

    /// <summary>What the exchange and the executor hold, for a failure message.</summary>
    private string Describe(LiveSim sim, IActorRef guard)
    {
        var exchange = string.Join(", ", sim.Host.Exchange.OpenOrders(null).Select(o => $"{o.ClientOrderId}={o.Status}"));
        var executor = string.Join(", ", ExecutorStateOf(guard).Orders.Values.Select(o => $"{o.Intent.ClientOrderId}: accepted={o.Accepted} final={o.IsFinal}"));
        return $"exchange open orders [{exchange}], position {sim.Host.Exchange.Position(LiveTape.Symbol).Amount}; executor orders [{executor}]";
    }

    private static async Task UntilAsync(Func<bool> condition, string what, TimeSpan timeout, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for: {what}; {describe?.Invoke()}");
            await timer.WaitForNextTickAsync();
        }
    }
}
