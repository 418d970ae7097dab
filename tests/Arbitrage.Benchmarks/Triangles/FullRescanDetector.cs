using System.Runtime.InteropServices;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Benchmarks.Triangles;

/// <summary>
/// The baseline: the same leg maths with the same best-level fast path (<see cref="LegLevel"/> /
/// <see cref="LegConversion.TryWalk"/>), the same staleness test and episode bookkeeping, but every update re-evaluates
/// every cycle of the venue (a full rescan) instead of the cycles through the updated pair. Allocation-free too, so the
/// comparison measures the pair → cycles index alone.
/// </summary>
internal sealed class FullRescanDetector
{
    private readonly (int S1, int S2, int S3, double Notional)[] _cycles;
    private readonly LegLevel[][] _walk;
    private readonly int[] _count;
    private readonly LegLevel[] _best;
    private readonly long[] _updated;
    private readonly bool[] _open;
    private readonly int[] _evaluations;
    private readonly double[] _peak;
    private readonly double _keep;
    private readonly double _min;
    private readonly long _staleness;

    public FullRescanDetector(TriangleUniverse universe, TriangleDetectorSettings settings)
    {
        static int Side(CycleLeg l) => (2 * l.Pair) + (l.Side == LegSide.SellBase ? 0 : 1);
        _cycles = [.. universe.Cycles.Select(c => (Side(c.Leg1), Side(c.Leg2), Side(c.Leg3), c.Notional))];
        int sides = 2 * universe.Pairs.Count;
        _walk = new LegLevel[sides][];
        for (int i = 0; i < sides; i++)
        {
            _walk[i] = new LegLevel[64];
        }

        _count = new int[sides];
        _best = new LegLevel[sides];
        _updated = Enumerable.Repeat(long.MinValue / 2, universe.Pairs.Count).ToArray();
        _open = new bool[_cycles.Length];
        _evaluations = new int[_cycles.Length];
        _peak = new double[_cycles.Length];
        _keep = 1 - settings.TakerFee;
        _min = settings.MinNetReturn;
        _staleness = settings.StalenessMs;
    }

    public int OpenCount { get; private set; }

    public void Apply(int pair, long timeMs, ReadOnlySpan<BookLevel> bids, ReadOnlySpan<BookLevel> asks)
    {
        Store(2 * pair, LegSide.SellBase, bids);
        Store((2 * pair) + 1, LegSide.BuyBase, asks);
        _updated[pair] = timeMs;
        for (int c = 0; c < _cycles.Length; c++)
        {
            var (s1, s2, s3, n) = _cycles[c];
            bool fresh = timeMs - Math.Min(Math.Min(_updated[s1 >> 1], _updated[s2 >> 1]), _updated[s3 >> 1]) <= _staleness;
            double a = n;
            double r = fresh && Leg(s1, ref a) && Leg(s2, ref a) && Leg(s3, ref a) ? (a / n) - 1 : double.NaN;
            if (r >= _min)
            {
                if (!_open[c])
                {
                    _open[c] = true;
                    _evaluations[c] = 1;
                    _peak[c] = r;
                    OpenCount++;
                }
                else
                {
                    _evaluations[c]++;
                    _peak[c] = Math.Max(_peak[c], r);
                }
            }
            else if (_open[c])
            {
                _open[c] = false;
                OpenCount--;
            }
        }
    }

    private void Store(int side, LegSide how, ReadOnlySpan<BookLevel> levels)
    {
        if (_walk[side].Length < levels.Length)
        {
            _walk[side] = new LegLevel[levels.Length]; // once, for books deeper than any before (real tapes: 200 levels)
        }

        LegLevel.Fill(how, levels, _walk[side]);
        _count[side] = levels.Length;
        _best[side] = levels.Length > 0 ? _walk[side][0] : new LegLevel(-1, 0, 1, 0);
    }

    private bool Leg(int side, ref double amount)
    {
        ref readonly var best = ref _best[side];
        if (amount <= best.Cap)
        {
            amount = ((side & 1) == 0 ? amount * best.Mul : amount / best.Div) * _keep;
            return true;
        }

        return LegConversion.TryWalk(amount, ref MemoryMarshal.GetArrayDataReference(_walk[side]), _count[side], _keep, out amount);
    }
}
