using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Hosting;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Replay;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;
using Arbitrage.Node.Api.Diagnostics;
using Arbitrage.Node.Hosting;
using Arbitrage.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// ARCHITECTURE §3, one composition: the node (its own <see cref="NodeProgram.Build"/>, Akka started as the node starts it)
/// and a backtest replay (<see cref="ReplayEngine"/>) build the engine's actors at the same paths, and a signal handed to
/// the risk guard the way the strategies hand it (the registry's guard, its singleton proxy) reaches the same guard,
/// executor and paper venue in both.
/// </summary>
public sealed class EngineTopologyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>Where the engine lives: its singletons (managers and proxies) and the symbol shards.</summary>
    private static readonly string[] EngineRoots =
    [
        "/user/" + EngineComposition.RiskGuardName, "/user/" + EngineComposition.RiskGuardName + "-proxy",
        "/user/" + EngineComposition.StrategiesName, "/user/" + EngineComposition.StrategiesName + "-proxy",
        "/user/market-inputs", "/system/sharding/" + EngineComposition.SymbolShards,
    ];

    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-topology", Guid.NewGuid().ToString("N"));
    private WebApplication? _node;
    private AkkaHostedService? _nodeAkka;
    private ReplayEngine? _replay;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_replay is not null)
        {
            await _replay.DisposeAsync();
        }

        if (_nodeAkka is not null)
        {
            await _nodeAkka.StopAsync(CancellationToken.None);
        }

        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        TestDatabases.DeleteQuietly(_work);
    }

    [Fact]
    public async Task The_node_and_a_backtest_build_the_engine_at_the_same_paths_and_route_a_signal_to_the_same_guard_and_executor()
    {
        var (node, nodeRegistry) = await StartNodeAsync();
        _replay = await ReplayEngine.StartAsync(
            new ReplayOptions { Tapes = [], StrategiesDirectory = RepoPaths.Strategies, HoconDirectory = RepoPaths.Hocon, TradesOut = Path.Combine(_work, "trades.csv") },
            rows: null, Stopwatch.StartNew(), CancellationToken.None);

        // The node keeps its configured symbols' entities alive; the replay gets its symbols from the tape: the same ones here.
        var symbols = new NodeOptions().Exchange.Symbols;
        foreach (var symbol in symbols)
        {
            await _replay.Region.Ask<SymbolIndicatorsReply>(new GetSymbolIndicators(symbol), Wait);
            await nodeRegistry.Get<SymbolRegion>().Ask<SymbolIndicatorsReply>(new GetSymbolIndicators(symbol), Wait);
        }

        // A signal as a strategy hands it on: to the registry's guard. It trades through the executor and the paper venue.
        foreach (var (system, guard) in new[] { (node, nodeRegistry.Get<RiskGuard>()), (_replay.System, _replay.Guard!) })
        {
            guard.Tell(new MarketTick("BTCUSDT", 100m, 1_778_198_460_000));
            guard.Tell(new SignalEmitted("topo-BTCUSDT-L-1", "topo", "1", "BTCUSDT", Direction.Long, 1_778_198_460_000, 80, 50, 100, 1, 98, 102, 104, []));
            await UntilAsync(async () => (await guard.Ask<RiskStatus>(new GetRiskStatus(), Wait)).Positions.Any(p => p.Symbol == "BTCUSDT"), $"{system.Name}: a position from the signal");
            // The guard learns positions from its executor, which filled the entry at the paper venue: the executor is here.
            Assert.True((await system.ActorSelection(EngineComposition.ExecutorPath).Ask<ExecutorStatus>(new GetExecutorStatus(), Wait)).Ready);
        }

        var (nodeTree, replayTree) = (await WalkAsync(node), await WalkAsync(_replay.System));
        var nodePaths = EnginePaths(nodeTree);
        output.WriteLine("engine actors of both:\n" + string.Join('\n', nodePaths));
        Assert.Contains("/user/risk-guard/risk-guard/guard/executor/paper-exchange/venue", nodePaths);
        Assert.Contains("/user/strategies/strategies/strategy-example_trades_only/strategy", nodePaths);
        Assert.Contains(nodePaths, p => p.StartsWith("/system/sharding/symbol/", StringComparison.Ordinal) && p.EndsWith("/BTCUSDT", StringComparison.Ordinal));
        Assert.Equal(nodePaths, EnginePaths(replayTree));

        // Besides the engine, the node runs its own parts (HTTP bridge, live clock, recording, funding, audit, projections)
        // and the replay its observer.
        var nodeOnly = UserChildren(nodeTree).Except(UserChildren(replayTree)).ToArray();
        Assert.Equal(["replay-collector"], UserChildren(replayTree).Except(UserChildren(nodeTree)));
        Assert.Contains("market-tick-bridge", nodeOnly);
        Assert.DoesNotContain(nodeOnly, n => EngineRoots.Any(r => r.EndsWith("/" + n, StringComparison.Ordinal)));
    }

    private async Task<(ActorSystem System, ActorRegistry Registry)> StartNodeAsync()
    {
        Directory.CreateDirectory(_work);
        var database = Database.From(new StorageOptions { DataDir = Path.Combine(_work, "data") });
        await database.PrepareAsync(Wait);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = RepoPaths.Root });
        builder.Logging.ClearProviders();
        var options = new NodeOptions
        {
            Paths = new PathsOptions { Hocon = RepoPaths.Hocon, Strategies = RepoPaths.Strategies, Logs = _work },
            Http = new HttpOptions { Urls = "http://127.0.0.1:0" },
        };
        await NodeSchema.EnsureAsync(database, CancellationToken.None);
        _node = NodeProgram.Build(builder, options, new StartupCheck.Result(database, AkkaConfig.Build(RepoPaths.Hocon, database), RepoPaths.Hocon));

        // The node's Akka as the node starts it (Akka.Hosting's service over the node's builder); the HTTP side (and the
        // exchange connection it needs) is not needed here.
        _nodeAkka = ActivatorUtilities.CreateInstance<AkkaHostedService>(_node.Services);
        await _nodeAkka.StartAsync(CancellationToken.None);
        var registry = _node.Services.GetRequiredService<ActorRegistry>();
        await registry.Get<StrategiesActor>().Ask<StrategiesReady>(new AwaitStrategiesReady(), Wait);
        return (_node.Services.GetRequiredService<ActorSystem>(), registry);
    }

    private static async Task<ActorTree> WalkAsync(ActorSystem system)
    {
        var result = new TaskCompletionSource<ActorTree>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(ActorTreeWalker.Props(["/user", "/system"], depth: 7, maxNodes: 5000, quiet: TimeSpan.FromMilliseconds(500), result), "walk-" + Guid.NewGuid().ToString("N"));
        return await result.Task.WaitAsync(TimeSpan.FromMinutes(2));
    }

    private static IEnumerable<string> Paths(ActorNode node) => node.Children.SelectMany(Paths).Prepend(node.Path);

    /// <summary>Every actor path under the engine's roots, temporary actors (asks) left out.</summary>
    private static SortedSet<string> EnginePaths(ActorTree tree) =>
        new(tree.Roots.SelectMany(Paths).Where(p => EngineRoots.Any(r => p == r || p.StartsWith(r + "/", StringComparison.Ordinal)) && !p.Contains("/$", StringComparison.Ordinal)), StringComparer.Ordinal);

    private static IEnumerable<string> UserChildren(ActorTree tree) =>
        tree.Roots.Single(r => r.Path == "/user").Children.Select(c => c.Name).Where(n => !n.StartsWith("walk-", StringComparison.Ordinal) && !n.StartsWith('$'));

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < Wait, "timed out waiting for " + what);
        }
    }
}
