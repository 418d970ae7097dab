using System.Diagnostics;
using System.Globalization;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Triangles;
using Arbitrage.Testing;

namespace Arbitrage.Benchmarks.Triangles;

/// <summary>
/// The deep_orderbook 2 h tape (BTCUSDT, ETHUSDT, ETHBTC; 2020-11-01 09–11 UTC) end to end through the Core detector:
/// read the zip into books and detect with strategies/triangles/tri_binance.json, in both book modes (recorded books
/// only; the labelled TopMovedToTrades approximation). Baselines in the same run: reading alone, and read + a full
/// rescan of every cycle per update (<see cref="FullRescanDetector"/>).
/// Usage: e2e tritape [runs=3] [zip]
/// </summary>
public static class TriangleTapeBench
{
    private const string Tape = "binance_spot_BTCUSDT_ETHUSDT_ETHBTC_2020-11-01T09Z_2h.deep_orderbook.zip";

    public static Task RunAsync(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        var zip = args.Length > 1 ? args[1] : Path.Combine(RepoPaths.Root, "..", "shared", "data", Tape);
        var file = Path.Combine(RepoPaths.Strategies, "triangles", "tri_binance.json");
        var config = TriangleConfigLoader.LoadText(file, File.ReadAllText(file)).Config
            ?? throw new InvalidOperationException($"{file} is not a valid triangle config");
        var universe = config.UniverseOn([]);
        var settings = TriangleDetectorSettings.For(config);

        Console.WriteLine($"triangle tape e2e: {Path.GetFileName(zip)} through {config.Id} ({universe}), median of {runs} runs, {Environment.ProcessorCount} cores");
        Console.WriteLine("| books | pipeline | events | wall ms | events/s | episodes |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var mode in new[] { BookApproximation.None, BookApproximation.TopMovedToTrades })
        {
            var tape = new DeepOrderbookTape(zip, new BookTapeOptions(Approximation: mode));
            string books = mode == BookApproximation.None ? "recorded only" : "approximated (TopMovedToTrades)";
            Row(books, "read only (baseline)", runs, () => (Count(tape.Read()), 0));
            Row(books, "read + full rescan per update (baseline)", runs, () => Rescan(universe, settings, tape.Read()));
            Row(books, "read + incremental detector", runs, () =>
            {
                long n = 0;
                var episodes = TriangleTapeDetection.Run(universe, settings, config.Venue, Counted(tape.Read(), () => n++));
                return (n, episodes.Count);
            });
        }

        return Task.CompletedTask;
    }

    private static void Row(string books, string pipeline, int runs, Func<(long Events, int Episodes)> run)
    {
        run(); // warm-up
        var times = new List<double>();
        (long Events, int Episodes) result = default;
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            result = run();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        double ms = times[times.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {books} | {pipeline} | {result.Events:N0} | {ms:F0} | {result.Events / (ms / 1000):N0} | {result.Episodes} |"));
    }

    private static long Count(IEnumerable<BookTapeEvent> events)
    {
        long n = 0;
        foreach (var _ in events)
        {
            n++;
        }

        return n;
    }

    private static IEnumerable<BookTapeEvent> Counted(IEnumerable<BookTapeEvent> events, Action counted)
    {
        foreach (var e in events)
        {
            counted();
            yield return e;
        }
    }

    private static (long, int) Rescan(TriangleUniverse universe, TriangleDetectorSettings settings, IEnumerable<BookTapeEvent> events)
    {
        var detector = new FullRescanDetector(universe, settings);
        long n = 0;
        foreach (var e in events)
        {
            if (universe.TryGetPair(e.Symbol, out int pair))
            {
                detector.Apply(pair, e.TimeMs, e.Bids, e.Asks);
            }

            n++;
        }

        return (n, detector.OpenCount);
    }
}
