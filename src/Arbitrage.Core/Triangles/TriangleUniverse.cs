using System.Globalization;

namespace Arbitrage.Core.Triangles;

/// <summary>
/// A venue's pairs as a currency graph, every cycle of every start asset, and the index pair → cycles that keeps
/// evaluation incremental (only the cycles through the updated pair). Immutable; build once per config and venue.
/// </summary>
public sealed class TriangleUniverse
{
    private readonly Dictionary<string, int> _pairBySymbol;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _pairBySpan;
    private readonly int[] _cycleStart;
    private readonly int[] _cycleIndex;

    private TriangleUniverse(List<TradingPair> pairs, Dictionary<string, int> bySymbol, List<TriangleCycle> cycles)
    {
        Pairs = pairs;
        Cycles = cycles;
        _pairBySymbol = bySymbol;
        _pairBySpan = bySymbol.GetAlternateLookup<ReadOnlySpan<char>>();

        // Compressed rows: the cycles through pair p are _cycleIndex[_cycleStart[p] .. _cycleStart[p + 1]), ascending.
        _cycleStart = new int[pairs.Count + 1];
        foreach (var c in cycles)
        {
            _cycleStart[c.Leg1.Pair + 1]++;
            _cycleStart[c.Leg2.Pair + 1]++;
            _cycleStart[c.Leg3.Pair + 1]++;
        }

        for (int p = 0; p < pairs.Count; p++)
        {
            _cycleStart[p + 1] += _cycleStart[p];
            MaxCyclesPerPair = Math.Max(MaxCyclesPerPair, _cycleStart[p + 1] - _cycleStart[p]);
        }

        _cycleIndex = new int[_cycleStart[pairs.Count]];
        var fill = (int[])_cycleStart.Clone();
        foreach (var c in cycles)
        {
            _cycleIndex[fill[c.Leg1.Pair]++] = c.Index;
            _cycleIndex[fill[c.Leg2.Pair]++] = c.Index;
            _cycleIndex[fill[c.Leg3.Pair]++] = c.Index;
        }
    }

    /// <summary>The pairs in the order given to <see cref="Create"/>; a pair's index is its position here.</summary>
    public IReadOnlyList<TradingPair> Pairs { get; }

    /// <summary>Every cycle: grouped by start asset in the order given, then by id (ordinal).</summary>
    public IReadOnlyList<TriangleCycle> Cycles { get; }

    /// <summary>The largest number of cycles through one pair (the most one book update can evaluate).</summary>
    public int MaxCyclesPerPair { get; }

    /// <summary>The cycles through <paramref name="pair"/>, ascending indexes of <see cref="Cycles"/>.</summary>
    public ReadOnlySpan<int> CyclesOf(int pair) => _cycleIndex.AsSpan(_cycleStart[pair], _cycleStart[pair + 1] - _cycleStart[pair]);

    public bool TryGetPair(string symbol, out int pair) => _pairBySymbol.TryGetValue(symbol, out pair);

    /// <summary>Looks a symbol up without allocating a string (tape and feed parsers).</summary>
    public bool TryGetPair(ReadOnlySpan<char> symbol, out int pair) => _pairBySpan.TryGetValue(symbol, out pair);

    /// <summary>
    /// The universe of <paramref name="pairs"/> and the cycles of each start asset (asset, notional &gt; 0 in that asset).
    /// A start asset that no pair trades has no cycles. Throws <see cref="ArgumentException"/> for a repeated symbol or
    /// two pairs over the same two assets (e.g. <c>BTC/USD</c> and <c>USD/BTC</c>): a cycle id <c>S&gt;X&gt;Y</c> must
    /// name one path (<see cref="FindConflict"/> says so beforehand).
    /// </summary>
    public static TriangleUniverse Create(IEnumerable<TradingPair> pairs, IEnumerable<(string Asset, double Notional)> startAssets)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(startAssets);
        var list = pairs.ToList();
        if (FindConflict(list) is { } conflict)
        {
            throw new ArgumentException(conflict, nameof(pairs));
        }

        var bySymbol = new Dictionary<string, int>(StringComparer.Ordinal);
        // Neighbours of each asset: (other asset, pair, side when converting from this asset), in pair order.
        var edges = new Dictionary<string, List<(string To, int Pair, LegSide Side)>>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++)
        {
            var p = list[i];
            bySymbol.Add(p.Symbol, i);
            Edges(edges, p.Base).Add((p.Quote, i, LegSide.SellBase));
            Edges(edges, p.Quote).Add((p.Base, i, LegSide.BuyBase));
        }

        var cycles = new List<TriangleCycle>();
        var seenStart = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (start, notional) in startAssets)
        {
            if (!(notional > 0) || double.IsInfinity(notional))
            {
                throw new ArgumentOutOfRangeException(nameof(startAssets), notional, $"the notional of start asset {start} must be a finite number > 0");
            }

            if (!seenStart.Add(start) || !edges.TryGetValue(start, out var fromStart))
            {
                continue;
            }

            var ofStart = new List<TriangleCycle>();
            foreach (var (x, p1, s1) in fromStart)
            {
                foreach (var (y, p2, s2) in edges[x])
                {
                    if (y == start)
                    {
                        continue;
                    }

                    foreach (var (back, p3, s3) in edges[y])
                    {
                        if (back == start)
                        {
                            ofStart.Add(new TriangleCycle(0, $"{start}>{x}>{y}", start, notional,
                                new CycleLeg(p1, s1, start, x), new CycleLeg(p2, s2, x, y), new CycleLeg(p3, s3, y, start)));
                        }
                    }
                }
            }

            ofStart.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
            foreach (var c in ofStart)
            {
                cycles.Add(c with { Index = cycles.Count });
            }
        }

        return new TriangleUniverse(list, bySymbol, cycles);
    }

    /// <summary>Why <paramref name="pairs"/> cannot form a universe (a repeated symbol, two pairs over the same assets), or null.</summary>
    public static string? FindConflict(IEnumerable<TradingPair> pairs)
    {
        var symbols = new HashSet<string>(StringComparer.Ordinal);
        var assets = new Dictionary<(string, string), string>();
        foreach (var p in pairs)
        {
            if (!symbols.Add(p.Symbol))
            {
                return $"pair {p.Symbol} is listed twice";
            }

            var key = string.CompareOrdinal(p.Base, p.Quote) < 0 ? (p.Base, p.Quote) : (p.Quote, p.Base);
            if (!assets.TryAdd(key, p.Symbol))
            {
                return $"pairs {assets[key]} and {p.Symbol} trade the same two assets; keep one";
            }
        }

        return null;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Pairs.Count} pairs, {Cycles.Count} cycles");

    private static List<(string To, int Pair, LegSide Side)> Edges(Dictionary<string, List<(string, int, LegSide)>> edges, string asset)
    {
        if (!edges.TryGetValue(asset, out var list))
        {
            list = [];
            edges.Add(asset, list);
        }

        return list;
    }
}
