using System.Diagnostics;
using System.Globalization;
using Arbitrage.Core.Sweeps;
using Arbitrage.Engine.Sweeps;

namespace Arbitrage.Benchmarks.Sweeps;

/// <summary>
/// Sweep throughput: the same K configurations of the example strategy (cooldown_minutes × tp_sl.tp2_atr) over one tape,
/// run by <see cref="SweepRunner"/> (what <c>arbctl sweep</c> runs) one after another (parallelism 1, the baseline) and
/// on every core (parallelism = processor count), after a one-configuration warm-up, in one process, the two
/// interleaved for a number of rounds (a shared machine's load hits both alike). Reports the medians as configurations ×
/// tape trades per second, the ratio, and whether the rankings of every run are byte-identical.
/// Usage: e2e sweep [tape (default: the real BTCUSD_PERP day in ../shared/data)] [configs=8] [rounds=3]
/// </summary>
public static class SweepBench
{
    private const string DayZip = "tommyca_binance_datatool__BTCUSD_PERP__futures_cm__aggTrades__2026-05-08.zip";

    public static async Task RunAsync(string[] args)
    {
        var tape = args.Length > 0 && File.Exists(args[0]) ? Path.GetFullPath(args[0]) : Path.Combine(FindUp(Path.Combine("shared", "data")), DayZip);
        var k = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
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
            var sequential = new List<TimeSpan>();
            var parallel = new List<TimeSpan>();
            var rankings = new HashSet<string>(StringComparer.Ordinal);
            long trades = 0;
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, cores, times) in new[] { ("sequential", 1, sequential), ("parallel", Environment.ProcessorCount, parallel) })
                {
                    var dir = Path.Combine(work, $"{name}-{round}");
                    (var elapsed, trades) = await RunAsync(spec, configs, dir, cores);
                    times.Add(elapsed);
                    rankings.Add(Ranking(spec, dir));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: {name} {elapsed.TotalSeconds:0.00} s"));
                }
            }

            var (seq, par) = (Median(sequential), Median(parallel));
            double Rate(TimeSpan t) => configs.Length * (double)trades / t.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| one after another (baseline) | {configs.Length} × {trades:N0} trades | {seq.TotalSeconds:0.00} s | {Rate(seq) / 1e6:0.00} M config·trades/s | 1.00× |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| parallel ({Environment.ProcessorCount} at once) | {configs.Length} × {trades:N0} trades | {par.TotalSeconds:0.00} s | {Rate(par) / 1e6:0.00} M config·trades/s | {seq / par:0.00}× |"));
            Console.WriteLine($"medians of {rounds} round(s); rankings identical across all runs: {rankings.Count == 1}");
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

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

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
