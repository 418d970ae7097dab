using System.Diagnostics;
using System.Globalization;
using System.Net;
using Arbitrage.Testing;
using Arbitrage.Testing.Faults;
using Xunit.Abstractions;

namespace Arbitrage.Node.Tests.MultiNode;

/// <summary>
/// Issue #17, singleton failover: three live nodes (the simulator's account) on one PostgreSQL. The strategy signals
/// Long; the executor's entry order is held at the simulator before its matching engine, and the node holding the risk
/// guard (the oldest) is SIGKILLed. The held order then reaches the exchange, as a request in flight does. The guard
/// starts on a survivor, recovers its journal and reconciles by client id: exactly one entry order at the exchange, the
/// stop and both take-profits armed. The time from SIGKILL to the guard answering on a survivor is measured.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterSingletonFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Symbol = ExecutionFaultDrill.Symbol;
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-singleton-failover", Guid.NewGuid().ToString("N"));
    private ClusterRig? _rig;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task The_risk_guard_moves_to_a_survivor_and_a_held_entry_is_reconciled_not_sent_twice()
    {
        Directory.CreateDirectory(_work);
        var tape = ExecutionFaultDrill.WriteTape(_work);
        var strategies = Path.Combine(_work, "strategies");
        Directory.CreateDirectory(strategies);
        File.WriteAllText(Path.Combine(strategies, "fault.json"), """
            { "id": "fault", "tag": "ft", "version": "1", "symbols": ["*"], "threshold": 50, "cooldown_minutes": 1440,
              "signals": { "cvd": { "weight": 100, "params": { "base_share": 1 } } },
              "tp_sl": { "sl_atr": 1.4, "tp1_atr": 1.05, "tp2_atr": 2.1 }, "enabled": true }
            """);
        var env = new Dictionary<string, string>
        {
            ["ARB__Paths__Strategies"] = strategies,
            ["ARB__Exchange__Mode"] = "live",
            ["ARB__Exchange__ApiKey"] = SimulatorProcess.Key,
            ["ARB__Exchange__ApiSecret"] = SimulatorProcess.Secret,
        };
        _rig = await ClusterRig.StartAsync(_work, 3, [tape], [Symbol], "max", env, ["--api-key", SimulatorProcess.Key, "--api-secret", SimulatorProcess.Secret]);
        var oldest = _rig.Nodes[0];
        Assert.Contains("started singleton actor [akka://arbitrage/user/risk-guard/risk-guard]", oldest.Process!.Stdout, StringComparison.Ordinal);
        var survivor = _rig.Nodes[1];
        await FaultDrills.UntilAsync(
            async () => (await _rig.Sim.StateAsync()).GetProperty("streams").EnumerateArray().Any(s => s.GetString() == "btcusdt@aggTrade"),
            "the symbol's market stream subscribed", ClusterRig.Patience);

        // The entry is held before the matching engine; the tape plays until it is.
        await _rig.Sim.PostAsync("/sim/control/hold-orders");
        await FaultDrills.StepBurstAsync(
            frames => _rig.Sim.PostAsync($"/sim/control/step?frames={frames}"), ExecutionFaultDrill.Phase1Frames, ExecutionFaultDrill.T0, survivor.Http, survivor.Process!);
        await FaultDrills.UntilAsync(async () => (await _rig.Sim.StateAsync()).GetProperty("heldPlacements").GetInt32() == 1, "the entry held at the exchange", ClusterRig.Patience);

        var clock = Stopwatch.StartNew();
        output.WriteLine($"SIGKILL at {DateTime.Now:HH:mm:ss.fff}");
        oldest.Process!.Kill();
        await oldest.Process.WaitExitAsync(TimeSpan.FromSeconds(30));
        await _rig.Sim.PostAsync("/sim/control/release-orders"); // the request in flight reaches the exchange after its sender died

        await survivor.Http.WaitForAsync("/api/risk", (s, _) => s == HttpStatusCode.OK, ClusterRig.Patience);
        var toAnswer = clock.Elapsed;
        await survivor.Http.WaitForAsync("/api/risk", (s, b) => s == HttpStatusCode.OK && b.GetProperty("executorReady").GetBoolean(), ClusterRig.Patience);
        var toReady = clock.Elapsed;
        await FaultDrills.UntilAsync(
            async () => (await _rig.Sim.AllOrdersAsync(Symbol)).Count(o => o.GetProperty("status").GetString() == "NEW") == 3,
            "the stop and both take-profits armed at the exchange", ClusterRig.Patience);
        output.WriteLine($"SIGKILL of the oldest → the risk guard answered on {survivor.Name} after {toAnswer.TotalSeconds:F1} s, executor ready after {toReady.TotalSeconds:F1} s, brackets armed after {clock.Elapsed.TotalSeconds:F1} s");

        foreach (var line in survivor.Process!.Stdout.Split('\n').Where(l => l.Contains("UNREACHABLE", StringComparison.OrdinalIgnoreCase) || l.Contains("SBR", StringComparison.Ordinal) || l.Contains("emov", StringComparison.Ordinal) || l.Contains("risk-guard", StringComparison.Ordinal) || l.Contains("Oldest", StringComparison.Ordinal)))
        {
            output.WriteLine(line);
        }

        var orders = await _rig.Sim.AllOrdersAsync(Symbol);
        Assert.All(orders.GroupBy(o => o.GetProperty("clientOrderId").GetString()), g => Assert.Single(g));
        var entries = orders.Where(o => o.GetProperty("clientOrderId").GetString()!.EndsWith("-E", StringComparison.Ordinal)).ToArray();
        var entry = Assert.Single(entries);
        Assert.Equal("FILLED", entry.GetProperty("status").GetString());
        var signal = entry.GetProperty("clientOrderId").GetString()![..^2];
        var armed = orders.Where(o => o.GetProperty("status").GetString() == "NEW").Select(o => o.GetProperty("clientOrderId").GetString()).Order().ToArray();
        Assert.Equal(new[] { signal + "-1", signal + "-2", signal + "-S" }, armed);
        Assert.Equal(decimal.Parse(entry.GetProperty("executedQty").GetString()!, CultureInfo.InvariantCulture), await _rig.Sim.PositionAsync(Symbol));
        var positions = await survivor.Http.WaitForAsync("/api/positions", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() == 1, ClusterRig.Patience);
        Assert.Equal(Symbol, positions[0].GetProperty("symbol").GetString());
    }
}
