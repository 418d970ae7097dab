using System.Buffers;
using System.Diagnostics;
using System.Text;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.MarketData;
using Arbitrage.Core.Strategies;
using Arbitrage.Binance.Protocol;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Funding;
using Arbitrage.Engine.Funding.Carry;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Engine.Replay;

/// <summary>What to replay and where the outputs go.</summary>
public sealed record ReplayOptions
{
    public required IReadOnlyList<string> Tapes { get; init; }

    public required string StrategiesDirectory { get; init; }

    public required string HoconDirectory { get; init; }

    public string? IndicatorsOut { get; init; }

    public string? SignalsOut { get; init; }

    /// <summary>Trades CSV of the paper executor (risk guard + executor + paper gateway) over the signals.</summary>
    public string? TradesOut { get; init; }

    /// <summary>Carry backtest CSV over the tapes' markPrice frames (config: strategies/carry/carry_funding.json).</summary>
    public string? CarryOut { get; init; }

    /// <summary>Paper account and risk per trade for <see cref="TradesOut"/>.</summary>
    public PaperGatewaySettings Paper { get; init; } = new(StartingBalanceUsd: 1_000m, TakerFeeRate: 0.0004m, SlippageBps: 1m);

    /// <summary>
    /// Where the replay journals (SignalEmitted, the paper executor's events): null (default) keeps the journal in
    /// memory for the run — a replay's outputs are its CSVs, and its journal used to be a temp SQLite file deleted at
    /// exit; a directory keeps a SQLite journal there (<c>replay.db</c>) for inspection. Same actors, same Persist calls.
    /// </summary>
    public string? JournalDirectory { get; init; }

    /// <summary>Trades per TradeBatch message (and so per IndicatorSnapshotBatch and per strategy journal write).</summary>
    public int BatchSize { get; init; } = 16_384;

    /// <summary>Batches in flight to the symbol actors before the reader waits for acknowledgements.</summary>
    public int MaxInFlight { get; init; } = 4;

    /// <summary>
    /// Trades the reader may parse ahead while the engine starts (it starts with the replay; the engine takes
    /// ≈ 0.4 s): 2 M trades ≈ 80 MB at most, whatever the batch size.
    /// </summary>
    public int PrefetchTrades { get; init; } = 2 << 20;

    public TextWriter? Progress { get; init; }
}

public sealed record ReplaySummary(long Trades, IReadOnlyList<string> Symbols, int Ticks, int Signals, TimeSpan Elapsed, int ClosedTrades = 0)
{
    public double TradesPerSecond => Trades / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Per strategy (by id): signals, best score against the threshold, and the inputs that were missing.</summary>
    public IReadOnlyList<StrategyScoreReport> Strategies { get; init; } = [];

    /// <summary>The paper executor's closed trades in numbers (with <see cref="ReplayOptions.TradesOut"/>).</summary>
    public BacktestSummary? Backtest { get; init; }

    /// <summary>The lines the replay ends with: one per strategy, then the backtest's numbers when there was one.</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var s in Strategies)
        {
            yield return $"strategy {s.StrategyId}: {s.Describe()}";
        }

        if (Backtest is { } b)
        {
            yield return "backtest: " + b.Describe();
        }
    }

    /// <summary>Where the time went (engine start, feed, draining the subscribers, outputs).</summary>
    public ReplayPhases? Phases { get; init; }
}

/// <summary>
/// Wall-clock phases of a replay. <paramref name="Feed"/>: from engine up until every batch was acknowledged
/// by its SymbolActor; <paramref name="Drain"/>: until every strategy handled (and persisted) the last tick and
/// the collector had everything; <paramref name="Outputs"/>: sorting and writing the CSVs (and the paper/carry
/// backtests when asked). The reader's own split: <paramref name="ReaderParsing"/> vs <paramref name="ReaderWaiting"/>
/// (back-pressure from the actors).
/// </summary>
public sealed record ReplayPhases(TimeSpan Start, TimeSpan Feed, TimeSpan Drain, TimeSpan Outputs, TimeSpan ReaderParsing, TimeSpan ReaderWaiting)
{
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"start {Start.TotalSeconds:0.000} s, feed {Feed.TotalSeconds:0.000} s (reader parsing {ReaderParsing.TotalSeconds:0.000} s, waiting {ReaderWaiting.TotalSeconds:0.000} s), drain {Drain.TotalSeconds:0.000} s, outputs {Outputs.TotalSeconds:0.000} s");
}

/// <summary>
/// <c>arbctl replay</c>: the production actors (sharded SymbolActors, StrategyActors over DistributedPubSub,
/// a one-member cluster, a real journal) driven over tapes at maximum speed in event time. Trades go in as
/// batches so the actor hop is not paid per trade; outputs are sorted by (time, symbol[, strategy]), so two
/// runs on the same input give byte-identical files.
/// </summary>
public static class ReplayRunner
{
    public static async Task<ReplaySummary> RunAsync(ReplayOptions options, CancellationToken ct = default)
    {
        foreach (var tape in options.Tapes)
        {
            if (!File.Exists(tape))
            {
                throw new FileNotFoundException($"{tape}: tape file not found", tape);
            }
        }

        var strategies = StrategyLoader.LoadDirectory(options.StrategiesDirectory);
        if (strategies.Errors.Count > 0)
        {
            throw new InvalidDataException(string.Join(Environment.NewLine, strategies.Errors.Select(e => $"{e} [{e.Rule}]")));
        }

        var clock = Stopwatch.StartNew();

        // The reader parses on its own thread (not a pool thread the actors need) from the start: the first batches
        // are parsed while the engine starts, and later ones while the actors ingest earlier ones (parse ‖ actors).
        var feeder = new Feeder(options, clock);
        var reading = Task.Factory.StartNew(
            () =>
            {
                foreach (var tape in options.Tapes)
                {
                    TapeReader.ReadTrades(tape, symbol: null, feeder, options.BatchSize);
                    ct.ThrowIfCancellationRequested();
                }
            },
            ct,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            return await RunEngineAsync(options, strategies, feeder, reading, clock, ct).ConfigureAwait(false);
        }
        finally
        {
            // Unblocks a reader still waiting for an engine that failed to start; its fault is observed here.
            feeder.Close();
            _ = reading.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private static async Task<ReplaySummary> RunEngineAsync(
        ReplayOptions options, StrategySetLoadResult strategies, Feeder feeder, Task reading, Stopwatch clock, CancellationToken ct)
    {
        var sqliteJournal = options.JournalDirectory is not null;
        var database = Database.From(new StorageOptions
        {
            DataDir = options.JournalDirectory ?? Path.Combine(Path.GetTempPath(), "arb-replay"),
            SqliteFile = "replay.db",
        });
        if (sqliteJournal)
        {
            await database.PrepareAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        }

        var startPhases = new List<(string, TimeSpan)> { ("database", clock.Elapsed) };
        var journal = sqliteJournal
            ? Config.Empty
            : ConfigurationFactory.ParseString("""
                akka.persistence.journal { plugin = "akka.persistence.journal.inmem", auto-start-journals = [] }
                akka.persistence.snapshot-store { plugin = "akka.persistence.snapshot-store.inmem", auto-start-snapshot-stores = [] }
                """);
        var config = journal.WithFallback(ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.cluster.min-nr-of-members = 1
            # Engine start counts in a replay: the coordinator keeps its (one-node, throw-away) state in memory
            # instead of recovering and journaling it in SQLite, and the region registers with it on a short
            # interval instead of the default 2 s that made the first batch wait for the first retry.
            akka.cluster.sharding.state-store-mode = ddata
            akka.cluster.sharding.retry-interval = 100ms
            # So does engine stop: the coordinator's singleton manager waits hand-over-retry-interval (1 s) for a
            # successor before it stops (a one-node replay has none), and the leader moves the leaving node to
            # Exiting on its leader-actions tick, every 1 s and first after periodic-tasks-initial-delay (1 s).
            akka.cluster.singleton.hand-over-retry-interval = 50ms
            akka.cluster.periodic-tasks-initial-delay = 50ms
            akka.cluster.leader-actions-interval = 50ms
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """)).WithFallback(AkkaConfig.Build(options.HoconDirectory, database));

        // In memory, linq2db (the SQL plugin's data layer, left to the JIT) is never loaded.
        var setup = sqliteJournal
            ? PersistenceSetup.Bootstrap(config, database)
            : Akka.Actor.Setup.ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        var system = ActorSystem.Create("replay", setup);
        using var indicatorRows = options.IndicatorsOut is { } indicatorsFile ? new IndicatorCsvRows(indicatorsFile) : null;
        startPhases.Add(("actor system", clock.Elapsed));
        try
        {
            // Engine start overlaps: the collector and the strategies (journal plugin start, SQLite schema, each
            // strategy's recovery) come up while the node joins itself and the shard region starts. They only need
            // the local pub-sub mediator, which takes subscriptions before the member is up.
            var mediator = DistributedPubSub.Get(system).Mediator;
            var keepIndicators = options.TradesOut is not null;
            var formatSignals = options.SignalsOut is not null;
            var collector = system.ActorOf(Props.Create(() => new ReplayCollector(mediator, keepIndicators, indicatorRows, formatSignals)), "replay-collector");
            var subscribed = collector.Ask<ReplayCollector.Subscribed>(new ReplayCollector.Subscribed(), TimeSpan.FromSeconds(30), ct);
            var strategiesActor = system.ActorOf(StrategiesActor.Props(new StrategiesSettings(options.StrategiesDirectory, Watch: false), mediator, riskGuard: null), "strategies");
            var strategiesReady = strategiesActor.Ask<StrategiesReady>(new AwaitStrategiesReady(), TimeSpan.FromSeconds(30), ct);

            var cluster = Akka.Cluster.Cluster.Get(system);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            cluster.Join(cluster.SelfAddress);
            await up.Task.WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            startPhases.Add(("member up", clock.Elapsed));

            var region = await ClusterSharding.Get(system).StartAsync(
                "symbol",
                symbol => SymbolActor.Props(symbol, SymbolSettings.Replay, mediator),
                ClusterShardingSettings.Create(system),
                new SymbolMessageExtractor()).ConfigureAwait(false);
            startPhases.Add(("shard region", clock.Elapsed));

            await subscribed.ConfigureAwait(false);
            await strategiesReady.ConfigureAwait(false);
            startPhases.Add(("collector + strategies (rest)", clock.Elapsed));

            var startedAt = clock.Elapsed;
            options.Progress?.WriteLine($"replay: engine up in {startedAt.TotalSeconds:0.000} s (cluster, shard region, {strategies.Strategies.Count} strategies; {feeder.Prefetched:N0} trades parsed meanwhile)");
            feeder.Connect(region);
            await reading.ConfigureAwait(false);
            var readAt = clock.Elapsed;

            await feeder.DrainAsync().ConfigureAwait(false);
            var fedAt = clock.Elapsed;
            options.Progress?.WriteLine($"replay: {feeder.Trades:N0} trades fed and acknowledged at {fedAt.TotalSeconds:0.000} s (read by {readAt.TotalSeconds:0.000} s)");
            var symbols = feeder.Symbols.Order(StringComparer.Ordinal).ToArray();
            foreach (var symbol in symbols)
            {
                await region.Ask<EndOfFeed>(new EndOfFeed(symbol), TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            }

            var expect = new ReplayCollector.Expect(
                symbols,
                strategies.Strategies.Select(s => (s.Id, (Func<string, bool>)s.AppliesTo)).ToArray());
            var complete = await collector.Ask<ReplayCollector.Complete>(expect, TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
            // Every strategy has handled the last tick (the collector waited for each one's end of stream).
            var scores = await strategiesActor.Ask<StrategyScores>(GetStrategyScores.Instance, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            var collectedAt = clock.Elapsed;
            options.Progress?.WriteLine($"replay: {complete.Ticks:N0} ticks, {complete.Signals.Count:N0} signals collected at {clock.Elapsed.TotalSeconds:0.000} s");

            var indicators = InOrder(complete.Indicators);
            // By (time, symbol, strategy); the CSV rows were formatted as the signals arrived.
            var order = Enumerable.Range(0, complete.Signals.Count)
                .OrderBy(i => complete.Signals[i].TimeMs)
                .ThenBy(i => complete.Signals[i].Symbol, StringComparer.Ordinal)
                .ThenBy(i => complete.Signals[i].StrategyId, StringComparer.Ordinal)
                .ToArray();
            var signals = order.Select(i => complete.Signals[i]).ToList();

            var outputPhases = new List<(string, TimeSpan)> { ("sort", clock.Elapsed - collectedAt) };
            if (indicatorRows is not null)
            {
                indicatorRows.Complete();
                outputPhases.Add(("indicators csv", clock.Elapsed - collectedAt));
            }

            if (options.SignalsOut is { } signalsOut)
            {
                var sb = new StringBuilder(ReplayCsv.SignalsHeader).Append('\n');
                foreach (var i in order)
                {
                    sb.Append(complete.SignalRows![i]);
                }

                WriteAtomically(signalsOut, sb);
                outputPhases.Add(("signals csv", clock.Elapsed - collectedAt));
            }

            var closed = 0;
            BacktestSummary? backtest = null;
            if (options.TradesOut is { } tradesOut)
            {
                var paper = await PaperTrading.RunAsync(system, indicators, signals, options.Paper, ct).ConfigureAwait(false);
                var trades = TradesCsv.InExitOrder(paper.Trades);
                closed = trades.Count;
                backtest = BacktestSummary.Of(trades) with { NotTraded = paper.NotTraded, OpenAtEnd = paper.OpenAtEnd };
                var sb = new StringBuilder();
                using (var writer = new StringWriter(sb) { NewLine = "\n" })
                {
                    TradesCsv.Write(writer, trades);
                }

                WriteAtomically(tradesOut, sb);
                options.Progress?.WriteLine($"replay: paper executor closed {closed:N0} trade(s) at {clock.Elapsed.TotalSeconds:0.000} s");
            }

            if (options.CarryOut is { } carryOut)
            {
                var carryFile = Path.Combine(options.StrategiesDirectory, "carry", "carry_funding.json");
                var carryLoad = CarryConfigLoader.Load(carryFile);
                if (!carryLoad.IsValid)
                {
                    throw new InvalidDataException(string.Join(Environment.NewLine, carryLoad.Errors));
                }

                var carries = await CarryBacktest.RunAsync(system, MarkPrices(options.Tapes), carryLoad.Config!, ct: ct).ConfigureAwait(false);
                var sb = new StringBuilder();
                using (var writer = new StringWriter(sb) { NewLine = "\n" })
                {
                    CarryCsv.Write(writer, carries);
                }

                WriteAtomically(carryOut, sb);
                options.Progress?.WriteLine($"replay: carry backtest: {carries.Count} carr{(carries.Count == 1 ? "y" : "ies")} at {clock.Elapsed.TotalSeconds:0.000} s");
            }

            clock.Stop();
            options.Progress?.WriteLine($"replay: outputs written at {clock.Elapsed.TotalSeconds:0.000} s");
            var phases = new ReplayPhases(startedAt, fedAt - startedAt, collectedAt - fedAt, clock.Elapsed - collectedAt, feeder.Busy, feeder.Waiting);
            if (Environment.GetEnvironmentVariable("ARB_REPLAY_PHASES") == "1")
            {
                options.Progress?.WriteLine("replay: engine start: " + Steps(startPhases));
                options.Progress?.WriteLine("replay: outputs: " + Steps(outputPhases));
                options.Progress?.WriteLine($"replay: phases: {phases}; GC {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} (paused {GC.GetTotalPauseDuration().TotalSeconds:0.000} s, {GC.GetTotalAllocatedBytes() / 1e6:N0} MB allocated), " +
                    $"JIT {System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods in {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:0.000} s (process so far)");
            }

            return new ReplaySummary(feeder.Trades, symbols, complete.Ticks, signals.Count, clock.Elapsed, closed)
            {
                Phases = phases,
                Strategies = scores.Strategies,
                Backtest = backtest,
            };
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
            if (sqliteJournal)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
        }
    }

    /// <summary>Cumulative (step, elapsed) marks as "step 0.123 s, ..." durations.</summary>
    private static string Steps(IEnumerable<(string Name, TimeSpan At)> marks)
    {
        var previous = TimeSpan.Zero;
        return string.Join(", ", marks.Select(m =>
        {
            var part = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{m.Name} {(m.At - previous).TotalSeconds:0.000} s");
            previous = m.At;
            return part;
        }));
    }

    /// <summary>The tapes' markPriceUpdate frames in tape order (the 2023 recording has them; trade-only tapes none).</summary>
    private static IEnumerable<MarkPriceUpdate> MarkPrices(IReadOnlyList<string> tapes)
    {
        var symbols = new SymbolTable();
        foreach (var tape in tapes)
        {
            foreach (var frame in TapeReader.ReadFrames(tape))
            {
                if (!frame.Json.Contains("\"markPriceUpdate\"", StringComparison.Ordinal))
                {
                    continue;
                }

                if (MarkPriceFrame.TryParse(Encoding.UTF8.GetBytes(frame.Json), symbols, out var evt, out _))
                {
                    yield return MarkPriceUpdate.From(evt);
                }
            }
        }
    }

    /// <summary>Rows by (time, symbol); one symbol's ticks arrive in order already, so the sort is usually skipped.</summary>
    private static IReadOnlyList<IndicatorSnapshot> InOrder(IReadOnlyList<IndicatorSnapshot> ticks)
    {
        for (var i = 1; i < ticks.Count; i++)
        {
            var previous = ticks[i - 1];
            var current = ticks[i];
            var c = previous.Values.TimeMs.CompareTo(current.Values.TimeMs);
            if (c > 0 || (c == 0 && string.CompareOrdinal(previous.Symbol, current.Symbol) >= 0))
            {
                return ticks.OrderBy(s => s.Values.TimeMs).ThenBy(s => s.Symbol, StringComparer.Ordinal).ToList();
            }
        }

        return ticks;
    }

    private static void WriteAtomically(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
        {
            write(stream);
        }

        File.Move(tmp, full, overwrite: true);
    }

    private static void WriteAtomically(string path, StringBuilder content) =>
        WriteAtomically(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            foreach (var chunk in content.GetChunks())
            {
                writer.Write(chunk.Span);
            }
        });

    /// <summary>
    /// Turns the tape reader's batches into TradeBatch messages with a bounded number in flight. Until the engine is
    /// up (<see cref="Connect"/>) batches queue up to <see cref="ReplayOptions.PrefetchTrades"/>; every send happens
    /// on the reader's thread (or in <see cref="DrainAsync"/> after it finished), so each symbol's batches go out in order.
    /// </summary>
    private sealed class Feeder(ReplayOptions options, Stopwatch clock) : ITradeBufferSink
    {
        private readonly SemaphoreSlim _window = new(options.MaxInFlight, options.MaxInFlight);
        private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);
        private readonly List<Task> _pending = [];
        private readonly Queue<(string Symbol, Trade[] Buffer, int Count)> _early = new();
        private readonly TaskCompletionSource<IActorRef> _region = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _lastProgressMs;
        private long _returnedAt;
        private long _busy;
        private long _waiting;
        private Exception? _failure;

        public long Trades { get; private set; }

        /// <summary>Trades parsed before the engine was up.</summary>
        public long Prefetched { get; private set; }

        public IEnumerable<string> Symbols => _sequences.Keys;

        /// <summary>The engine is up: batches go to <paramref name="region"/> from now on.</summary>
        public void Connect(IActorRef region) => _region.TrySetResult(region);

        /// <summary>The replay is over (or failed): a reader still waiting for the engine stops with an error; queued buffers go back to the pool.</summary>
        public void Close()
        {
            _region.TrySetException(new OperationCanceledException("the replay engine did not start"));
            lock (_early)
            {
                while (_early.TryDequeue(out var item))
                {
                    ArrayPool<Trade>.Shared.Return(item.Buffer);
                }
            }
        }

        public Trade[] Rent(int minimumLength) => ArrayPool<Trade>.Shared.Rent(minimumLength);

        public void Return(Trade[] buffer) => ArrayPool<Trade>.Shared.Return(buffer);

        /// <summary>The reader parsed <paramref name="count"/> trades into <paramref name="buffer"/> (rented here): it is ours until acknowledged.</summary>
        public void OnBatch(string symbol, Trade[] buffer, int count)
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException("replay feed failed", _failure);
            }

            var now = Stopwatch.GetTimestamp();
            if (_returnedAt != 0)
            {
                _busy += now - _returnedAt;
            }

            if (!_region.Task.IsCompleted)
            {
                lock (_early)
                {
                    _early.Enqueue((symbol, buffer, count));
                }

                Prefetched += count;
                if (Prefetched >= options.PrefetchTrades)
                {
                    var waitFrom = Stopwatch.GetTimestamp();
                    _region.Task.Wait(); // the prefetch is full: wait for the engine (throws if it failed)
                    _waiting += Stopwatch.GetTimestamp() - waitFrom;
                }
            }
            else
            {
                var region = _region.Task.Result;
                SendEarly(region);
                Send(region, symbol, buffer, count);
            }

            Progress();
            _returnedAt = Stopwatch.GetTimestamp();
        }

        /// <summary>Reader time between batches (parsing), excluding the time it waited for a free slot.</summary>
        public TimeSpan Busy => Stopwatch.GetElapsedTime(0, _busy);

        /// <summary>Reader time spent waiting for the engine to start or the actors to acknowledge a batch (back-pressure).</summary>
        public TimeSpan Waiting => Stopwatch.GetElapsedTime(0, _waiting);

        /// <summary>After the reader finished: sends what it queued before the engine was up, then waits for every acknowledgement.</summary>
        public async Task DrainAsync()
        {
            SendEarly(await _region.Task.ConfigureAwait(false));
            await Task.WhenAll(_pending).ConfigureAwait(false);
            if (_failure is not null)
            {
                throw new InvalidOperationException("replay feed failed", _failure);
            }
        }

        private void SendEarly(IActorRef region)
        {
            while (true)
            {
                (string Symbol, Trade[] Buffer, int Count) item;
                lock (_early)
                {
                    if (!_early.TryDequeue(out item))
                    {
                        return;
                    }
                }

                Send(region, item.Symbol, item.Buffer, item.Count);
            }
        }

        private void Send(IActorRef region, string symbol, Trade[] buffer, int count)
        {
            var waitFrom = Stopwatch.GetTimestamp();
            _window.Wait();
            _waiting += Stopwatch.GetTimestamp() - waitFrom;
            var sequence = _sequences.TryGetValue(symbol, out var s) ? s + 1 : 0;
            _sequences[symbol] = sequence;
            Trades += count;
            var ask = region.Ask<TradeBatchAck>(new TradeBatch(symbol, buffer, count, sequence), TimeSpan.FromMinutes(2));
            _pending.Add(ask.ContinueWith(
                t =>
                {
                    ArrayPool<Trade>.Shared.Return(buffer);
                    _window.Release();
                    if (t.Exception is not null)
                    {
                        _failure = t.Exception.GetBaseException();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default));
            if (_pending.Count > 256)
            {
                _pending.RemoveAll(p => p.IsCompleted);
            }
        }

        private void Progress()
        {
            var ms = clock.ElapsedMilliseconds;
            if (options.Progress is { } progress && ms - _lastProgressMs >= 1000)
            {
                _lastProgressMs = ms;
                progress.WriteLine($"replay: {Trades:N0} trades, {Trades / Math.Max(clock.Elapsed.TotalSeconds, 1e-9) / 1e6:0.00} M trades/s, {_sequences.Count} symbol(s)");
            }
        }
    }
}
