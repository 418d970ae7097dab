using Arbitrage.Core.Triangles;

namespace Arbitrage.Core.Tests.Triangles;

/// <summary>One input of a detection run: a full book of a symbol, or the loss of its book.</summary>
internal sealed record BookInput(long TimeMs, string Symbol, (double Price, double Qty)[] Bids, (double Price, double Qty)[] Asks, bool Unsynchronised = false)
{
    public static BookInput Lost(long timeMs, string symbol) => new(timeMs, symbol, [], [], Unsynchronised: true);
}

/// <summary>The parameters a brute-force run reads, straight from the words of ARCHITECTURE §7.</summary>
internal sealed record BruteForceSetup(string Venue, IReadOnlyList<string> Symbols, IReadOnlyList<(string Asset, double Notional)> Starts, double Fee, double Min, long StalenessMs);

/// <summary>
/// The reference for the incremental detector, written independently and simply: after every event it recomputes
/// every cycle from scratch (cycles found by trying every ordered triple of symbols, books sorted best first on every
/// use), and updates the episodes of the cycles through the event's symbol. Slow on purpose; no shared code with
/// <see cref="TriangleDetector"/> except the record types it returns.
/// </summary>
internal static class BruteForceTriangles
{
    private sealed record Cycle(string Id, string Start, double Notional, (string Symbol, bool SellBase)[] Legs);

    private sealed class Book
    {
        public (double Price, double Qty)[] Bids = [];
        public (double Price, double Qty)[] Asks = [];
        public long Updated;
        public bool Synced;
    }

    private sealed class Open
    {
        public long Start;
        public int Evaluations;
        public double Peak;
        public long PeakMs;
    }

    public static List<TriangleEpisodeRecord> Run(BruteForceSetup setup, IEnumerable<BookInput> inputs)
    {
        var cycles = Cycles(setup);
        var books = new Dictionary<string, Book>();
        var open = new Dictionary<string, Open>();
        var episodes = new List<TriangleEpisodeRecord>();

        foreach (var e in inputs)
        {
            if (!setup.Symbols.Contains(e.Symbol))
            {
                continue;
            }

            if (!books.TryGetValue(e.Symbol, out var book))
            {
                books[e.Symbol] = book = new Book();
            }

            if (e.Unsynchronised)
            {
                book.Synced = false;
            }
            else
            {
                book.Bids = e.Bids;
                book.Asks = e.Asks;
                book.Updated = e.TimeMs;
                book.Synced = true;
            }

            // Full rescan: every cycle, from scratch.
            var results = new Dictionary<string, double?>();
            var evaluable = new Dictionary<string, bool>();
            foreach (var c in cycles)
            {
                bool ok = c.Legs.All(l => books.TryGetValue(l.Symbol, out var b) && b.Synced && e.TimeMs - b.Updated <= setup.StalenessMs);
                evaluable[c.Id] = ok;
                results[c.Id] = ok ? Return(c, books, setup.Fee) : null;
            }

            foreach (var c in cycles.Where(c => c.Legs.Any(l => l.Symbol == e.Symbol)))
            {
                double? r = results[c.Id];
                bool isOpen = open.TryGetValue(c.Id, out var o);
                if (evaluable[c.Id] && r is { } value && value >= setup.Min)
                {
                    if (!isOpen)
                    {
                        open[c.Id] = new Open { Start = e.TimeMs, Evaluations = 1, Peak = value, PeakMs = e.TimeMs };
                    }
                    else
                    {
                        o!.Evaluations++;
                        if (value > o.Peak)
                        {
                            o.Peak = value;
                            o.PeakMs = e.TimeMs;
                        }
                    }
                }
                else if (isOpen)
                {
                    episodes.Add(new TriangleEpisodeRecord(o!.Start, e.TimeMs, setup.Venue, c.Id, c.Start, c.Notional, o.Evaluations, o.Peak, o.PeakMs));
                    open.Remove(c.Id);
                }
            }
        }

        foreach (var c in cycles)
        {
            if (open.TryGetValue(c.Id, out var o))
            {
                episodes.Add(new TriangleEpisodeRecord(o.Start, null, setup.Venue, c.Id, c.Start, c.Notional, o.Evaluations, o.Peak, o.PeakMs));
            }
        }

        return episodes;
    }

    /// <summary>r = out₃ / N − 1, or null when a book runs out.</summary>
    public static double? Return(string start, double notional, IEnumerable<((double Price, double Qty)[] Bids, (double Price, double Qty)[] Asks, bool SellBase)> legs, double fee)
    {
        double amount = notional;
        foreach (var (bids, asks, sell) in legs)
        {
            double? next = Convert(amount, sell ? bids : asks, sell, fee);
            if (next is null)
            {
                return null;
            }

            amount = next.Value;
        }

        return (amount / notional) - 1;
    }

    private static double? Return(Cycle c, Dictionary<string, Book> books, double fee) =>
        Return(c.Start, c.Notional, c.Legs.Select(l => (books[l.Symbol].Bids, books[l.Symbol].Asks, l.SellBase)), fee);

    private static double? Convert(double amount, (double Price, double Qty)[] levels, bool sellBase, double fee)
    {
        // Best first: bids by falling price, asks by rising price (OrderBy is stable).
        var sorted = sellBase ? levels.OrderByDescending(l => l.Price) : levels.OrderBy(l => l.Price);
        double left = amount;
        double got = 0;
        foreach (var (price, qty) in sorted)
        {
            if (left <= 0)
            {
                break;
            }

            if (sellBase)
            {
                double take = Math.Min(left, qty);
                got += price * take;
                left -= take;
            }
            else
            {
                double spend = Math.Min(left, qty * price);
                got += spend / price;
                left -= spend;
            }
        }

        return left > 0 ? null : got * (1 - fee);
    }

    /// <summary>Every ordered cycle S → X → Y → S over three distinct symbols, found by trying every ordered triple.</summary>
    private static List<Cycle> Cycles(BruteForceSetup setup)
    {
        static (string Base, string Quote) Split(string s) => (s[..s.IndexOf('/')], s[(s.IndexOf('/') + 1)..]);

        // From `from` through `symbol`: the asset received and whether that sells the base, or null.
        static (string To, bool Sell)? Step(string symbol, string from)
        {
            var (b, q) = Split(symbol);
            return from == b ? (q, true) : from == q ? (b, false) : null;
        }

        var cycles = new List<Cycle>();
        foreach (var (start, notional) in setup.Starts)
        {
            foreach (var s1 in setup.Symbols)
            foreach (var s2 in setup.Symbols)
            foreach (var s3 in setup.Symbols)
            {
                if (s1 == s2 || s2 == s3 || s1 == s3 || Step(s1, start) is not { } l1 || Step(s2, l1.To) is not { } l2 || Step(s3, l2.To) is not { } l3)
                {
                    continue;
                }

                if (l3.To == start && l1.To != start && l2.To != start && l1.To != l2.To)
                {
                    cycles.Add(new Cycle($"{start}>{l1.To}>{l2.To}", start, notional, [(s1, l1.Sell), (s2, l2.Sell), (s3, l3.Sell)]));
                }
            }
        }

        return cycles;
    }
}
