using System.Diagnostics;
using System.Globalization;
using Arbitrage.Core.Sweeps;
using Arbitrage.Engine.Sweeps;

namespace Arbitrage.Benchmarks.Sweeps;

/// <summary>
/// Sweep throughput: the same K configurations of the example strategy (cooldown_minutes × tp_sl.tp2_atr) over one tape,
/// run by <see cref="SweepRunner"/> (what <c>arbctl sweep</c> runs) one after another (parallelism 1, the baseline) and
/// on every core (parallelism = processor count), after a one-configuration warm-up, in one process. Reports
/// configurations × tape trades per second for both, the ratio, and whether both rankings are byte-identical.
/// Usage: e2e sweep [tape (default: the real BTCUSD_PERP day in ../shared/data)] [configs=8]
/// </summary>
public static class SweepBench
{
    private const string DayZip = "tommyca_binance_datatool__BTCUSD_PERP__futures_cm__aggTrades__2026-05-08.zip";

    public static async Task RunAsync(string[] args)
    {
        var tape = args.Length > 0 && File.Exists(args[0]) ? Path.GetFullPath(args[0]) : Path.Combine(FindUp(Path.Combine("shared", "data")), DayZip);
        var k = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        var strategy = Path.Combine(FindUp("strategies"), "example_trades_only.json");
        var cooldowns = Enumerable.Range(0, (k + 1) / 2).Select(i => (i * 5).ToString(CultureInfo.InvariantCulture)).ToArray();
        var spec = new SweepSpec(
            strategy, [tape],
            [new SweepParameter("cooldown_minutes", cooldowns), new SweepParameter("tp_sl.tp2_atr", ["1.5", "4"])],
            SweepSearch.Grid, SweepObjective.PnlR, SweepValidation.Split(0.5), SweepOverfitRule.Default, 1000m, Environment.ProcessorCount);
        var configs = SweepConfigurations.Of(spec).Take(k).ToArray();
        var work = Directory.CreateTempSubdirectory("arb-bench-sweep").FullName;
        try
        {
            Console.WriteLine($"sweep bench: {configs.Length} configurations of {Path.GetFileName(strategy)} over {Path.GetFileName(tape)}, {Environment.ProcessorCount} cores");
            await RunAsync(spec, configs[..1], Path.Combine(work, "warmup"), 1);
            var (sequential, trades) = await RunAsync(spec, configs, Path.Combine(work, "sequential"), 1);
            var (parallel, _) = await RunAsync(spec, configs, Path.Combine(work, "parallel"), Environment.ProcessorCount);
            var same = Ranking(spec, Path.Combine(work, "sequential")) == Ranking(spec, Path.Combine(work, "parallel"));
            double Rate(TimeSpan t) => configs.Length * (double)trades / t.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| one after another (baseline) | {configs.Length} × {trades:N0} trades | {sequential.TotalSeconds:0.00} s | {Rate(sequential) / 1e6:0.00} M config·trades/s | 1.00× |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| parallel ({Environment.ProcessorCount} at once) | {configs.Length} × {trades:N0} trades | {parallel.TotalSeconds:0.00} s | {Rate(parallel) / 1e6:0.00} M config·trades/s | {sequential / parallel:0.00}× |"));
            Console.WriteLine($"rankings identical: {same}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<(TimeSpan Elapsed, long TapeTrades)> RunAsync(SweepSpec spec, SweepConfiguration[] configs, string dir, int parallelism)
    {
        Directory.CreateDirectory(dir);
        long trades = 0;
        var clock = Stopwatch.StartNew();
        await SweepRunner.RunAsync(
            new SweepRunOptions
            {
                Spec = spec,
                Configurations = configs,
                StrategyJson = await File.ReadAllTextAsync(spec.Strategy),
                StrategyFileName = Path.GetFileName(spec.Strategy),
                OutDirectory = dir,
                HoconDirectory = FindUp("hocon"),
                Parallelism = parallelism,
            },
            step => trades = step.Result.TapeTrades,
            CancellationToken.None);
        return (clock.Elapsed, trades);
    }

    private static string Ranking(SweepSpec spec, string dir)
    {
        var log = SweepResultsLog.Read(File.ReadAllBytes(Path.Combine(dir, SweepRunner.ResultsFile)), spec.Parameters, out _);
        return SweepRanking.Of(log.Results, spec.Objective, spec.Overfit).ToCsv(spec.Parameters, spec.Objective);
    }

    private static string FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
