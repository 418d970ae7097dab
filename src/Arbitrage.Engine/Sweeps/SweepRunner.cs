using System.Diagnostics;
using System.Text;
using Arbitrage.Core.Sweeps;
using Arbitrage.Engine.Replay;

namespace Arbitrage.Engine.Sweeps;

/// <summary>What a sweep run needs besides the spec: the configurations still to run, the strategy file's text and where things go.</summary>
public sealed record SweepRunOptions
{
    public required SweepSpec Spec { get; init; }

    /// <summary>The configurations to run now (a resume leaves out those already in <c>results.jsonl</c>).</summary>
    public required IReadOnlyList<SweepConfiguration> Configurations { get; init; }

    /// <summary>The spec's strategy file's text; each configuration patches it (<see cref="StrategyPatch"/>).</summary>
    public required string StrategyJson { get; init; }

    /// <summary>The strategy file's name, kept in each configuration's strategies directory.</summary>
    public required string StrategyFileName { get; init; }

    public required string OutDirectory { get; init; }

    public required string HoconDirectory { get; init; }

    /// <summary>Configurations replayed at once (each its own actor system); the spec's parallelism unless overridden.</summary>
    public int Parallelism { get; init; } = 1;
}

/// <summary>One configuration finished: its result and how long its replay took.</summary>
public sealed record SweepStep(SweepResult Result, TimeSpan Elapsed);

/// <summary>
/// Runs a sweep's configurations, <see cref="SweepRunOptions.Parallelism"/> at once, each a backtest replay
/// (<see cref="ReplayRunner"/>: its own actor system, in-memory journal, remoting on a free port) over the whole tapes
/// with the configuration's strategy file alone in its strategies directory (<c>OUT/work/&lt;config_id&gt;/</c>). Its
/// closed trades are measured per validation window (<see cref="SweepWindows"/>) and appended to <c>results.jsonl</c>
/// as one line written and flushed at once; the work directory is then deleted. Lines land in completion order (the
/// ranking sorts them). Cancelled, it stops the running replays and writes nothing of them.
/// </summary>
public static class SweepRunner
{
    public const string ResultsFile = "results.jsonl";
    public const string WorkDirectory = "work";

    public static async Task RunAsync(SweepRunOptions options, Action<SweepStep>? finished, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var spec = options.Spec;
        var work = Path.Combine(options.OutDirectory, WorkDirectory);
        var gate = new object();
        await using var results = new FileStream(Path.Combine(options.OutDirectory, ResultsFile), FileMode.Append, FileAccess.Write, FileShare.Read);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = ct };
        try
        {
            await Parallel.ForEachAsync(options.Configurations, parallel, async (config, token) =>
            {
                var clock = Stopwatch.StartNew();
                var dir = Path.Combine(work, config.Id);
                try
                {
                    var result = await RunOneAsync(options, config, dir, token).ConfigureAwait(false);
                    var line = Encoding.UTF8.GetBytes(result.ToJsonLine(spec.Parameters) + "\n");
                    lock (gate)
                    {
                        results.Write(line);
                        results.Flush(flushToDisk: true);
                        finished?.Invoke(new SweepStep(result, clock.Elapsed));
                    }
                }
                finally
                {
                    // Finished, failed or cancelled: a half-run configuration leaves nothing (a resume runs it again).
                    if (Directory.Exists(dir))
                    {
                        Directory.Delete(dir, recursive: true);
                    }
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(work) && !Directory.EnumerateFileSystemEntries(work).Any())
            {
                Directory.Delete(work);
            }
        }
    }

    /// <summary>One configuration: its strategy file in <paramref name="dir"/>, the backtest replay, its windows measured.</summary>
    private static async Task<SweepResult> RunOneAsync(SweepRunOptions options, SweepConfiguration config, string dir, CancellationToken ct)
    {
        var spec = options.Spec;
        var strategies = Path.Combine(dir, "strategies");
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true); // left by a killed run
        }

        Directory.CreateDirectory(strategies);
        var patched = StrategyPatch.Apply(options.StrategyJson, spec.Parameters, config.Values, out var error)
            ?? throw new InvalidDataException($"{config.Id}: {error}");
        await File.WriteAllTextAsync(Path.Combine(strategies, options.StrategyFileName), patched, ct).ConfigureAwait(false);
        var defaults = new ReplayOptions { Tapes = [], StrategiesDirectory = "", HoconDirectory = "" };
        var summary = await ReplayRunner.RunAsync(
            defaults with
            {
                Tapes = spec.Tapes,
                StrategiesDirectory = strategies,
                HoconDirectory = options.HoconDirectory,
                TradesOut = Path.Combine(dir, "trades.csv"),
                Paper = defaults.Paper with { StartingBalanceUsd = spec.StartingBalanceUsd },
            },
            ct).ConfigureAwait(false);
        if (summary.TickSpan is not { } span)
        {
            throw new InvalidDataException($"tapes: the tapes hold no 15 s tick ({summary.Trades:N0} trades): nothing to backtest");
        }

        var windows = SweepWindows.Of(spec.Validation, span.FirstMs, span.LastMs);
        if (windows.Count == 0)
        {
            throw new InvalidDataException(
                $"validation: the tapes' ticks span {TimeSpan.FromMilliseconds(span.LastMs - span.FirstMs).TotalHours:0.##} h: too short for one train and test window");
        }

        return new SweepResult(config.Id, config.Values, span.FirstMs, span.LastMs, summary.Trades, SweepWindows.Measure(windows, summary.ClosedTradeList, spec.StartingBalanceUsd));
    }
}
