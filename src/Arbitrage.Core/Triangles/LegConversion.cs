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
        LegLevel.Fill(side, levels, walk);
        return TryWalk(amount, ref MemoryMarshal.GetReference(walk), walk.Length, 1 - takerFee, out received);
    }

    /// <summary>
    /// The walk of either side over its <see cref="LegLevel"/>s (<see cref="LegLevel.Fill"/>); <paramref name="keep"/> =
    /// 1 − fee (the caller computes it once; it is the same double).
    /// </summary>
    /// <remarks>
    /// §7's walk, level by level: <c>take = min(left, cap)</c>, <c>got += take·mul/div</c>, <c>left −= take</c>. A
    /// level that does not cover what is left is taken whole, so up to level i the walk has received exactly
    /// <see cref="LegLevel.Before"/> (the same additions in the same order, done once when the side was filled) and
    /// only <c>left</c> needs carrying: the level that covers the rest adds <c>left·mul/div</c> to it and the walk ends.
    /// (<c>left == cap</c> takes the whole level and ends there too: the same sum.) Bit for bit the level-by-level walk.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryWalk(double amount, ref LegLevel levels, int count, double keep, out double received)
    {
        double left = amount;
        for (int i = 0; i < count; i++)
        {
            ref LegLevel level = ref Unsafe.Add(ref levels, i);
            if (left <= level.Cap)
            {
                received = (level.Before + (left * level.Mul / level.Div)) * keep;
                return true;
            }

            left -= level.Cap;
        }

        received = 0;
        return false;
    }
}

/// <summary>
/// A book level as a leg walks it: <see cref="Cap"/> = what the level absorbs of the amount, which converts at
/// <c>take·Mul/Div</c>; <see cref="Before"/> = what the better levels give when all taken. Selling base through a bid:
/// (qty, price, 1) → <c>price·take</c>; buying base from an ask: (qty·price, 1, price) → <c>spend/price</c>. Multiplying
/// or dividing by 1 is exact, so both are §7's formulas to the last bit.
/// </summary>
internal readonly record struct LegLevel(double Cap, double Mul, double Div, double Before)
{
    /// <summary>The walk form of a side's levels (best first) into <paramref name="walk"/> (at least as long).</summary>
    public static void Fill(LegSide side, ReadOnlySpan<BookLevel> levels, Span<LegLevel> walk)
    {
        double before = 0;
        for (int i = 0; i < levels.Length; i++)
        {
            var l = levels[i];
            var w = side == LegSide.SellBase ? new LegLevel(l.Quantity, l.Price, 1, before) : new LegLevel(l.Quantity * l.Price, 1, l.Price, before);
            walk[i] = w;
            // A level taken whole: got += cap·mul/div, the walk's own addition.
            before += w.Cap * w.Mul / w.Div;
        }
    }

    /// <summary>The walk form of a side's best level (its <see cref="Before"/> is 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LegLevel Best(LegSide side, BookLevel l) =>
        side == LegSide.SellBase ? new(l.Quantity, l.Price, 1, 0) : new(l.Quantity * l.Price, 1, l.Price, 0);
}
