using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Arbitrage.Core.Triangles;

/// <summary>
/// One leg of a cycle through a book, exactly as ARCHITECTURE §7 words it. <i>Sell base</i> walks the bids from the
/// best level taking <c>min(left, qty)</c> base per level and receiving <c>price·take</c> quote; <i>buy base</i> walks
/// the asks spending <c>min(left, qty·price)</c> quote per level and receiving <c>spend/price</c> base. The result is
/// multiplied by <c>(1 − fee)</c>. A book that runs out before the amount is consumed makes the leg infeasible.
/// No lot rounding (execution applies the venue's filters).
/// </summary>
public static class LegConversion
{
    /// <summary>
    /// Converts <paramref name="amount"/> (&gt; 0) through <paramref name="levels"/> (the bids for
    /// <see cref="LegSide.SellBase"/>, the asks for <see cref="LegSide.BuyBase"/>, best first). False when the book runs out.
    /// </summary>
    public static bool TryConvert(LegSide side, double amount, ReadOnlySpan<BookLevel> levels, double takerFee, out double received)
    {
        Span<LegLevel> walk = levels.Length <= 256 ? stackalloc LegLevel[levels.Length] : new LegLevel[levels.Length];
        for (int i = 0; i < levels.Length; i++)
        {
            walk[i] = LegLevel.Of(side, levels[i]);
        }

        return TryWalk(amount, ref MemoryMarshal.GetReference(walk), walk.Length, 1 - takerFee, out received);
    }

    /// <summary>
    /// The walk of both sides in one branch-free form over <see cref="LegLevel"/>s: per level <c>take = min(left, cap)</c>,
    /// <c>got += take·mul / div</c>, <c>left −= take</c>. <paramref name="keep"/> = 1 − fee (the caller computes it once;
    /// it is the same double).
    /// </summary>
    /// <remarks>
    /// Levels go two at a time and the early exit is tested once per two: once the amount is consumed a further level
    /// takes exactly 0 and adds exactly 0, so the result is the same as stopping at once, and on books where one or two
    /// levels fill a leg the mispredicted branches (which cost more than the arithmetic) halve. <c>left</c> reaches
    /// exactly 0 when a level covers the rest (<c>take == left</c>), so <c>left == 0</c> is "fully consumed".
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryWalk(double amount, ref LegLevel levels, int count, double keep, out double received)
    {
        double left = amount;
        double got = 0;
        int i = 0;
        for (; i + 1 < count; i += 2)
        {
            ref LegLevel a = ref Unsafe.Add(ref levels, i);
            double take = Math.Min(left, a.Cap);
            got += take * a.Mul / a.Div;
            left -= take;
            ref LegLevel b = ref Unsafe.Add(ref levels, i + 1);
            take = Math.Min(left, b.Cap);
            got += take * b.Mul / b.Div;
            left -= take;
            if (left == 0)
            {
                received = got * keep;
                return true;
            }
        }

        if (i < count)
        {
            ref LegLevel a = ref Unsafe.Add(ref levels, i);
            double take = Math.Min(left, a.Cap);
            got += take * a.Mul / a.Div;
            left -= take;
        }

        received = got * keep;
        return left == 0;
    }
}

/// <summary>
/// A book level as one leg walks it: <see cref="Cap"/> = what the level absorbs of the amount, and the amount taken
/// converts to <c>take·Mul/Div</c>. Selling base through a bid: (qty, price, 1) → <c>price·take</c>; buying base from
/// an ask: (qty·price, 1, price) → <c>spend/price</c>. Multiplying or dividing by 1 is exact, so both are §7's formulas
/// to the last bit.
/// </summary>
internal readonly record struct LegLevel(double Cap, double Mul, double Div)
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LegLevel Of(LegSide side, BookLevel level) =>
        side == LegSide.SellBase ? new(level.Quantity, level.Price, 1) : new(level.Quantity * level.Price, 1, level.Price);
}
