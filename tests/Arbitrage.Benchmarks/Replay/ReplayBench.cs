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
/// End-to-end replay throughput through the production actors (one-member cluster, sharded SymbolActor,
/// StrategyActors over DistributedPubSub persisting SignalEmitted in the replay's (in-memory) journal, CSV outputs)
/// over the real BTCUSD_PERP day and over that day repeated N times (times and agg ids shifted), in one run:
/// in-process (after a warm-up) with and without engine start, and as a cold <c>arbctl replay</c> process from
/// process start to exit — arbctl as built (JIT, median of 3) and as published ReadyToRun (median of 5). Baselines in the
/// same run: the span-based CSV parse alone and parse + the incremental indicators without actors. Strategies: the shipped ones (strategies/), whose
/// trades-only example emits signals, so the SignalEmitted journal writes are in the measured path.
/// Usage: e2e replay [zip-or-csv] [repeat=100] [batch=16384] [in-flight=4]
/// </summary>
public static class ReplayBench
{
    private const string ZipName = "tommyca_binance_datatool__BTCUSD_PERP__futures_cm__aggTrades__2026-05-08.zip";
    private const long DayMs = 86_400_000;

    public static async Task RunAsync(string[] args)
    {
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
            var r2rArbctl = PublishReadyToRun(work);
            Console.WriteLine("warm-up (JIT) ...");
            await ReplayOnce(day, work, hocon, strategies, batch, inFlight, quiet: true);

            var rows = new List<string>();
            foreach (var (name, tape) in new[] { ("real day", day), ($"day ×{repeat}", longTape) })
            {
                var parse = Median(3, () => ParseOnly(tape));
                var indicators = Median(3, () => ParseAndIndicators(tape));
                var summary = await ReplayOnce(tape, work, hocon, strategies, batch, inFlight, quiet: false);
                var phases = summary.Phases!;
                var warm = summary.TradesPerSecond;
                var noStart = summary.Trades / (summary.Elapsed - phases.Start).TotalSeconds;
                var jit = Median(3, () => ColdProcess(jitArbctl, tape, work, hocon, strategies, batch));
                var r2rRuns = Enumerable.Range(0, 5).Select(_ => ColdProcess(r2rArbctl, tape, work, hocon, strategies, batch)).Order().ToArray();
                var r2r = r2rRuns[2];
                Console.Error.WriteLine($"  {name}: {phases}; {summary.Ticks:N0} ticks, {summary.Signals:N0} signals");
                rows.Add(
                    $"| {name} | {summary.Trades:N0} | {M(parse)} | {M(indicators)} | {M(warm)} ({summary.Elapsed.TotalSeconds:0.00} s, start {phases.Start.TotalSeconds:0.00} s) | {M(noStart)} | " +
                    $"{Cold(jit, summary.Trades)} | **{Cold(r2r, summary.Trades)}** (runs {r2rRuns[0]:0.00}–{r2rRuns[^1]:0.00} s) | {summary.Trades / r2r / parse:0.00}× |");
            }

            Console.WriteLine();
            Console.WriteLine("| tape | trades | parse only | parse + indicators | replay in-process (incl. start) | replay excl. start | arbctl process (JIT build), start to exit, median of 3 | arbctl process (ReadyToRun publish), start to exit, median of 5 | ReadyToRun process ÷ parse |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var row in rows)
            {
                Console.WriteLine(row);
            }
        }
        finally
        {
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

    /// <summary>arbctl published ReadyToRun for this machine (as the README and build.ps1 publish it), into the work dir.</summary>
    private static string PublishReadyToRun(string work)
    {
        var output = Path.Combine(work, "arbctl-r2r");
        var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        Console.WriteLine($"publishing arbctl ReadyToRun for {rid} (≈ 1 min the first time) ...");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "publish", Path.Combine(FindUp("src"), "Arbitrage.Cli"), "-c", "Release", "-r", rid, "-o", output, "--nologo", "-v", "q" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish arbctl failed ({process.ExitCode}): {stdout} {stderr.Result}");
        }

        return Path.Combine(output, "arbctl.dll");
    }

    /// <summary>
    /// A fresh <c>arbctl replay</c> process from process start to exit: runtime start, JIT (or ReadyToRun code),
    /// engine start, feed, outputs, shutdown. Returns the wall-clock seconds.
    /// </summary>
    private static double ColdProcess(string arbctl, string tape, string work, string hocon, string strategies, int batch)
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
                     "--indicators-out", Path.Combine(work, "indicators-cold.csv"), "--signals-out", Path.Combine(work, "signals-cold.csv"),
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

        Console.Error.WriteLine($"  cold {Path.GetFileName(Path.GetDirectoryName(arbctl))}: {clock.Elapsed.TotalSeconds:0.00} s; " + stderr.Result.Split('\n').Last(l => l.Contains("done:", StringComparison.Ordinal)));
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

    private static double Median(int runs, Func<double> measure)
    {
        var xs = Enumerable.Range(0, runs).Select(_ => measure()).Order().ToArray();
        return xs[xs.Length / 2];
    }

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
