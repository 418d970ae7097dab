using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Indicators;
using Arbitrage.Core.MarketData;
using Arbitrage.Engine.Replay;

namespace Arbitrage.Benchmarks.Replay;

/// <summary>
/// End-to-end replay throughput through the production actors (the engine as the node composes it: one-member cluster,
/// sharded SymbolActor, StrategyActors over DistributedPubSub persisting SignalEmitted in the replay's (in-memory) journal,
/// CSV outputs) over the real BTCUSD_PERP day and over that day repeated N times (times and agg ids shifted), in one run:
/// in-process (after a warm-up) with and without engine start, and as a cold <c>arbctl replay</c> process from
/// process start to exit — arbctl as built (JIT, median of 3) and as published ReadyToRun (median of 5). Baselines in the
/// same run: the span-based CSV parse alone and parse + the incremental indicators without actors, and with
/// <c>--baseline REV</c> the arbctl of that git revision (built and published ReadyToRun from a temporary worktree), its
/// runs interleaved with ours on the same tapes, its outputs compared byte for byte. Strategies: the shipped ones
/// (strategies/), whose trades-only example emits signals, so the SignalEmitted journal writes are in the measured path.
/// Usage: e2e replay [zip-or-csv] [repeat=100] [batch=16384] [in-flight=4] [--baseline REV]
/// </summary>
public static class ReplayBench
{
    private const string ZipName = "tommyca_binance_datatool__BTCUSD_PERP__futures_cm__aggTrades__2026-05-08.zip";
    private const long DayMs = 86_400_000;

    public static async Task RunAsync(string[] args)
    {
        var baselineRev = args.SkipWhile(a => a != "--baseline").Skip(1).FirstOrDefault();
        args = args.TakeWhile(a => a != "--baseline").ToArray();
        var source = args.Length > 0 && File.Exists(args[0]) ? args[0] : Path.Combine(FindUp(Path.Combine("shared", "data")), ZipName);
        var repeat = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : new ReplayOptions { Tapes = [], StrategiesDirectory = "", HoconDirectory = "" }.BatchSize;
        var inFlight = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4;
        var hocon = FindUp("hocon");

        var work = Directory.CreateTempSubdirectory("arb-bench-replay").FullName;
        try
        {
            var strategies = Path.Combine(work, "strategies");
            Directory.CreateDirectory(strategies);
            foreach (var shipped in Directory.GetFiles(FindUp("strategies"), "*.json"))
            {
                File.Copy(shipped, Path.Combine(strategies, Path.GetFileName(shipped)));
            }

            var day = Path.Combine(work, "BTCUSD_PERP-aggTrades-2026-05-08.csv");
            if (source.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                using var zip = ZipFile.OpenRead(source);
                zip.Entries.Single(e => e.FullName.EndsWith(".csv", StringComparison.Ordinal)).ExtractToFile(day);
            }
            else
            {
                File.Copy(source, day);
            }

            var longTape = Path.Combine(work, $"BTCUSD_PERP-aggTrades-x{repeat}.csv");
            WriteRepeated(day, longTape, repeat);

            Console.WriteLine($"replay end to end: batch {batch}, {inFlight} in flight, {Environment.ProcessorCount} cores, strategies: shipped (v51, v52, example_trades_only)");
            var jitArbctl = BuiltArbctl();
            var r2rArbctl = PublishReadyToRun(FindUp("src"), Path.Combine(work, "arbctl-r2r"));
            var baseline = baselineRev is null ? null : BuildBaseline(baselineRev, work);
            Console.WriteLine("warm-up (JIT) ...");
            await ReplayOnce(day, work, hocon, strategies, batch, inFlight, quiet: true);

            var rows = new List<string>();
            var baselineRows = new List<string>();
            foreach (var (name, tape) in new[] { ("real day", day), ($"day ×{repeat}", longTape) })
            {
                var parse = Median(3, () => ParseOnly(tape));
                var indicators = Median(3, () => ParseAndIndicators(tape));
                var summary = await ReplayOnce(tape, work, hocon, strategies, batch, inFlight, quiet: false);
                var phases = summary.Phases!;
                var warm = summary.TradesPerSecond;
                var noStart = summary.Trades / (summary.Elapsed - phases.Start).TotalSeconds;

                // Ours and the baseline's alternately, so a busy stretch of the machine hits both alike.
                var jitRuns = new List<double>();
                var r2rRuns = new List<double>();
                var baseJitRuns = new List<double>();
                var baseR2rRuns = new List<double>();
                for (var i = 0; i < 5; i++)
                {
                    if (i < 3)
                    {
                        jitRuns.Add(ColdProcess(jitArbctl, tape, work, hocon, strategies, batch, "jit"));
                        if (baseline is not null)
                        {
                            baseJitRuns.Add(ColdProcess(baseline.Value.Jit, tape, work, hocon, strategies, batch, "baseline-jit"));
                        }
                    }

                    r2rRuns.Add(ColdProcess(r2rArbctl, tape, work, hocon, strategies, batch, "r2r"));
                    if (baseline is not null)
                    {
                        baseR2rRuns.Add(ColdProcess(baseline.Value.R2r, tape, work, hocon, strategies, batch, "baseline-r2r"));
                        SameOutputs(work, "r2r", "baseline-r2r");
                    }
                }

                var (jit, r2r) = (MedianOf(jitRuns), MedianOf(r2rRuns));
                Console.Error.WriteLine($"  {name}: {phases}; {summary.Ticks:N0} ticks, {summary.Signals:N0} signals");
                rows.Add(
                    $"| {name} | {summary.Trades:N0} | {M(parse)} | {M(indicators)} | {M(warm)} ({summary.Elapsed.TotalSeconds:0.00} s, start {phases.Start.TotalSeconds:0.00} s) | {M(noStart)} | " +
                    $"{Cold(jit, summary.Trades)} | **{Cold(r2r, summary.Trades)}** (runs {r2rRuns.Min():0.00}–{r2rRuns.Max():0.00} s) | {summary.Trades / r2r / parse:0.00}× |");
                if (baseline is not null)
                {
                    var (baseJit, baseR2r) = (MedianOf(baseJitRuns), MedianOf(baseR2rRuns));
                    baselineRows.Add(
                        $"| {name} | {Cold(baseJit, summary.Trades)} | {Cold(jit, summary.Trades)} | {baseJit / jit:0.00}× | " +
                        $"{Cold(baseR2r, summary.Trades)} (runs {baseR2rRuns.Min():0.00}–{baseR2rRuns.Max():0.00} s) | {Cold(r2r, summary.Trades)} (runs {r2rRuns.Min():0.00}–{r2rRuns.Max():0.00} s) | {baseR2r / r2r:0.00}× |");
                }
            }

            Console.WriteLine();
            Console.WriteLine("| tape | trades | parse only | parse + indicators | replay in-process (incl. start) | replay excl. start | arbctl process (JIT build), start to exit, median of 3 | arbctl process (ReadyToRun publish), start to exit, median of 5 | ReadyToRun process ÷ parse |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var row in rows)
            {
                Console.WriteLine(row);
            }

            if (baseline is not null)
            {
                Console.WriteLine();
                Console.WriteLine($"baseline {baselineRev} beside ours, runs interleaved, outputs byte-identical (indicators, signals):");
                Console.WriteLine("| tape | baseline JIT, median of 3 | ours JIT, median of 3 | ours ÷ baseline (speed) | baseline ReadyToRun, median of 5 | ours ReadyToRun, median of 5 | ours ÷ baseline (speed) |");
                Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
                foreach (var row in baselineRows)
                {
                    Console.WriteLine(row);
                }
            }
        }
        finally
        {
            if (baselineRev is not null)
            {
                Git(FindUp("src") + "/..", "worktree", "remove", "--force", Path.Combine(work, "baseline-src"));
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static string M(double perSecond) => $"{perSecond / 1e6:0.000} M/s";

    private static string Cold(double seconds, long trades) => $"{M(trades / seconds)} ({seconds:0.00} s)";

    private static async Task<ReplaySummary> ReplayOnce(string tape, string work, string hocon, string strategies, int batch, int inFlight, bool quiet)
    {
        return await ReplayRunner.RunAsync(new ReplayOptions
        {
            Tapes = [tape],
            StrategiesDirectory = strategies,
            HoconDirectory = hocon,
            IndicatorsOut = Path.Combine(work, "indicators.csv"),
            SignalsOut = Path.Combine(work, "signals.csv"),
            BatchSize = batch,
            MaxInFlight = inFlight,
            Progress = quiet ? null : new Prefixed(Console.Error),
        });
    }

    /// <summary>arbctl as built beside this bench (JIT): the Cli's build output in the artifacts tree or under src/.</summary>
    private static string BuiltArbctl()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return new[]
            {
                Path.Combine(here.Parent!.Parent!.FullName, "Arbitrage.Cli", here.Name, "arbctl.dll"),
                Path.Combine(FindUp("src"), "Arbitrage.Cli", "bin", here.Parent!.Name, here.Name, "arbctl.dll"),
            }
            .FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("arbctl.dll not found beside the benchmark build (build src/Arbitrage.Cli -c Release)");
    }

    /// <summary>arbctl of <paramref name="src"/> (a src/ folder) published ReadyToRun for this machine (as the README and build.ps1 publish it).</summary>
    private static string PublishReadyToRun(string src, string output)
    {
        var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        Console.WriteLine($"publishing {src} arbctl ReadyToRun for {rid} (≈ 1 min the first time) ...");
        Dotnet(null, "publish", Path.Combine(src, "Arbitrage.Cli"), "-c", "Release", "-r", rid, "-o", output, "--nologo", "-v", "q");
        return Path.Combine(output, "arbctl.dll");
    }

    /// <summary>The baseline revision's arbctl, as built (JIT) and published ReadyToRun, from a temporary worktree.</summary>
    private static (string Jit, string R2r)? BuildBaseline(string revision, string work)
    {
        var source = Path.Combine(work, "baseline-src");
        Git(FindUp("src") + "/..", "worktree", "add", "--detach", source, revision);
        var artifacts = Path.Combine(work, "baseline-artifacts");
        Console.WriteLine($"building baseline {revision} ...");
        Dotnet(artifacts, "build", Path.Combine(source, "src", "Arbitrage.Cli"), "-c", "Release", "--nologo", "-v", "q");
        var jit = Directory.GetFiles(artifacts, "arbctl.dll", SearchOption.AllDirectories).Single(f => f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        return (jit, PublishReadyToRun(Path.Combine(source, "src"), Path.Combine(work, "baseline-r2r")));
    }

    /// <summary>The last cold runs of ours and the baseline wrote the same indicators and signals.</summary>
    private static void SameOutputs(string work, string ours, string baseline)
    {
        foreach (var file in new[] { "indicators", "signals" })
        {
            var (a, b) = (Path.Combine(work, $"{file}-{ours}.csv"), Path.Combine(work, $"{file}-{baseline}.csv"));
            if (!File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b)))
            {
                throw new InvalidOperationException($"{a} and {b} differ");
            }
        }
    }

    private static void Git(string directory, params string[] args) => Run("git", null, ["-C", directory, .. args]);

    /// <param name="artifacts">ARB_ARTIFACTS for the build (where its outputs go); null = as the caller's.</param>
    private static void Dotnet(string? artifacts, params string[] args) => Run("dotnet", artifacts, args);

    private static void Run(string file, string? artifacts, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (artifacts is not null)
        {
            start.Environment["ARB_ARTIFACTS"] = artifacts;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stdout} {stderr.Result}");
        }
    }

    /// <summary>
    /// A fresh <c>arbctl replay</c> process from process start to exit: runtime start, JIT (or ReadyToRun code),
    /// engine start, feed, outputs, shutdown. Returns the wall-clock seconds.
    /// </summary>
    private static double ColdProcess(string arbctl, string tape, string work, string hocon, string strategies, int batch, string label)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "exec", arbctl, "replay", "--tape", tape, "--strategies", strategies, "--hocon", hocon,
                     "--indicators-out", Path.Combine(work, $"indicators-{label}.csv"), "--signals-out", Path.Combine(work, $"signals-{label}.csv"),
                     "--batch-size", batch.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        clock.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"arbctl replay exited with {process.ExitCode}: {stderr.Result}");
        }

        Console.Error.WriteLine($"  cold {label}: {clock.Elapsed.TotalSeconds:0.00} s; " + stderr.Result.Split('\n').Last(l => l.Contains("done:", StringComparison.Ordinal)));
        return clock.Elapsed.TotalSeconds;
    }

    private static double ParseOnly(string tape)
    {
        var sink = new CountingSink();
        var clock = Stopwatch.StartNew();
        TapeReader.ReadTrades(tape, sink);
        return sink.Count / clock.Elapsed.TotalSeconds;
    }

    private static double ParseAndIndicators(string tape)
    {
        var sink = new IndicatorSink();
        var clock = Stopwatch.StartNew();
        TapeReader.ReadTrades(tape, sink);
        return sink.Count / clock.Elapsed.TotalSeconds;
    }

    private static double Median(int runs, Func<double> measure) => MedianOf(Enumerable.Range(0, runs).Select(_ => measure()).ToList());

    private static double MedianOf(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

    /// <summary>The day N times over: times shifted by whole days, agg ids by the id span, so the tape stays valid.</summary>
    private static void WriteRepeated(string day, string target, int repeat)
    {
        var lines = File.ReadAllLines(day);
        var first = long.Parse(lines[1].AsSpan(0, lines[1].IndexOf(',')), CultureInfo.InvariantCulture);
        var last = long.Parse(lines[^1].AsSpan(0, lines[^1].IndexOf(',')), CultureInfo.InvariantCulture);
        var idSpan = last - first + 1;

        // agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker: split once.
        var rows = lines.Skip(1).Select(line =>
        {
            var idEnd = line.IndexOf(',');
            var timeStart = line.LastIndexOf(',', line.LastIndexOf(',') - 1) + 1;
            var timeEnd = line.LastIndexOf(',');
            return (
                Id: long.Parse(line.AsSpan(0, idEnd), CultureInfo.InvariantCulture),
                Middle: line[idEnd..timeStart],
                Time: long.Parse(line.AsSpan(timeStart, timeEnd - timeStart), CultureInfo.InvariantCulture),
                Tail: line[timeEnd..]);
        }).ToArray();
        using var writer = new StreamWriter(target, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        writer.WriteLine(lines[0]);
        Span<char> number = stackalloc char[24];
        for (var k = 0; k < repeat; k++)
        {
            foreach (var (id, middle, time, tail) in rows)
            {
                (id + (k * idSpan)).TryFormat(number, out var n, default, CultureInfo.InvariantCulture);
                writer.Write(number[..n]);
                writer.Write(middle);
                (time + (k * DayMs)).TryFormat(number, out n, default, CultureInfo.InvariantCulture);
                writer.Write(number[..n]);
                writer.WriteLine(tail);
            }
        }
    }

    private static string FindUp(string relative, [System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"'{relative}' not found above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}");
    }

    private sealed class CountingSink : ITradeBatchSink
    {
        public long Count;

        public void OnBatch(string symbol, ReadOnlySpan<Trade> trades) => Count += trades.Length;
    }

    private sealed class IndicatorSink : ITradeBatchSink, ITickSink
    {
        private readonly SymbolIndicators _indicators = new();
        private double _checksum;

        public long Count;

        public void OnBatch(string symbol, ReadOnlySpan<Trade> trades)
        {
            _indicators.OnTrades(trades, this);
            Count += trades.Length;
        }

        public void OnTick(in IndicatorValues values) => _checksum += values.Cvd30m;
    }

    /// <summary>Progress lines of the measured replays on stderr, indented.</summary>
    private sealed class Prefixed(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void WriteLine(string? value) => inner.WriteLine("  " + value);
    }
}
