using Arbitrage.Core.Triangles;

namespace Arbitrage.Core.Tests.Triangles;

/// <summary>Runs of the incremental detector over <see cref="BookInput"/>s, and random scenarios to run both ways.</summary>
internal static class TriangleRuns
{
    public static List<TriangleEpisodeRecord> Incremental(BruteForceSetup setup, IEnumerable<BookInput> inputs)
    {
        var pairs = setup.Symbols.Select(s => TradingPair.TryParse(s, out var p) ? p : throw new ArgumentException(s));
        var universe = TriangleUniverse.Create(pairs, setup.Starts);
        var detector = new TriangleDetector(universe, new TriangleDetectorSettings(setup.Fee, setup.Min, setup.StalenessMs));
        var episodes = new List<TriangleEpisodeRecord>();
        foreach (var e in inputs)
        {
            if (!universe.TryGetPair(e.Symbol, out int pair))
            {
                continue;
            }

            if (e.Unsynchronised)
            {
                detector.MarkUnsynchronised(pair, e.TimeMs);
            }
            else
            {
                detector.Apply(pair, e.TimeMs, Levels(e.Bids), Levels(e.Asks));
            }

            foreach (var change in detector.Changes)
            {
                if (change.Kind == EpisodeChangeKind.Closed)
                {
                    episodes.Add(TriangleEpisodeRecord.From(universe, setup.Venue, change.Episode));
                }
            }
        }

        episodes.AddRange(detector.OpenEpisodes().Select(o => TriangleEpisodeRecord.From(universe, setup.Venue, o)));
        return episodes;
    }

    public static BookLevel[] Levels((double Price, double Qty)[] levels) => levels.Select(l => new BookLevel(l.Price, l.Qty)).ToArray();

    public static (double, double)[] Levels(BookLevel[] levels) => levels.Select(l => (l.Price, l.Quantity)).ToArray();

    public static BookInput Input(BookTapeEvent e) => new(e.TimeMs, e.Symbol, Levels(e.Bids), Levels(e.Asks));

    /// <summary>
    /// A random venue of 3–5 assets with a random set of pairs (random orientation), 1–2 start assets, and a random
    /// event sequence: books drifting around consistent fair prices on a coarse grid (so equal returns recur and peaks
    /// tie), books that run out (0–4 levels, sometimes notionals too large), unsorted sides and repeated prices, equal
    /// timestamps, gaps longer than and exactly equal to the staleness, lost books, and symbols outside the config.
    /// One scenario in three is an "exact" world (power-of-two prices and quantities, no fee, threshold 0) where the
    /// arithmetic is exact, so returns land exactly on the threshold.
    /// </summary>
    public static (BruteForceSetup Setup, List<BookInput> Inputs) Random(int seed, int maxEvents = 250)
    {
        var rng = new Random(seed);
        bool exact = rng.Next(3) == 0;
        string[] all = ["USD", "BTC", "ETH", "SOL", "EUR"];
        double[] fair = exact ? [1, 64, 8, 2, 0.5] : [1, 60_000, 3_000, 150, 1.1];
        int n = rng.Next(3, all.Length + 1);
        var symbols = new List<string>();
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                if (rng.NextDouble() < 0.75)
                {
                    symbols.Add(rng.Next(2) == 0 ? $"{all[i]}/{all[j]}" : $"{all[j]}/{all[i]}");
                }
            }
        }

        var starts = new List<(string, double)>();
        foreach (int a in Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(rng.Next(1, 3)))
        {
            double usd = rng.Next(6) == 0 ? 1e7 : exact ? new[] { 8.0, 64, 512 }[rng.Next(3)] : new[] { 10.0, 100, 1000 }[rng.Next(3)];
            starts.Add((all[a], usd / fair[a]));
        }

        var setup = new BruteForceSetup(
            "test-venue",
            symbols,
            starts,
            Fee: exact ? 0 : new[] { 0, 0.001, 0.0025 }[rng.Next(3)],
            Min: exact ? 0 : new[] { -0.01, -0.002, 0, 0.0005 }[rng.Next(4)],
            StalenessMs: rng.Next(2, 7) * 1000);

        var events = new List<BookInput>();
        long time = 1_700_000_000_000;
        var outside = $"{all[0]}/XRP";
        int count = rng.Next(1, maxEvents);
        for (int k = 0; k < count; k++)
        {
            // On a 50 ms grid, so gaps of exactly the staleness happen.
            time += rng.Next(16) switch
            {
                0 => 0,
                1 => rng.Next(8, 32) * 250,
                2 => setup.StalenessMs,
                _ => rng.Next(1, 5) * 50,
            };

            if (symbols.Count == 0 || rng.Next(20) == 0)
            {
                events.Add(RandomBook(rng, time, outside, 1, 1, exact));
                continue;
            }

            var symbol = symbols[rng.Next(symbols.Count)];
            if (rng.Next(12) == 0)
            {
                events.Add(BookInput.Lost(time, symbol));
                continue;
            }

            var slash = symbol.IndexOf('/');
            double mid = fair[Array.IndexOf(all, symbol[..slash])] / fair[Array.IndexOf(all, symbol[(slash + 1)..])];
            events.Add(RandomBook(rng, time, symbol, mid, fair[Array.IndexOf(all, symbol[..slash])], exact));
        }

        return (setup, events);
    }

    private static BookInput RandomBook(Random rng, long time, string symbol, double mid, double baseUsd, bool exact)
    {
        double center = exact
            ? mid * (rng.Next(2) == 0 ? 1 : new[] { 0.5, 0.75, 1.25, 1.5 }[rng.Next(4)])
            : mid * (1 + (0.0025 * rng.Next(-4, 5)));
        double spread = exact ? new[] { 0.0, 0.25 }[rng.Next(2)] : new[] { 0.0, 0.0005, 0.001 }[rng.Next(3)];
        (double, double)[] Side(int sign)
        {
            var levels = new (double, double)[rng.Next(10) == 0 ? 0 : rng.Next(1, 5)];
            for (int i = 0; i < levels.Length; i++)
            {
                // Repeated prices now and then (a step of 0), quantities on a coarse grid worth $10–$5000.
                double step = rng.Next(8) == 0 ? 0 : spread * (i + 1) * (exact ? 0.125 : 1);
                double usd = exact ? new[] { 8.0, 64, 512, 4096 }[rng.Next(4)] : new[] { 10.0, 100, 1000, 5000 }[rng.Next(4)];
                levels[i] = (center * (1 + (sign * Math.Max(step, spread * 0.5))), usd / baseUsd);
            }

            if (rng.Next(8) == 0)
            {
                rng.Shuffle(levels);
            }

            return levels;
        }

        return new BookInput(time, symbol, Side(-1), Side(+1));
    }
}
