using Arbitrage.Core.Triangles;

namespace Arbitrage.Benchmarks.Triangles;

/// <summary>
/// A SYNTHETIC venue at the scale of a published Binance triangle detector (26 assets, 93 symbols, 804 cycles):
/// 26 assets = 4 quote assets (USDT, BTC, ETH, BNB, all 6 pairs among them) + 22 alts, 21 listed against all four
/// quotes and one against three → 93 pairs, 133 triangles, 798 cycles (both directions from every asset of each
/// triangle, the same dollar notional of each asset). Books: 10 levels a side, $300–$3000 a level, mids within ±0.2 %
/// of consistent fair prices; pre-generated updates (4 variants per pair, uniform pair choice, 1 ms apart) so the
/// benchmark measures the detector, not a generator. A $100 notional (the example) fills on the best level;
/// $1000 walks one to four levels.
/// </summary>
internal sealed class SyntheticVenue
{
    public const int Levels = 10;
    public const int Updates = 8192;

    private SyntheticVenue(TriangleUniverse universe, (int Pair, long TimeMs, BookLevel[] Bids, BookLevel[] Asks)[] updates)
    {
        Universe = universe;
        Stream = updates;
    }

    public TriangleUniverse Universe { get; }

    public (int Pair, long TimeMs, BookLevel[] Bids, BookLevel[] Asks)[] Stream { get; }

    public static SyntheticVenue Create(double notionalUsd, int seed = 93)
    {
        var rng = new Random(seed);
        string[] quotes = ["USDT", "BTC", "ETH", "BNB"];
        var usd = new Dictionary<string, double> { ["USDT"] = 1, ["BTC"] = 60_000, ["ETH"] = 3_000, ["BNB"] = 550 };
        var pairs = new List<TradingPair>();
        for (int i = 0; i < quotes.Length; i++)
        {
            for (int j = i + 1; j < quotes.Length; j++)
            {
                pairs.Add(TradingPair.Of(quotes[j], quotes[i]));
            }
        }

        for (int a = 0; a < 22; a++)
        {
            var alt = $"ALT{a:D2}";
            usd[alt] = Math.Round(0.05 + (rng.NextDouble() * 200), 4);
            foreach (var q in a == 21 ? quotes[..3] : quotes)
            {
                pairs.Add(TradingPair.Of(alt, q));
            }
        }

        var universe = TriangleUniverse.Create(pairs, usd.Keys.Select(asset => (asset, notionalUsd / usd[asset])));

        // Four book variants per pair, mid within ±0.2 % of fair, so some cycles cross a near-zero threshold.
        var variants = new (BookLevel[] Bids, BookLevel[] Asks)[pairs.Count, 4];
        for (int p = 0; p < pairs.Count; p++)
        {
            double mid = usd[pairs[p].Base] / usd[pairs[p].Quote];
            for (int v = 0; v < 4; v++)
            {
                double center = mid * (1 + ((rng.NextDouble() - 0.5) * 0.004));
                var bids = new BookLevel[Levels];
                var asks = new BookLevel[Levels];
                for (int l = 0; l < Levels; l++)
                {
                    double qty = (300 + (rng.NextDouble() * 2700)) / usd[pairs[p].Base];
                    bids[l] = new BookLevel(center * (1 - (0.0001 * (l + 1))), qty);
                    asks[l] = new BookLevel(center * (1 + (0.0001 * (l + 1))), qty);
                }

                variants[p, v] = (bids, asks);
            }
        }

        var updates = new (int, long, BookLevel[], BookLevel[])[Updates];
        for (int i = 0; i < Updates; i++)
        {
            int p = rng.Next(pairs.Count);
            var (bids, asks) = variants[p, rng.Next(4)];
            updates[i] = (p, i, bids, asks);
        }

        return new SyntheticVenue(universe, updates);
    }
}
