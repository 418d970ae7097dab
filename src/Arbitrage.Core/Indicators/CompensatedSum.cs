using System.Runtime.CompilerServices;

namespace Arbitrage.Core.Indicators;

/// <summary>
/// A running sum with Neumaier (improved Kahan–Babuška) compensation, for sliding windows that add a block
/// when it enters and subtract it when it leaves.
/// </summary>
/// <remarks>
/// Why: a plain double that is added to and subtracted from forever accumulates one rounding error per
/// operation (a random walk that grows with the tape length). With compensation the error of the running
/// value is bounded by about 2u·|sum| + O(N·u²)·Σ|x| (u = 2⁻⁵³, N = operations so far): for a year of
/// 15-second ticks the second term is ~1e-20 of the data's scale, so the window sums do not drift. The
/// window owner also resets a sum to exact zero whenever its window holds no trade.
/// </remarks>
internal struct CompensatedSum
{
    public double Sum;
    public double Compensation;

    public readonly double Value => Sum + Compensation;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double x)
    {
        double t = Sum + x;
        Compensation += Math.Abs(Sum) >= Math.Abs(x) ? (Sum - t) + x : (x - t) + Sum;
        Sum = t;
    }

    public void Reset()
    {
        Sum = 0;
        Compensation = 0;
    }
}
