using System.Runtime.CompilerServices;

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
    public static bool TryConvert(LegSide side, double amount, ReadOnlySpan<BookLevel> levels, double takerFee, out double received) =>
        side == LegSide.SellBase
            ? TrySellBase(amount, levels, 1 - takerFee, out received)
            : TryBuyBase(amount, levels, 1 - takerFee, out received);

    /// <summary><paramref name="keep"/> = 1 − fee, computed once by the caller (the same double as <c>1 - fee</c> here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TrySellBase(double amount, ReadOnlySpan<BookLevel> bids, double keep, out double received)
    {
        double left = amount;
        double got = 0;
        for (int i = 0; i < bids.Length; i++)
        {
            ref readonly var level = ref bids[i];
            double take = left < level.Quantity ? left : level.Quantity;
            got += level.Price * take;
            left -= take;
            if (left == 0)
            {
                // take == left exactly here, so the subtraction is exact: the amount is fully consumed.
                received = got * keep;
                return true;
            }
        }

        received = 0;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryBuyBase(double amount, ReadOnlySpan<BookLevel> asks, double keep, out double received)
    {
        double left = amount;
        double got = 0;
        for (int i = 0; i < asks.Length; i++)
        {
            ref readonly var level = ref asks[i];
            double cost = level.Quantity * level.Price;
            double spend = left < cost ? left : cost;
            got += spend / level.Price;
            left -= spend;
            if (left == 0)
            {
                received = got * keep;
                return true;
            }
        }

        received = 0;
        return false;
    }
}
