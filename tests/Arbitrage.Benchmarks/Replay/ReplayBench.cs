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
/// strategies over DistributedPubSub, SQLite journal, CSV outputs), including engine start, over the real
/// BTCUSD_PERP day and over that day repeated N times (times and agg ids shifted). Baselines in the same run:
/// the span-based CSV parse alone, parse + the incremental indicators without actors, and the naive
/// recompute-every-tick on a short slice.
/// Usage: e2e replay [zip-or-csv] [repeat=20] [batch=4096] [in-flight=4]
/// </summary>
public static class ReplayBench
{
    private const string ZipName = "tommyca_binance_datatool__BTCUSD_PERP__futures_cm__aggTrades__2026-05-08.zip";
    private const long DayMs = 86_400_000;

    public static async Task RunAsync(string[] args)
    {
        var source = args.Length > 0 && File.Exists(args[0]) ? args[0] : Path.Combine(FindUp(Path.Combine("shared", "data")), ZipName);
        var repeat = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : new ReplayOptions { Tapes = [], StrategiesDirectory = "", HoconDirectory = "" }.BatchSize;
        var inFlight = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4;
        var hocon = FindUp("hocon");
        var strategies = FindUp("strategies");

        var work = Directory.CreateTempSubdirectory("arb-bench-replay").FullName;
        try
        {
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

            Console.WriteLine($"replay end to end: batch {batch}, {inFlight} in flight, {Environment.ProcessorCount} cores, strategies {strategies}");
            Console.WriteLine("warm-up (JIT, SQLite) ...");
            await ReplayOnce(day, work, hocon, strategies, batch, inFlight, quiet: true);

            Console.WriteLine();
            Console.WriteLine("| tape | trades | parse only | parse + indicators | replay (actors, incl. start) | engine start | replay ÷ parse | naive recompute (first 20k) | replay ÷ naive |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            var naive = NaivePerSecond(day, 20_000);
            foreach (var (name, tape) in new[] { ("real day", day), ($"day ×{repeat}", longTape) })
            {
                var parse = Median(3, () => ParseOnly(tape));
                var indicators = Median(3, () => ParseAndIndicators(tape));
                var (summary, start) = await ReplayOnce(tape, work, hocon, strategies, batch, inFlight, quiet: false);
                var replay = summary.TradesPerSecond;
                Console.WriteLine(
                    $"| {name} | {summary.Trades:N0} | {M(parse)} | {M(indicators)} | {M(replay)} ({summary.Elapsed.TotalSeconds:0.00} s) | {start.TotalSeconds:0.00} s | {replay / parse:0.000}× | {M(naive)} | {replay / naive:0.0}× |");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string M(double perSecond) => $"{perSecond / 1e6:0.000} M/s";

    private static async Task<(ReplaySummary Summary, TimeSpan EngineStart)> ReplayOnce(string tape, string work, string hocon, string strategies, int batch, int inFlight, bool quiet)
    {
        var progress = new PhaseLog(quiet);
        var summary = await ReplayRunner.RunAsync(new ReplayOptions
        {
            Tapes = [tape],
            StrategiesDirectory = strategies,
            HoconDirectory = hocon,
            IndicatorsOut = Path.Combine(work, "indicators.csv"),
            SignalsOut = Path.Combine(work, "signals.csv"),
            BatchSize = batch,
            MaxInFlight = inFlight,
            Progress = progress,
        });
        return (summary, progress.EngineStart);
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

    private static double NaivePerSecond(string day, int trades)
    {
        var slice = TapeReader.ReadTrades(day).Take(trades).Select(t => t.Trade).ToArray();
        var clock = Stopwatch.StartNew();
        var naive = new Indicators.NaiveRecompute();
        foreach (var t in slice)
        {
            naive.OnTrade(in t);
        }

        GC.KeepAlive(naive.Checksum);
        return slice.Length / clock.Elapsed.TotalSeconds;
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
        using var writer = new StreamWriter(target, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        writer.WriteLine(lines[0]);
        for (var k = 0; k < repeat; k++)
        {
            for (var i = 1; i < lines.Length; i++)
            {
                // agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker
                var f = lines[i].Split(',');
                var id = long.Parse(f[0], CultureInfo.InvariantCulture) + (k * idSpan);
                var time = long.Parse(f[5], CultureInfo.InvariantCulture) + (k * DayMs);
                writer.Write(id.ToString(CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.Write(f[1]);
                writer.Write(',');
                writer.Write(f[2]);
                writer.Write(',');
                writer.Write(f[3]);
                writer.Write(',');
                writer.Write(f[4]);
                writer.Write(',');
                writer.Write(time.ToString(CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.WriteLine(f[6]);
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

    /// <summary>Keeps the replay's progress lines (the engine-start line gives that phase's time).</summary>
    private sealed class PhaseLog(bool quiet) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public TimeSpan EngineStart { get; private set; }

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value != '\n')
            {
                _line.Append(value);
                return;
            }

            var line = _line.ToString();
            _line.Clear();
            const string marker = "engine up in ";
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                var seconds = line[(at + marker.Length)..].Split(' ')[0];
                EngineStart = TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture));
            }

            if (!quiet)
            {
                Console.Error.WriteLine("  " + line);
            }
        }
    }
}
