using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Execution.Paper;

namespace Arbitrage.Engine.Replay;

/// <summary>What to replay and where the outputs go.</summary>
public sealed record ReplayOptions
{
    public required IReadOnlyList<string> Tapes { get; init; }

    public required string StrategiesDirectory { get; init; }

    public required string HoconDirectory { get; init; }

    public string? IndicatorsOut { get; init; }

    public string? SignalsOut { get; init; }

    /// <summary>
    /// Trades CSV of the backtest: the risk guard, executor and paper venue get the replay's ticks and signals as live,
    /// paced by the tape (<see cref="TapeClock"/>). Without it the replay runs no account.
    /// </summary>
    public string? TradesOut { get; init; }

    /// <summary>Carry backtest CSV over the tapes' markPrice frames (config: strategies/carry/carry_funding.json).</summary>
    public string? CarryOut { get; init; }

    /// <summary>
    /// Triangle episodes CSV (<see cref="Core.Triangles.TriangleEpisodesCsv"/>) of the book tapes (<see cref="BookTapes"/>)
    /// through the triangle detectors, configs from <c>DIR/triangles/*.json</c>.
    /// </summary>
    public string? TrianglesOut { get; init; }

    /// <summary>
    /// Triangle attempts CSV (<see cref="Core.Triangles.Execution.TriangleAttemptsCsv"/>): the paper attempts of the configs
    /// with <c>execute</c> on, in the same run as <see cref="TrianglesOut"/> (which it needs).
    /// </summary>
    public string? TriangleTradesOut { get; init; }

    /// <summary>
    /// What a book tape's reader does with pairs it has no diffs for (the deep_orderbook recording): recorded books only
    /// (<see cref="Binance.Tapes.BookApproximation.None"/>, the default), or a labelled approximation.
    /// </summary>
    public Binance.Tapes.BookApproximation BookApproximation { get; init; } = Binance.Tapes.BookApproximation.None;

    /// <summary>The taker fee of a triangle config that says <c>"account"</c> (a replay has no account): Binance spot's standard 0.1 %.</summary>
    public double TriangleAccountTakerFee { get; init; } = 0.001;

    /// <summary>Paper account and risk per trade for <see cref="TradesOut"/>.</summary>
    public PaperGatewaySettings Paper { get; init; } = new(StartingBalanceUsd: 1_000m, TakerFeeRate: 0.0004m, SlippageBps: 1m);

    /// <summary>
    /// Where the replay journals (SignalEmitted, the risk guard's, executor's and paper venue's events): null (default)
    /// keeps the journal in memory for the run — a replay's outputs are its CSVs; a directory keeps a SQLite journal
    /// there (<c>replay.db</c>) for inspection. Same actors, same Persist calls.
    /// </summary>
    public string? JournalDirectory { get; init; }

    /// <summary>
    /// Trades per TradeBatch message (and so per IndicatorSnapshotBatch and per strategy journal write) of a replay
    /// without an account; a backtest's tape clock sends each tick's trades.
    /// </summary>
    public int BatchSize { get; init; } = 16_384;

    /// <summary>Batches in flight to the symbol actors before the reader waits for acknowledgements (without an account).</summary>
    public int MaxInFlight { get; init; } = 4;

    /// <summary>
    /// Trades the reader may parse ahead while the engine starts (it starts with the replay; the engine takes
    /// ≈ 0.4 s): 2 M trades ≈ 80 MB at most, whatever the batch size (without an account).
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

    /// <summary>The closed trades of a backtest in exit order (the trades CSV's rows); empty without one.</summary>
    public IReadOnlyList<Core.Execution.TradeClosed> ClosedTradeList { get; init; } = [];

    /// <summary>The event times of a backtest's first and last tick (the tape clock's); null without a backtest or a tick.</summary>
    public (long FirstMs, long LastMs)? TickSpan { get; init; }

    /// <summary>The lines the replay ends with: one per strategy, then the backtest's numbers when there was one.</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var s in Strategies)
        {
            yield return $"strategy {s.StrategyId}: {s.Describe()}";
        }

        if (Triangles is { } t)
        {
            yield return $"triangles: {t.Episodes} episode(s), {t.Open} open at the end";
        }

        if (Backtest is { } b)
        {
            yield return "backtest: " + b.Describe();
        }
    }

    /// <summary>Triangle episodes written (with <see cref="ReplayOptions.TrianglesOut"/>): all, and those open at the end.</summary>
    public (int Episodes, int Open)? Triangles { get; init; }

    /// <summary>The triangle attempts (the attempts CSV's rows, with <see cref="ReplayOptions.TrianglesOut"/>); empty without.</summary>
    public IReadOnlyList<Core.Triangles.Execution.TriangleAttemptResult> TriangleAttempts { get; init; } = [];

    /// <summary>The event times of the first and last book event fed to the triangle detectors; null without one.</summary>
    public (long FirstMs, long LastMs)? BookSpan { get; init; }

    /// <summary>The carry backtest (with <see cref="ReplayOptions.CarryOut"/>); null without.</summary>
    public CarryRun? Carry { get; init; }

    /// <summary>Where the time went (engine start, feed, draining the subscribers, outputs).</summary>
    public ReplayPhases? Phases { get; init; }
}

/// <summary>
/// Wall-clock phases of a replay. <paramref name="Feed"/>: from engine up until every trade was acknowledged by its
/// SymbolActor (a backtest: until the tape clock's last step settled); <paramref name="Drain"/>: until every strategy
/// handled (and persisted) the last tick and the collector had everything; <paramref name="Outputs"/>: sorting and
/// writing the CSVs (and the carry backtest when asked). The reader's own split: <paramref name="ReaderParsing"/> vs
/// <paramref name="ReaderWaiting"/> (back-pressure from the actors).
/// </summary>
public sealed record ReplayPhases(TimeSpan Start, TimeSpan Feed, TimeSpan Drain, TimeSpan Outputs, TimeSpan ReaderParsing, TimeSpan ReaderWaiting)
{
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"start {Start.TotalSeconds:0.000} s, feed {Feed.TotalSeconds:0.000} s (reader parsing {ReaderParsing.TotalSeconds:0.000} s, waiting {ReaderWaiting.TotalSeconds:0.000} s), drain {Drain.TotalSeconds:0.000} s, outputs {Outputs.TotalSeconds:0.000} s");
}
