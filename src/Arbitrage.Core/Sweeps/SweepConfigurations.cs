using System.Globalization;

namespace Arbitrage.Core.Sweeps;

/// <summary>One configuration of a sweep: its id and one value (JSON text) per <see cref="SweepSpec.Parameters"/> entry, in order.</summary>
public sealed record SweepConfiguration(string Id, IReadOnlyList<string> Values);

/// <summary>
/// The configurations of a spec, the same list for the same spec on every machine and .NET version. Grid: every
/// combination, the first parameter varying slowest. Random: <see cref="SweepSearch.Samples"/> distinct combinations
/// drawn with a SplitMix64 generator seeded by <see cref="SweepSearch.Seed"/> (our own generator: System.Random's
/// sequence is only promised per .NET version), in draw order; when the grid is no larger than the samples, the
/// whole grid. Ids are <c>c</c> + the 1-based position, zero-padded (<c>c001</c>), so they sort as they were made.
/// </summary>
public static class SweepConfigurations
{
    public static IReadOnlyList<SweepConfiguration> Of(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sizes = spec.Parameters.Select(p => p.Values.Count).ToArray();
        var gridSize = sizes.Aggregate(1L, (acc, n) => Math.Min(acc * n, long.MaxValue / 2));
        var picks = new List<int[]>();
        if (!spec.Search.Random || gridSize <= spec.Search.Samples)
        {
            for (long i = 0; i < gridSize; i++)
            {
                picks.Add(Digits(i, sizes));
            }
        }
        else
        {
            var rng = new SplitMix64(spec.Search.Seed);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (picks.Count < spec.Search.Samples)
            {
                var pick = sizes.Select(n => rng.Below(n)).ToArray();
                if (seen.Add(string.Join(',', pick)))
                {
                    picks.Add(pick);
                }
            }
        }

        var width = Math.Max(3, picks.Count.ToString(CultureInfo.InvariantCulture).Length);
        return picks.Select((pick, i) => new SweepConfiguration(
            "c" + (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'),
            pick.Select((v, p) => spec.Parameters[p].Values[v]).ToArray())).ToArray();
    }

    /// <summary>Grid index → one value index per parameter (mixed radix, the last parameter fastest).</summary>
    private static int[] Digits(long index, int[] sizes)
    {
        var digits = new int[sizes.Length];
        for (var p = sizes.Length - 1; p >= 0; p--)
        {
            digits[p] = (int)(index % sizes[p]);
            index /= sizes[p];
        }

        return digits;
    }
}

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose sequence we own.</summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="n"/>): the high half of a 64×64-bit product (Lemire), bias below 2⁻³².</summary>
    public int Below(int n) => (int)(((UInt128)Next() * (ulong)n) >> 64);
}
