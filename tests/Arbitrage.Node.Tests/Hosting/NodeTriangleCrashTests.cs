using System.Globalization;
using System.Text.Json;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Simulator;
using Arbitrage.Simulator.Control;
using Arbitrage.Testing;
using Arbitrage.Testing.Faults;
using Xunit.Abstractions;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// Live triangle attempts through a real node process against the simulator on 127.0.0.1 (its spot account, its spot
/// user-data stream, the live Binance spot gateway): ETH/BTC is SYNTHETIC and 2.5 % rich (<see cref="SpotTriangleTape"/>),
/// so USDT → ETH → BTC → USDT clears the execution floor. The node is SIGKILLed with each leg's intent journaled and
/// its placement held at the simulator, before the exchange answers; the held placement then reaches the exchange;
/// the restarted node resumes the attempt from its journal, asks the exchange about the leg by client id, and
/// finishes the cycle: each leg placed once, the balances back in USDT up to dust below one lot step.
/// </summary>
public sealed class NodeTriangleCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private const decimal RichEthBtc = 0.04450m;
    private const decimal StartUsdt = 1_000m;

    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-tricrash-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        SpotTriangleTape.CopyStrategies(_work);
        File.WriteAllText(Path.Combine(_work, "strategies", "triangles", "tri_binance.json"), """
            {
              "id": "tri_live",
              "venue": "binance-spot",
              "symbols": ["BTC/USDT", "ETH/USDT", "ETH/BTC"],
              "start_assets": { "USDT": 100 },
              "taker_fee": "account",
              "min_net_return": 0.0,
              "staleness_ms": 5000,
              "enabled": true,
              "execute": true,
              "execute_min_net_return": 0.001,
              "leg_timeout_ms": 2000,
              "cooldown_ms": 3600000
            }
            """);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        TestDatabases.DeleteQuietly(_work);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_node_killed_with_a_leg_out_resumes_the_attempt_after_restart_and_never_places_a_leg_twice(int leg)
    {
        await using var sim = await SpotTriangleTape.StartSimulatorAsync(speed: 0.5, ethBtcMid: RichEthBtc, balances: new Dictionary<string, decimal> { ["USDT"] = StartUsdt });
        const string invite = "tricrash-invite-0123456789";
        var env = LiveEnvironment(sim, invite);

        // The legs before `leg` are answered; `leg` is held before the matching engine (the node hears nothing).
        sim.Control.HoldPlacements(afterAccept: false, skip: leg - 1);
        await using (var first = NodeProcess.Start(_work, env))
        {
            await first.WaitListeningAsync(Deadline);
            await FaultDrills.UntilAsync(() => Task.FromResult(first.Stdout.Contains("book feed started for 3 pair(s)", StringComparison.Ordinal)),
                "the node's spot feed", Deadline, first);
            sim.Control.Play();
            await FaultDrills.UntilAsync(() => Task.FromResult(sim.Control.HeldPlacements == 1), $"leg {leg}'s placement held at the exchange", Deadline, first);
            await sim.Control.PauseAsync();
            Assert.Equal(leg - 1, sim.State.Spot.Orders.Count);
            first.Kill();
            await first.WaitExitAsync(Deadline);
        }

        // The request had reached the exchange: it is placed (and fills) after the node died.
        sim.Control.ReleasePlacements();
        await FaultDrills.UntilAsync(() => Task.FromResult(sim.State.Spot.Orders.Count == leg), $"leg {leg} placed after the crash", Deadline);

        await using var second = NodeProcess.Start(_work, env);
        using var client = new NodeClient(await second.WaitListeningAsync(Deadline));
        await client.RegisterAndLoginAsync(invite);
        await FaultDrills.UntilAsync(() => Task.FromResult(second.Stdout.Contains("resumes once the books", StringComparison.Ordinal)),
            "the recovered attempt waiting for its books", Deadline, second);
        sim.Control.Play();

        var done = await client.WaitForAsync("/api/triangles/attempts?venue=binance-spot",
            (_, b) => b.GetArrayLength() > 0 && b.EnumerateArray().All(a => a.GetProperty("outcome").ValueKind == JsonValueKind.String), Deadline);
        await sim.Control.PauseAsync();
        var attempt = Assert.Single(done.EnumerateArray());
        var attemptId = attempt.GetProperty("attemptId").GetString()!;
        output.WriteLine(attempt.ToString());
        foreach (var o in sim.State.Spot.Orders) output.WriteLine($"{o.ClientOrderId} {o.Symbol} {o.Side} {o.Type} {o.Status} {o.ExecutedQty} {o.CumQuote}");
        Assert.Contains(attempt.GetProperty("outcome").GetString(), new[] { "completed", "unwound" });

        // Each order once at the exchange, all of this attempt; the leg that was out was asked about, not resent.
        var orders = sim.State.Spot.Orders.ToList();
        Assert.Equal(orders.Count, orders.Select(o => o.ClientOrderId).Distinct().Count());
        Assert.All(orders, o => Assert.StartsWith(TriangleOrderIds.Leg(attemptId, 1)[..^2], o.ClientOrderId, StringComparison.Ordinal));
        Assert.Single(orders, o => o.ClientOrderId == TriangleOrderIds.Leg(attemptId, leg));
        if (attempt.GetProperty("outcome").GetString() == "completed")
        {
            Assert.Equal(3, attempt.GetProperty("legsFilled").GetInt32());
            Assert.Equal([TriangleOrderIds.Leg(attemptId, 1), TriangleOrderIds.Leg(attemptId, 2), TriangleOrderIds.Leg(attemptId, 3)],
                orders.Select(o => o.ClientOrderId).ToArray());
        }

        // The account holds USDT again: ETH below ETHBTC's step and BTC below BTCUSDT's (the dust the lot steps leave).
        var balances = sim.State.Spot.Balances().ToDictionary(b => b.Asset, b => b.Free + b.Locked);
        Assert.True(balances.GetValueOrDefault("ETH") < SpotTriangleTape.Specs["ETHBTC"].StepSize, $"ETH left: {balances.GetValueOrDefault("ETH")}");
        Assert.True(balances.GetValueOrDefault("BTC") < SpotTriangleTape.Specs["BTCUSDT"].StepSize, $"BTC left: {balances.GetValueOrDefault("BTC")}");
        Assert.Contains($"Triangles binance-spot: resuming attempt {attemptId}", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("attempts trade LIVE", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_503_after_the_exchange_accepted_a_leg_is_asked_about_by_client_id_and_the_cycle_completes_with_each_leg_placed_once()
    {
        await using var sim = await SpotTriangleTape.StartSimulatorAsync(speed: 0.5, ethBtcMid: RichEthBtc, balances: new Dictionary<string, decimal> { ["USDT"] = StartUsdt });
        const string invite = "tri503-invite-0123456789";
        // Leg 1 is placed and filled, then its answer is a 503: an unknown outcome, never a blind resend.
        sim.Control.FailNext(new FaultRule(FaultKind.Unknown503, Count: 1, PathContains: "/api/v3/order", AfterAccept: true));
        await using var node = NodeProcess.Start(_work, LiveEnvironment(sim, invite));
        using var client = new NodeClient(await node.WaitListeningAsync(Deadline));
        await client.RegisterAndLoginAsync(invite);
        await FaultDrills.UntilAsync(() => Task.FromResult(node.Stdout.Contains("book feed started for 3 pair(s)", StringComparison.Ordinal)), "the node's spot feed", Deadline, node);
        sim.Control.Play();

        var done = await client.WaitForAsync("/api/triangles/attempts?venue=binance-spot",
            (_, b) => b.GetArrayLength() > 0 && b[0].GetProperty("outcome").ValueKind == JsonValueKind.String, Deadline);
        await sim.Control.PauseAsync();
        var attempt = done[0];
        var attemptId = attempt.GetProperty("attemptId").GetString()!;
        output.WriteLine(attempt.ToString());
        Assert.Equal("completed", attempt.GetProperty("outcome").GetString());
        Assert.Equal(3, attempt.GetProperty("legsFilled").GetInt32());
        Assert.True(decimal.Parse(attempt.GetProperty("pnlStartAsset").GetString()!, CultureInfo.InvariantCulture) > 0m, attempt.ToString());
        var orders = sim.State.Spot.Orders.Where(o => o.ClientOrderId.StartsWith(TriangleOrderIds.Leg(attemptId, 1)[..^2], StringComparison.Ordinal)).ToList();
        Assert.Equal([TriangleOrderIds.Leg(attemptId, 1), TriangleOrderIds.Leg(attemptId, 2), TriangleOrderIds.Leg(attemptId, 3)],
            orders.Select(o => o.ClientOrderId).ToArray());
        Assert.All(orders, o => Assert.Equal("FILLED", o.Status));
    }

    [Fact]
    public async Task Live_mode_refuses_to_start_when_the_spot_account_of_an_executing_config_cannot_be_read()
    {
        var file = Path.Combine(_work, "strategies", "triangles", "tri_binance.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"taker_fee\": \"account\"", "\"taker_fee\": 0.001", StringComparison.Ordinal));
        await using var sim = await SpotTriangleTape.StartSimulatorAsync(speed: 1);
        sim.Control.FailNext(new FaultRule(FaultKind.ServerError, Count: 1000, PathContains: "/api/v3/account"));
        await using var refused = NodeProcess.Start(_work, LiveEnvironment(sim, "unused-invite-0123456789"));
        Assert.NotEqual(0, await refused.WaitExitAsync(Deadline));
        var line = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("arbitrage-node: live mode refused: triangle config(s) tri_live execute on binance-spot, but the spot account could not be prepared: ",
            line, StringComparison.Ordinal);
        Assert.Contains("GET /api/v3/account", line, StringComparison.Ordinal);
        Assert.Empty(sim.State.Spot.Orders);
    }

    private Dictionary<string, string> LiveEnvironment(SimulatorHost sim, string invite)
    {
        var env = NodeProcess.TestEnvironment(_work, invite);
        var origin = sim.BaseUrl.ToString().TrimEnd('/');
        var ws = "ws" + origin["http".Length..];
        env["ARB__Paths__Strategies"] = Path.Combine(_work, "strategies");
        env["ARB__Exchange__Kind"] = "binance";
        env["ARB__Exchange__Mode"] = "live";
        env["ARB__Exchange__ApiKey"] = sim.Options.ApiKey;
        env["ARB__Exchange__ApiSecret"] = sim.Options.ApiSecret;
        env["ARB__Exchange__RestUrl"] = origin;
        env["ARB__Exchange__SpotRestUrl"] = origin;
        env["ARB__Exchange__WsUrl"] = ws;
        env["ARB__Exchange__SpotWsUrl"] = ws;
        env["ARB__Exchange__Symbols__0"] = "BTCUSDT";
        return env;
    }
}
