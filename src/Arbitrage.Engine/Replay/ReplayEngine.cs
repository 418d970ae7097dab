using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Hosting;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// The engine of a replay: <see cref="EngineComposition.AddArbitrageEngine"/>, as the node builds it, in a one-member
/// cluster on 127.0.0.1. What a replay changes is only what feeds it and its journal: trades are pushed from tapes
/// (no market-data stream, no symbol snapshots, strategy files fixed), the journal is in memory (SQLite in
/// <see cref="ReplayOptions.JournalDirectory"/> when asked), and in a backtest the risk guard's clock is the tape
/// (<see cref="TapeClock"/> instead of the tick bridge) and the paper account's calls and the stashing actors' mailboxes
/// are counted for the tape clock's barrier (<see cref="TradingBarrier"/>). The cluster's timings are shortened: a
/// replay's engine start and stop count in its run time.
/// </summary>
internal sealed class ReplayEngine : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _services;
    private readonly IHostedService _akka;
    private readonly bool _sqlite;

    private ReplayEngine(ServiceProvider services, IHostedService akka, bool sqlite, List<(string Step, TimeSpan At)> startSteps)
    {
        _services = services;
        _akka = akka;
        StartSteps = startSteps;
        _sqlite = sqlite;
        System = services.GetRequiredService<ActorSystem>();
        var registry = services.GetRequiredService<ActorRegistry>();
        Region = registry.Get<SymbolRegion>();
        Strategies = registry.Get<StrategiesActor>();
        Triangles = registry.Get<TriangleRegion>();
        Guard = registry.TryGet<RiskGuard>(out var guard) ? guard : null;
        Mediator = DistributedPubSub.Get(System).Mediator;
    }

    public ActorSystem System { get; }

    public IActorRef Mediator { get; }

    public IActorRef Region { get; }

    /// <summary>The <c>triangle</c> shard region.</summary>
    public IActorRef Triangles { get; }

    /// <summary>The strategies supervisor's proxy.</summary>
    public IActorRef Strategies { get; }

    /// <summary>The risk guard's proxy (a backtest).</summary>
    public IActorRef? Guard { get; }

    public IActorRef Collector { get; private set; } = ActorRefs.Nobody;

    /// <summary>The barrier of a backtest's tape clock; null without an account.</summary>
    public TradingBarrier? Barrier { get; private set; }

    /// <summary>The account as it starts (settled): a journal directory may hold one from an earlier run.</summary>
    public RiskStatus? AccountAtStart { get; private set; }

    /// <summary>Wall-clock marks of the start (actor system, member up, engine, collector and strategies, account).</summary>
    public List<(string Step, TimeSpan At)> StartSteps { get; }

    /// <summary>Starts the engine and waits until it can take the first tick: the collector subscribed, every strategy
    /// recovered and subscribed, and (a backtest) the executor reconciled with the paper venue and the balance known.</summary>
    public static async Task<ReplayEngine> StartAsync(ReplayOptions options, IndicatorCsvRows? rows, Stopwatch clock, CancellationToken ct)
    {
        var sqlite = options.JournalDirectory is not null;
        var database = Database.From(new StorageOptions
        {
            DataDir = options.JournalDirectory ?? Path.Combine(Path.GetTempPath(), "arb-replay"),
            SqliteFile = "replay.db",
        });
        if (sqlite)
        {
            await database.PrepareAsync(StartTimeout, ct).ConfigureAwait(false);
        }

        var gateway = options.TradesOut is null ? null : new CallCountingGateway(new PaperGateway(options.Paper));
        var steps = new List<(string Step, TimeSpan At)> { ("configuration", clock.Elapsed) };
        var config = Hocon(sqlite, backtest: gateway is not null).WithFallback(AkkaConfig.Build(options.HoconDirectory, database));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>(); // told when the actor system ends
        services.AddAkka("replay", (akka, _) =>
        {
            akka.AddHocon(config, HoconAddMode.Append);
            if (sqlite)
            {
                akka.AddSetup(PersistenceSetup.For(database));
            }

            akka.WithRemoting("127.0.0.1", 0);
            akka.WithClustering(new ClusterOptions { Roles = [EngineSetup.EngineRole] });
            akka.WithActors((system, _) =>
            {
                steps.Add(("actor system", clock.Elapsed));

                // The journal starts while the node joins itself: the strategies (singletons, so started once the node
                // is up) recover from it at once.
                var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
                persistence.JournalFor(null);
                persistence.SnapshotStoreFor(null);
                var cluster = Akka.Cluster.Cluster.Get(system);
                cluster.RegisterOnMemberUp(() =>
                {
                    lock (steps)
                    {
                        steps.Add(("member up", clock.Elapsed));
                    }
                });
                cluster.Join(cluster.SelfAddress);
            });
            akka.AddArbitrageEngine(new EngineSetup
            {
                StrategiesDirectory = options.StrategiesDirectory,
                WatchStrategies = false,
                Symbol = new SymbolSettings(SnapshotEveryMs: 0),
                Trading = gateway is null ? null : new EngineTrading(
                    gateway,
                    new ExecutorSettings(new FilterBook(new Dictionary<string, Core.Sizing.SymbolFilters>(), FilterBook.Generic), TakerFeeRate: options.Paper.TakerFeeRate),
                    AssumeConnected: true)
                {
                    TicksFromIndicators = false,
                },
            });
        });

        // Akka.Hosting's service alone: a replay needs no host around it (configuration, environment, console lifetime).
        var provider = services.BuildServiceProvider();
        var akka = provider.GetServices<IHostedService>().Single();
        var engine = (ReplayEngine?)null;
        try
        {
            await akka.StartAsync(ct).ConfigureAwait(false);
            lock (steps)
            {
                steps.Add(("engine", clock.Elapsed));
            }

            engine = new ReplayEngine(provider, akka, sqlite, steps);
            await engine.ReadyAsync(options, rows, gateway, clock, ct).ConfigureAwait(false);
            return engine;
        }
        catch
        {
            if (engine is not null)
            {
                await engine.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await provider.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(StartTimeout);
        await _akka.StopAsync(stop.Token).ConfigureAwait(false);
        await _services.DisposeAsync().ConfigureAwait(false);
        if (_sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    private async Task ReadyAsync(ReplayOptions options, IndicatorCsvRows? rows, CallCountingGateway? gateway, Stopwatch clock, CancellationToken ct)
    {
        Collector = System.ActorOf(ReplayCollector.Props(Mediator, rows, options.SignalsOut is not null, trading: gateway is not null), "replay-collector");
        var subscribed = Collector.Ask<ReplayCollector.Subscribed>(new ReplayCollector.Subscribed(), StartTimeout, ct);
        var strategiesReady = Strategies.Ask<StrategiesReady>(new AwaitStrategiesReady(), StartTimeout, ct);
        await subscribed.ConfigureAwait(false);
        await strategiesReady.ConfigureAwait(false);
        lock (StartSteps)
        {
            StartSteps.Add(("collector + strategies", clock.Elapsed));
        }
        if (gateway is null || Guard is null)
        {
            return;
        }

        // The executor exists once the guard has recovered; trading starts when it has reconciled with the paper venue
        // and the guard knows the balance, which the first settled state shows.
        await Guard.Ask<RiskStatus>(new GetRiskStatus(), StartTimeout, ct).ConfigureAwait(false);
        var executor = await System.ActorSelection(EngineComposition.ExecutorPath).ResolveOne(StartTimeout, ct).ConfigureAwait(false);
        Barrier = new TradingBarrier(Guard, executor, gateway, MessageCount.Get(System));

        // The executor says it is ready from a deferred handler (after its reconciliation's journal writes), which a
        // barrier does not wait for: settle until the guard has heard it.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(StartTimeout);
        var status = await Barrier.SettleAsync(deadline.Token).ConfigureAwait(false);
        while (!status.ExecutorReady || status.State.BalanceUsd is null)
        {
            status = await Barrier.SettleAsync(deadline.Token).ConfigureAwait(false);
        }

        AccountAtStart = status;

        lock (StartSteps)
        {
            StartSteps.Add(("account", clock.Elapsed));
        }
    }

    /// <summary>
    /// A backtest's strategies (their supervisor, and each strategy with its backoff supervisor) share one thread: they take
    /// a tick in the order the supervisor routes it, their journal answers come in the order they wrote, so signals of one
    /// tick from several strategies reach the risk guard in the same order on every run (on a pool of threads, the first
    /// journal write to finish would go first).
    /// </summary>
    private const string Backtest = """

        arbitrage.replay.strategies-dispatcher {
          type = ForkJoinDispatcher
          throughput = 100
          dedicated-thread-pool { thread-count = 1, threadtype = background }
        }
        akka.actor.deployment {
          "/strategies/strategies" { dispatcher = arbitrage.replay.strategies-dispatcher }
          "/strategies/strategies/*" { dispatcher = arbitrage.replay.strategies-dispatcher }
          "/strategies/strategies/*/*" { dispatcher = arbitrage.replay.strategies-dispatcher }
        }
        """;

    /// <summary>The replay's own settings over the node's HOCON files.</summary>
    private static Config Hocon(bool sqlite, bool backtest)
    {
        var replay = ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.cluster.min-nr-of-members = 1
            # Engine start counts in a replay: the coordinator keeps its (one-node, throw-away) state in memory instead
            # of journaling it, the region registers with it on a short interval instead of the default 2 s that made the
            # first batch wait for the first retry, and proxies look for their singleton every 10 ms instead of every 1 s.
            akka.cluster.sharding.state-store-mode = ddata
            akka.cluster.sharding.retry-interval = 100ms
            akka.cluster.singleton-proxy.singleton-identification-interval = 10ms
            # The proxies count that interval as if it were 1 s: at the singletons' stop they warned of a singleton "not
            # found after 30 seconds". A replay's singletons are local, and one that never starts fails the start anyway.
            akka.cluster.singleton-proxy.log-singleton-identification-failure = off
            # So does engine stop: the singleton managers wait hand-over-retry-interval (1 s) for a successor before they
            # stop (a one-node replay has none), and the leader moves the node up at start, and to Exiting when it leaves,
            # on its leader-actions tick (every 1 s, first after periodic-tasks-initial-delay, 1 s).
            akka.cluster.singleton.hand-over-retry-interval = 50ms
            akka.cluster.periodic-tasks-initial-delay = 10ms
            akka.cluster.leader-actions-interval = 10ms
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """);
        if (!sqlite)
        {
            // In memory, linq2db (the SQL plugin's data layer, left to the JIT) is never loaded.
            replay = ConfigurationFactory.ParseString("""
                akka.persistence.journal { plugin = "akka.persistence.journal.inmem", auto-start-journals = [] }
                akka.persistence.snapshot-store { plugin = "akka.persistence.snapshot-store.inmem", auto-start-snapshot-stores = [] }
                """).WithFallback(replay);
        }

        return backtest ? ConfigurationFactory.ParseString(CountingMailbox.Hocon + Backtest).WithFallback(replay) : replay;
    }
}
