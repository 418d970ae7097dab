using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Market;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// <c>arbctl replay</c>: the engine as the node composes it (<see cref="ReplayEngine"/>) fed from tapes in event time at
/// maximum speed, watched from outside (<see cref="ReplayCollector"/>), its outputs written as CSVs. Without
/// <see cref="ReplayOptions.TradesOut"/> the tapes go in as fast as the symbol actors take them (<see cref="TapeFeeder"/>);
/// with it (a backtest) the account trades the signals in the same run and the tape clock paces the feed
/// (<see cref="TapeClock"/>). Outputs are sorted by (time, symbol[, strategy]), so two runs on the same input give
/// byte-identical files.
/// </summary>
public static class ReplayRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<ReplaySummary> RunAsync(ReplayOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var tape in options.Tapes)
        {
            if (!File.Exists(tape))
            {
                throw new FileNotFoundException($"{tape}: tape file not found", tape);
            }
        }

        // Book tapes go to the triangle detectors, the others (trades) to the symbols; a Binance capture holds both. Without
        // --triangles-out a capture is a trade tape as it always was, and a tape of books alone is refused.
        var bookTapes = options.Tapes.Where(t => BookTapes.FormatOf(t) is not null).ToArray();
        var tradeTapes = options.Tapes.Where(t => BookTapes.FormatOf(t) is not { } f || f.HoldsTrades(t)).ToArray();
        TriangleRun? triangles = null;
        if (options.TriangleTradesOut is not null && options.TrianglesOut is null)
        {
            throw new InvalidDataException("--triangle-trades-out: the attempts come from the triangle run: add --triangles-out FILE");
        }

        if (options.TrianglesOut is not null)
        {
            var configs = TriangleReplay.LoadConfigs(options.StrategiesDirectory);
            var notes = new List<BookTapeNote>();
            var events = BookTapes.ReadAll(bookTapes, new Binance.Tapes.BookTapeOptions(Approximation: options.BookApproximation), notes);
            foreach (var note in notes)
            {
                options.Progress?.WriteLine($"replay: {Path.GetFileName(note.Path)}: {note.Text}");
            }

            triangles = new TriangleRun(configs, events, notes.Any(n => n.Approximated));
        }
        else if (bookTapes.FirstOrDefault(t => !tradeTapes.Contains(t)) is { } booksOnly)
        {
            throw new InvalidDataException($"{booksOnly}: a book tape feeds the triangle detectors: add --triangles-out FILE");
        }

        options = options with { Tapes = tradeTapes };
        var strategies = StrategyLoader.LoadDirectory(options.StrategiesDirectory);
        if (strategies.Errors.Count > 0)
        {
            throw new InvalidDataException(string.Join(Environment.NewLine, strategies.Errors.Select(e => $"{e} [{e.Rule}]")));
        }

        var clock = Stopwatch.StartNew();
        using var rows = options.IndicatorsOut is { } indicatorsFile ? new IndicatorCsvRows(indicatorsFile) : null;
        return options.TradesOut is null
            ? await FeedAsync(options, strategies.Strategies, rows, triangles, clock, ct).ConfigureAwait(false)
            : await BacktestAsync(options, strategies.Strategies, rows, triangles, clock, ct).ConfigureAwait(false);
    }

    /// <summary>Indicators and signals: the tapes as fast as the engine takes them.</summary>
    private static async Task<ReplaySummary> FeedAsync(
        ReplayOptions options, IReadOnlyList<StrategyDefinition> strategies, IndicatorCsvRows? rows, TriangleRun? triangles, Stopwatch clock, CancellationToken ct)
    {
        // The reader starts with the process: the first batches are parsed while the engine starts.
        var feeder = TapeFeeder.Start(options, clock, ct);
        try
        {
            await using var engine = await ReplayEngine.StartAsync(options, rows, clock, ct).ConfigureAwait(false);
            var startedAt = clock.Elapsed;
            options.Progress?.WriteLine($"replay: engine up in {startedAt.TotalSeconds:0.000} s ({strategies.Count} strategies; {feeder.Prefetched:N0} trades parsed meanwhile)");
            await FeedInputsAsync(engine, options, ct).ConfigureAwait(false);
            feeder.Connect(engine.Region);
            await feeder.Reading.ConfigureAwait(false);
            var readAt = clock.Elapsed;
            await feeder.DrainAsync().ConfigureAwait(false);
            var fedAt = clock.Elapsed;
            options.Progress?.WriteLine($"replay: {feeder.Trades:N0} trades fed and acknowledged at {fedAt.TotalSeconds:0.000} s (read by {readAt.TotalSeconds:0.000} s)");
            var symbols = feeder.Symbols.Order(StringComparer.Ordinal).ToArray();
            foreach (var symbol in symbols)
            {
                await engine.Region.Ask<EndOfFeed>(new EndOfFeed(symbol), TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            }

            var feed = new Fed(feeder.Trades, symbols, startedAt, fedAt, feeder.Busy, feeder.Waiting);
            return await FinishAsync(engine, options, strategies, rows, feed, backtest: null, triangles, clock, ct).ConfigureAwait(false);
        }
        finally
        {
            // Unblocks a reader still waiting for an engine that failed to start; its fault is observed here.
            feeder.Close();
            _ = feeder.Reading.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    /// <summary>A backtest: the account trades the signals as live, the tape clock paces the feed.</summary>
    private static async Task<ReplaySummary> BacktestAsync(
        ReplayOptions options, IReadOnlyList<StrategyDefinition> strategies, IndicatorCsvRows? rows, TriangleRun? triangles, Stopwatch clock, CancellationToken ct)
    {
        using var tapes = TapeClock.Start(options, clock, strategies);
        await using var engine = await ReplayEngine.StartAsync(options, rows, clock, ct).ConfigureAwait(false);
        var startedAt = clock.Elapsed;
        options.Progress?.WriteLine($"replay: engine up in {startedAt.TotalSeconds:0.000} s ({strategies.Count} strategies, paper account)");
        await FeedInputsAsync(engine, options, ct).ConfigureAwait(false);
        var account = await tapes.RunAsync(engine, ct).ConfigureAwait(false);
        var fedAt = clock.Elapsed;
        options.Progress?.WriteLine($"replay: {tapes.Trades:N0} trades fed tick by tick and the account settled at {fedAt.TotalSeconds:0.000} s");

        // Every risk event the guard published before the flush reaches the collector before it.
        var backtest = engine.Collector.Ask<ReplayCollector.Backtest>(new ReplayCollector.AwaitBacktest(account.Positions.Count), Timeout, ct);
        engine.Mediator.Tell(new Publish(RiskTopics.Risk, new ReplayCollector.Flush()));
        var feed = new Fed(tapes.Trades, tapes.Symbols.Order(StringComparer.Ordinal).ToArray(), startedAt, fedAt, tapes.ReaderParsing, tapes.ReaderWaiting, tapes.TickSpan);
        if (Environment.GetEnvironmentVariable("ARB_REPLAY_PHASES") == "1")
        {
            options.Progress?.WriteLine($"replay: tape clock: {tapes.Count.Ticks:N0} ticks, {tapes.Count.Polls:N0} score reports; {engine.Barrier!.Count.Settles:N0} barriers in {engine.Barrier.Count.Rounds:N0} rounds");
        }

        return await FinishAsync(engine, options, strategies, rows, feed, await backtest.ConfigureAwait(false), triangles, clock, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The tapes' market inputs (funding, liquidations, Binance's 5-minute statistics: <see cref="MarketInputFrames"/>),
    /// folded in event time by the live node's own <see cref="MarketInputsBook"/> and handed to the strategies before the
    /// first trade, each with its event time: a strategy scores a tick with the inputs at or before it, as live. The
    /// strategies' answer to the ready question comes after every update was routed, so no tick can overtake one.
    /// </summary>
    private static async Task FeedInputsAsync(ReplayEngine engine, ReplayOptions options, CancellationToken ct)
    {
        var events = options.Tapes
            .SelectMany(MarketInputFrames.Read)
            .Select((e, i) => (Event: e, Index: i, Time: MarketInputFrames.TimeOf(e)))
            .OrderBy(x => x.Time).ThenBy(x => x.Index);
        var book = new MarketInputsBook();
        var updates = 0;
        var symbols = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (e, _, _) in events)
        {
            if (book.Apply(e) is { } update)
            {
                engine.Strategies.Tell(update);
                symbols.Add(update.Symbol);
                updates++;
            }
        }

        if (updates > 0)
        {
            await engine.Strategies.Ask<StrategiesReady>(new AwaitStrategiesReady(), Timeout, ct).ConfigureAwait(false);
            options.Progress?.WriteLine($"replay: {updates:N0} market-input updates from the tapes ({string.Join(", ", symbols)}), applied in event time");
        }
    }

    /// <summary>Waits for every tick and signal at the collector, then writes the outputs and sums up.</summary>
    private static async Task<ReplaySummary> FinishAsync(
        ReplayEngine engine, ReplayOptions options, IReadOnlyList<StrategyDefinition> strategies, IndicatorCsvRows? rows, Fed feed,
        ReplayCollector.Backtest? backtest, TriangleRun? triangles, Stopwatch clock, CancellationToken ct)
    {
        var expect = new ReplayCollector.Expect(feed.Symbols, strategies.Select(s => (s.Id, (Func<string, bool>)s.AppliesTo)).ToArray());
        var complete = await engine.Collector.Ask<ReplayCollector.Complete>(expect, Timeout, ct).ConfigureAwait(false);

        // Every strategy has handled the last tick (the collector waited for each one's end of stream).
        var scores = await engine.Strategies.Ask<StrategyScores>(GetStrategyScores.Instance, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        var collectedAt = clock.Elapsed;
        options.Progress?.WriteLine($"replay: {complete.Ticks:N0} ticks, {complete.Signals.Count:N0} signals collected at {collectedAt.TotalSeconds:0.000} s");

        // By (time, symbol, strategy); the CSV rows were formatted as the signals arrived.
        var signals = complete.Signals;
        var order = Enumerable.Range(0, signals.Count)
            .OrderBy(i => signals[i].TimeMs)
            .ThenBy(i => signals[i].Symbol, StringComparer.Ordinal)
            .ThenBy(i => signals[i].StrategyId, StringComparer.Ordinal)
            .ToArray();
        var outputSteps = new List<(string, TimeSpan)> { ("sort", clock.Elapsed - collectedAt) };
        if (rows is not null)
        {
            rows.Complete();
            outputSteps.Add(("indicators csv", clock.Elapsed - collectedAt));
        }

        if (options.SignalsOut is { } signalsOut)
        {
            ReplayOutputs.WriteSignals(signalsOut, order, complete.SignalRows!);
            outputSteps.Add(("signals csv", clock.Elapsed - collectedAt));
        }

        BacktestSummary? summary = null;
        IReadOnlyList<Core.Execution.TradeClosed> closed = [];
        if (backtest is not null && options.TradesOut is { } tradesOut)
        {
            var trades = TradesCsv.InExitOrder(backtest.Trades);
            closed = trades;
            summary = BacktestSummary.Of(trades) with { NotTraded = backtest.NotTraded, OpenAtEnd = backtest.OpenAtEnd };
            ReplayOutputs.WriteTrades(tradesOut, trades);
            options.Progress?.WriteLine($"replay: paper executor closed {trades.Count:N0} trade(s) at {clock.Elapsed.TotalSeconds:0.000} s");
        }

        CarryRun? carryRun = null;
        if (options.CarryOut is { } carryOut)
        {
            carryRun = await ReplayOutputs.WriteCarryAsync(carryOut, engine.System, options, ct).ConfigureAwait(false);
            var carries = carryRun.Carries.Count;
            options.Progress?.WriteLine($"replay: carry backtest: {carries} carr{(carries == 1 ? "y" : "ies")} at {clock.Elapsed.TotalSeconds:0.000} s");
        }

        (int, int)? triangleCount = null;
        IReadOnlyList<Core.Triangles.Execution.TriangleAttemptResult> triangleAttempts = [];
        if (triangles is not null && options.TrianglesOut is { } trianglesOut)
        {
            var (episodes, attempts) = await TriangleReplay.RunAsync(
                engine.System, engine.Triangles, engine.Mediator, triangles.Configs, triangles.Events, options.TriangleAccountTakerFee, options.BatchSize, ct).ConfigureAwait(false);
            triangleAttempts = attempts;
            if (options.TriangleTradesOut is { } attemptsOut)
            {
                ReplayOutputs.WriteTriangleAttempts(attemptsOut, attempts);
                options.Progress?.WriteLine($"replay: triangles: {attempts.Count:N0} attempt(s)"
                    + string.Concat(attempts.GroupBy(a => a.Outcome).OrderBy(g => g.Key).Select(g => $", {g.Count():N0} {Core.Serialization.EnumCodes.Of(g.Key)}")));
                foreach (var a in attempts.Where(a => a.Outcome != Core.Triangles.Execution.TriangleAttemptOutcome.Completed).Take(20))
                {
                    options.Progress?.WriteLine($"replay: attempt {a.AttemptId} {Core.Serialization.EnumCodes.Of(a.Outcome)}: {a.Detail}");
                }
            }

            if (triangles.Approximated)
            {
                // Not recorded books: every row says so (the CSV's columns are a contract; its reason column carries it).
                episodes = episodes.Select(e => e with { Reason = ApproximatedBooks }).ToList();
                options.Progress?.WriteLine($"replay: APPROXIMATED books (--book-approximation top-moved-to-trades): every episode's reason is {ApproximatedBooks}");
            }

            ReplayOutputs.WriteTriangles(trianglesOut, episodes);
            triangleCount = (episodes.Count, episodes.Count(e => e.EndMs is null));
            options.Progress?.WriteLine($"replay: triangles: {triangles.Events.Count:N0} book events, {episodes.Count:N0} episode(s) at {clock.Elapsed.TotalSeconds:0.000} s");
        }

        clock.Stop();
        options.Progress?.WriteLine($"replay: outputs written at {clock.Elapsed.TotalSeconds:0.000} s");
        var phases = new ReplayPhases(feed.StartedAt, feed.FedAt - feed.StartedAt, collectedAt - feed.FedAt, clock.Elapsed - collectedAt, feed.ReaderParsing, feed.ReaderWaiting);
        if (Environment.GetEnvironmentVariable("ARB_REPLAY_PHASES") == "1")
        {
            options.Progress?.WriteLine("replay: engine start: " + Steps(engine.StartSteps.OrderBy(s => s.At)));
            options.Progress?.WriteLine("replay: outputs: " + Steps(outputSteps));
            options.Progress?.WriteLine($"replay: phases: {phases}; GC {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} (paused {GC.GetTotalPauseDuration().TotalSeconds:0.000} s, {GC.GetTotalAllocatedBytes() / 1e6:N0} MB allocated), " +
                $"JIT {System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods in {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:0.000} s (process so far)");
        }

        return new ReplaySummary(feed.Trades, feed.Symbols, complete.Ticks, signals.Count, clock.Elapsed, summary?.Trades ?? 0)
        {
            Phases = phases,
            Strategies = scores.Strategies,
            Backtest = summary,
            ClosedTradeList = closed,
            TickSpan = feed.TickSpan,
            Triangles = triangleCount,
            TriangleAttempts = triangleAttempts,
            BookSpan = triangles is { Events.Count: > 0 } t ? (t.Events.Min(e => e.TimeMs), t.Events.Max(e => e.TimeMs)) : null,
            Carry = carryRun,
        };
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

    /// <summary>The triangle configs of a replay and its book tapes' events in event time.</summary>
    /// <summary>The reason on every episode of a replay whose book tapes hold approximated books.</summary>
    public const string ApproximatedBooks = "approximated_books";

    private sealed record TriangleRun(IReadOnlyList<Core.Triangles.TriangleConfig> Configs, IReadOnlyList<Core.Triangles.BookTapeEvent> Events, bool Approximated);

    /// <summary>What went in, and when: the engine was up at <paramref name="StartedAt"/>, the last trade in at <paramref name="FedAt"/>.</summary>
    private sealed record Fed(
        long Trades, IReadOnlyList<string> Symbols, TimeSpan StartedAt, TimeSpan FedAt, TimeSpan ReaderParsing, TimeSpan ReaderWaiting, (long FirstMs, long LastMs)? TickSpan = null);
}
