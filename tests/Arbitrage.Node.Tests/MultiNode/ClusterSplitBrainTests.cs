using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Arbitrage.Testing;
using Xunit.Abstractions;

namespace Arbitrage.Node.Tests.MultiNode;

/// <summary>
/// Issue #17, split brain: three real nodes on one PostgreSQL; the oldest (every singleton, some symbols) is frozen
/// with SIGSTOP for longer than the failure detector and <c>stable-after</c> allow. The keep-majority resolver on the
/// two others downs it; they keep ingesting every symbol and the risk guard answers on them. After SIGCONT the frozen
/// node learns it was downed and exits with code 4 (no zombie: the survivors still count two members and never see it
/// Up again); started again on the same port it rejoins as a new member.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterSplitBrainTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-split-brain", Guid.NewGuid().ToString("N"));
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
    public async Task A_frozen_node_is_downed_the_majority_keeps_trading_and_the_thawed_node_exits_instead_of_rejoining_as_a_zombie()
    {
        var tapes = ClusterRig.ThreeSymbolTapes(_work);
        _rig = await ClusterRig.StartAsync(_work, 3, tapes, ClusterRig.ThreeSymbols, "200");
        await _rig.WaitSpreadAsync(TimeSpan.FromSeconds(60));
        await _rig.Sim.PostAsync("/sim/control/play");
        var frozen = _rig.Nodes[0];
        var survivor = _rig.Nodes[1];
        var before = await survivor.Http.WaitForAsync(
            "/api/health", (_, h) => ClusterRig.ThreeSymbols.All(s => ClusterRig.Feed(h, s).GetProperty("trades").GetInt64() > 500), ClusterRig.Patience);

        var clock = Stopwatch.StartNew();
        frozen.Process!.Signal(PosixSignalNumber.Stop);
        await _rig.Nodes[1].Http.WaitForAsync("/api/health", (_, h) => Members(h) == 2, ClusterRig.Patience);
        await _rig.Nodes[2].Http.WaitForAsync("/api/health", (_, h) => Members(h) == 2, ClusterRig.Patience);
        var downed = clock.Elapsed;

        // The majority goes on: every symbol (those of the frozen node moved) ingests past where it was, the guard answers.
        var counts = ClusterRig.ThreeSymbols.ToDictionary(s => s, s => ClusterRig.Feed(before, s).GetProperty("trades").GetInt64());
        await survivor.Http.WaitForAsync(
            "/api/health", (_, h) => ClusterRig.ThreeSymbols.All(s => ClusterRig.Feed(h, s).GetProperty("trades").GetInt64() > counts[s] + 500), ClusterRig.Patience);
        await survivor.Http.WaitForAsync("/api/risk", (s, r) => s == HttpStatusCode.OK && r.GetProperty("executorReady").GetBoolean(), ClusterRig.Patience);
        var goingOn = clock.Elapsed;

        // Thawed: it must stop on its own (downed), not carry on as a second cluster.
        frozen.Process.Signal(PosixSignalNumber.Cont);
        var exit = await frozen.Process.WaitExitAsync(TimeSpan.FromSeconds(60));
        var exited = clock.Elapsed;
        output.WriteLine($"SIGSTOP → downed (2 members on the survivors) after {downed.TotalSeconds:F1} s; all symbols ingesting on the majority after {goingOn.TotalSeconds:F1} s; SIGCONT → exit {exit} after {exited.TotalSeconds:F1} s");
        Assert.True(exit == 4, $"the downed node exited with {exit}:\n{frozen.Process.Stdout}");
        Assert.Contains("downed by the cluster", frozen.Process.Stdout, StringComparison.Ordinal);
        foreach (var node in new[] { _rig.Nodes[1], _rig.Nodes[2] })
        {
            var (_, health) = await node.Http.GetAsync("/api/health");
            Assert.Equal(2, Members(health));
            Assert.DoesNotContain(health.GetProperty("cluster").GetProperty("memberList").EnumerateArray(), m => m.GetProperty("address").GetString() == frozen.Address);
        }

        // Restarted cleanly: a new incarnation on the same address joins the two.
        await _rig.StartNodeAsync(frozen);
        await _rig.WaitMembersAsync(3, ClusterRig.Patience);
        Assert.True(survivor.Running && _rig.Nodes[2].Running);
    }

    private static int Members(JsonElement health) => health.GetProperty("cluster").GetProperty("members").GetInt32();
}
