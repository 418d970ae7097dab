using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Sizing;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Serialization;

namespace Arbitrage.Benchmarks.Recovery;

/// <summary>
/// Issue 14, item 2: time until a restarted risk guard and its executor are ready (recovered, reconciled with the paper venue,
/// <see cref="ExecutorReady"/> published) over a journal of about <c>events</c> events, recovered from every event (snapshots
/// deleted: the baseline, also a first start after upgrading) and from their snapshots (saved by the previous start).
/// The journal is what the engine writes: the executor's events of bracket trades made by the real <see cref="ExecutorLogic"/>
/// (entries, brackets, break-even moves, stops, targets, refusals) and the guard's events from the real <see cref="RiskRules"/>,
/// tagged, through Akka.Persistence.Sql. Each start is a new actor system in this (warm) process, as a restart of the
/// singleton on a running node; runs alternate and the medians are reported.
/// Usage: e2e recovery [events=1000000] [runs=3]; PostgreSQL as well when ARB_BENCH_POSTGRES (or ARB_TEST_POSTGRES) is set.
/// </summary>
public static class RecoveryBench
{
    private const long T0 = 1_735_689_600_000; // 2025-01-01 00:00 UTC

    private static readonly string[] Symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"];

    public static async Task RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var hocon = FindHocon();

        var backends = new List<(string Name, Database Db, string? Dir)>();
        var dir = Path.Combine(Path.GetTempPath(), "arb-bench-recovery", Guid.NewGuid().ToString("N"));
        backends.Add(("SQLite (file, WAL)", Database.From(new StorageOptions { DataDir = dir }), dir));
        var pg = Environment.GetEnvironmentVariable("ARB_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("ARB_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(pg)) backends.Add(("PostgreSQL 15", Database.From(new StorageOptions { Postgres = pg }), null));
        else Console.Error.WriteLine("PostgreSQL skipped: set ARB_BENCH_POSTGRES to a connection string to include it.");

        Console.WriteLine($"risk guard + executor recovery: ~{events:N0} events, snapshot every {SnapshotInterval.DefaultEvery}, median of {runs} runs, {Environment.ProcessorCount} cores");
        Console.WriteLine("| journal | events (executor + guard) | without snapshots: ready in | with snapshots: ready in | ratio | same state |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        foreach (var (name, db, _) in backends)
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(30));
            var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(AkkaConfig.Build(hocon, db, includeCluster: false));

            // Warm-up on a small journal of its own: JIT, connection pools, schema creation.
            var warm = new Ids("warm");
            await WriteJournalAsync(config, warm, 20_000);
            await CycleAsync(config, db, warm);

            var ids = new Ids("bench");
            var write = Stopwatch.StartNew();
            var (executorEvents, guardEvents) = await WriteJournalAsync(config, ids, events);
            Console.Error.WriteLine($"{name}: wrote {executorEvents:N0} executor + {guardEvents:N0} guard events in {write.Elapsed.TotalSeconds:0.0} s");

            var without = new List<double>();
            var with = new List<double>();
            var same = true;
            for (var r = 0; r < runs; r++)
            {
                var (w, s, equal) = await CycleAsync(config, db, ids);
                without.Add(w);
                with.Add(s);
                same &= equal;
                Console.Error.WriteLine($"{name}: run {r + 1}: without snapshots {w:0.000} s, with {s:0.000} s");
            }

            Console.WriteLine($"| {name} | {executorEvents + guardEvents:N0} ({executorEvents:N0} + {guardEvents:N0}) | {Median(without):0.00} s | " +
                              $"{Median(with) * 1000:0} ms | {Median(without) / Median(with):0}× | {(same ? "yes" : "NO")} |");
            await CleanUpAsync(db, ids, warm);
        }

        foreach (var (_, _, d) in backends)
        {
            if (d is null) continue;
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(d, true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The persistence ids of one journal.</summary>
    private sealed record Ids(string Prefix)
    {
        public string Guard { get; } = $"{Prefix}-risk-guard-{Guid.NewGuid():N}";

        public string Executor { get; } = $"{Prefix}-executor-{Guid.NewGuid():N}";

        public string Venue { get; } = $"{Prefix}-paper-{Guid.NewGuid():N}";
    }

    /// <summary>
    /// One run: snapshots deleted, a start that recovers every event (and then saves its snapshots, as a first start after an
    /// upgrade does), a start that recovers from those snapshots. Returns both times and whether both starts restored the same state.
    /// </summary>
    private static async Task<(double Without, double With, bool Same)> CycleAsync(Config config, Database db, Ids ids)
    {
        await ExecuteAsync(db, "DELETE FROM snapshot WHERE persistence_id IN (@g, @e)", ids);
        var (without, before) = await StartAsync(config, db, ids, awaitSnapshots: true);
        var (with, after) = await StartAsync(config, db, ids, awaitSnapshots: false);
        return (without, with, before == after);
    }

    /// <summary>Seconds from creating the guard to its executor's <see cref="ExecutorReady"/>, and the state recovered (as JSON).</summary>
    private static async Task<(double Seconds, string State)> StartAsync(Config config, Database db, Ids ids, bool awaitSnapshots)
    {
        var system = ActorSystem.Create("recovery", config);
        try
        {
            var ready = new TaskCompletionSource<ExecutorReady>(TaskCreationOptions.RunContinuationsAsynchronously);
            var listener = system.ActorOf(Props.Create(() => new ReadyListener(ready)));
            var settings = new RiskGuardSettings(new RiskParameters(), new ExecutorSettings(Filters(), PersistenceId: ids.Executor), ids.Guard, AssumeConnected: true);
            var gateway = new PaperGateway(new PaperGatewaySettings(PersistenceId: ids.Venue));

            var clock = Stopwatch.StartNew();
            var guard = system.ActorOf(RiskGuardActor.Props(settings, gateway, listener), "risk-guard");
            var executorReady = await ready.Task.WaitAsync(TimeSpan.FromMinutes(30));
            clock.Stop();
            if (executorReady.Differences != 0) throw new InvalidOperationException($"reconciliation found {executorReady.Differences} differences");

            var risk = await guard.Ask<RiskStatus>(new GetRiskStatus(), TimeSpan.FromSeconds(30));
            var executor = await system.ActorSelection(guard.Path / "executor").Ask<ExecutorStatus>(new GetExecutorStatus(), TimeSpan.FromSeconds(30));
            var state = JsonSerializer.Serialize(
                new { Guard = RiskGuardSnapshot.Of(risk.State, risk.State.Parameters, risk.TradingEnabled, risk.NowMs), Executor = executor.State.ToSnapshot() },
                PersistedMessageSerializer.Json);

            // The start that recovered every event saves its snapshots right after (each journal of at least the interval's
            // events): wait until they are stored.
            var due = awaitSnapshots
                ? await ScalarAsync(db, $"SELECT COUNT(*) FROM (SELECT persistence_id FROM journal WHERE persistence_id IN (@g, @e) GROUP BY persistence_id HAVING COUNT(*) >= {SnapshotInterval.DefaultEvery}) due", ids)
                : 0;
            var deadline = Stopwatch.StartNew();
            while (await ScalarAsync(db, "SELECT COUNT(*) FROM snapshot WHERE persistence_id IN (@g, @e)", ids) < due)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("the snapshots after recovery were not stored within 2 minutes");
                await Task.Delay(50);
            }

            return (clock.Elapsed.TotalSeconds, state);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private sealed class ReadyListener : ReceiveActor
    {
        public ReadyListener(TaskCompletionSource<ExecutorReady> ready)
        {
            Receive<ExecutorReady>(m => ready.TrySetResult(m));
            ReceiveAny(_ => { });
        }
    }

    // ---- the journal ----

    private static IReadOnlyDictionary<string, SymbolFilters> Filters() =>
        Symbols.ToDictionary(s => s, s => new SymbolFilters(s, 0.1m, 0.001m, 0.001m, 5m), StringComparer.Ordinal);

    /// <summary>
    /// Bracket trades one after the other, 10 minutes of event time apart, rotating over four symbols, until about
    /// <paramref name="target"/> events are journaled: 3 in 5 reach TP1 (stop to break-even) then TP2, the others stop out;
    /// every 10th signal meets a busy symbol (refused). The guard records each result with the real rules (daily-loss halts
    /// and loss-streak pauses included, resumed on event time). Everything ends closed, so the venue agrees at reconciliation.
    /// </summary>
    private static async Task<(long Executor, long Guard)> WriteJournalAsync(Config config, Ids ids, int target)
    {
        var system = ActorSystem.Create("journal-writer", config);
        try
        {
            var executorWriter = system.ActorOf(Props.Create(() => new Writer(ids.Executor, ExecutorActor.OrderTag)));
            var guardWriter = system.ActorOf(Props.Create(() => new Writer(ids.Guard, RiskGuardActor.RiskTag)));
            var rules = new ExecutionRules(Filters());
            var executor = ExecutorState.Empty;
            var risk = RiskState.Initial(new RiskParameters(), 0) with { DisconnectedSinceMs = null };
            var executorBatch = new List<object>();
            var guardBatch = new List<object>();
            long executorEvents = 0, guardEvents = 0;

            void Run(ExecutionDecision d)
            {
                executorBatch.AddRange(d.Events);
                executor = d.State;
                foreach (var closed in d.Events.OfType<TradeClosed>())
                {
                    var outcome = RiskRules.OnTradeClosed(risk, closed.PnlR, closed.TimeMs);
                    risk = outcome.State;
                    guardBatch.AddRange(outcome.Transitions.Select(RiskEventMapping.ToEvent));
                }
            }

            void Exchange(string id, GatewayOrderStatus status, decimal filled, decimal price, long t)
            {
                var i = executor.Orders[id].Intent;
                Run(ExecutorLogic.Observe(executor, new GatewayOrder(i.ClientOrderId, i.Symbol, i.Side, i.Type, i.Quantity, i.StopPrice, i.ReduceOnly,
                    status, filled, price, null, t), rules));
            }

            for (var n = 0; executorEvents + guardEvents + executorBatch.Count + guardBatch.Count < target; n++)
            {
                var t = T0 + (n * 600_000L);
                var tick = RiskRules.OnTick(risk, t, []);
                risk = tick.State;
                guardBatch.AddRange(tick.Transitions.Select(RiskEventMapping.ToEvent));

                var symbol = Symbols[n % Symbols.Length];
                var signal = new SignalEmitted($"bench-{symbol}-L-{t}", "bench", "1", symbol, Direction.Long, t, 80, 75, 100, 1.5, 98, 102, 104, []);
                Run(ExecutorLogic.OnSignal(executor, signal, 2m, rules));
                if (n % 10 == 9)
                {
                    Run(ExecutorLogic.OnSignal(executor, signal with { SignalId = signal.SignalId + "-busy" }, 2m, rules));
                }

                string Id(OrderLeg leg) => ClientOrderIds.For(signal.SignalId, leg);
                Exchange(Id(OrderLeg.Entry), GatewayOrderStatus.Filled, 1m, 100m, t + 1_000);
                foreach (var leg in new[] { OrderLeg.StopLoss, OrderLeg.TakeProfit1, OrderLeg.TakeProfit2 })
                    Exchange(Id(leg), GatewayOrderStatus.New, 0m, 0m, t + 1_100);
                if (n % 5 < 3)
                {
                    Exchange(Id(OrderLeg.TakeProfit1), GatewayOrderStatus.Filled, 0.5m, 102m, t + 120_000);
                    Exchange(Id(OrderLeg.BreakEven), GatewayOrderStatus.New, 0m, 0m, t + 120_100);
                    Exchange(Id(OrderLeg.StopLoss), GatewayOrderStatus.Canceled, 0m, 0m, t + 120_200);
                    Exchange(Id(OrderLeg.TakeProfit2), GatewayOrderStatus.Filled, 0.5m, 104m, t + 300_000);
                    Exchange(Id(OrderLeg.BreakEven), GatewayOrderStatus.Canceled, 0m, 0m, t + 300_100);
                }
                else
                {
                    Exchange(Id(OrderLeg.StopLoss), GatewayOrderStatus.Filled, 1m, 98m, t + 240_000);
                    Exchange(Id(OrderLeg.TakeProfit1), GatewayOrderStatus.Canceled, 0m, 0m, t + 240_100);
                    Exchange(Id(OrderLeg.TakeProfit2), GatewayOrderStatus.Canceled, 0m, 0m, t + 240_100);
                }

                if (executorBatch.Count >= 10_000)
                {
                    executorEvents += await FlushAsync(executorWriter, executorBatch);
                    guardEvents += await FlushAsync(guardWriter, guardBatch);
                }
            }

            executorEvents += await FlushAsync(executorWriter, executorBatch);
            guardEvents += await FlushAsync(guardWriter, guardBatch);
            if (executor.Trades.Count != 0) throw new InvalidOperationException("the generated journal left a trade open");
            return (executorEvents, guardEvents);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task<long> FlushAsync(IActorRef writer, List<object> batch)
    {
        if (batch.Count == 0) return 0;
        var written = await writer.Ask<int>(batch.ToArray(), TimeSpan.FromMinutes(10));
        batch.Clear();
        return written;
    }

    /// <summary>Journals what it is given, tagged, 100 events to a write (as the journal batches).</summary>
    private sealed class Writer : ReceivePersistentActor
    {
        public Writer(string persistenceId, string tag)
        {
            PersistenceId = persistenceId;
            Command<object[]>(events =>
            {
                var replyTo = Sender;
                var left = events.Length;
                foreach (var chunk in events.Chunk(100))
                {
                    PersistAll(chunk.Select(e => new Tagged(e, [tag])), _ =>
                    {
                        if (--left == 0) replyTo.Tell(events.Length);
                    });
                }
            });
        }

        public override string PersistenceId { get; }
    }

    // ---- database ----

    private static async Task CleanUpAsync(Database db, params Ids[] all)
    {
        foreach (var ids in all)
        {
            await ExecuteAsync(db, "DELETE FROM snapshot WHERE persistence_id IN (@g, @e, @v)", ids);
            await ExecuteAsync(db, "DELETE FROM journal WHERE persistence_id IN (@g, @e, @v)", ids);
            await ExecuteAsync(db, "DELETE FROM tags WHERE persistence_id IN (@g, @e, @v)", ids);
        }
    }

    private static async Task ExecuteAsync(Database db, string sql, Ids ids)
    {
        await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
        await using var command = Command(connection, sql, ids);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(Database db, string sql, Ids ids)
    {
        await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
        await using var command = Command(connection, sql, ids);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static DbCommand Command(DbConnection connection, string sql, Ids ids)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in new[] { ("@g", ids.Guard), ("@e", ids.Executor), ("@v", ids.Venue) })
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }

        return command;
    }

    private static double Median(List<double> xs)
    {
        var sorted = xs.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string FindHocon()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "hocon", "akka.conf")))
            {
                return Path.Combine(d.FullName, "hocon");
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "hocon");
    }
}
