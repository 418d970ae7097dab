using Arbitrage.Core.Execution;

namespace Arbitrage.Core.Sizing;

/// <summary>
/// Rounding of prices and quantities to exchange increments (tickSize, stepSize). Exact in
/// <c>decimal</c>; the result carries no more decimals than the increment needs.
/// </summary>
public static class StepRounding
{
    /// <summary>Largest multiple of <paramref name="step"/> that is ≤ <paramref name="value"/>.</summary>
    public static decimal Down(decimal value, decimal step)
    {
        RequirePositive(step);

        // value / step is rounded to decimal's 28–29 digits: a value a hair above a multiple can divide to
        // exactly that multiple's index (or one above), so correct by one step when the result crossed over.
        var down = decimal.Floor(value / step) * step;
        if (down > value)
        {
            down -= step;
        }

        return Normalise(down, step);
    }

    /// <summary>Smallest multiple of <paramref name="step"/> that is ≥ <paramref name="value"/>.</summary>
    public static decimal Up(decimal value, decimal step)
    {
        RequirePositive(step);
        var up = decimal.Ceiling(value / step) * step;
        if (up < value)
        {
            up += step; // see Down: the division lost the last digits of value
        }

        return Normalise(up, step);
    }

    /// <summary>Nearest multiple of <paramref name="step"/>; halves go away from zero.</summary>
    public static decimal Nearest(decimal value, decimal step)
    {
        RequirePositive(step);
        return Normalise(decimal.Round(value / step, MidpointRounding.AwayFromZero) * step, step);
    }

    /// <summary>True when <paramref name="value"/> is an exact multiple of <paramref name="step"/>.</summary>
    public static bool IsMultiple(decimal value, decimal step)
    {
        RequirePositive(step);
        return value % step == 0m;
    }

    /// <summary>
    /// Rounds a protective stop away from the entry (down for a long, up for a short): the distance
    /// can only grow, so a position sized on it never risks more than planned.
    /// </summary>
    public static decimal StopAwayFromEntry(decimal stop, Direction side, decimal tickSize) =>
        side == Direction.Long ? Down(stop, tickSize) : Up(stop, tickSize);

    /// <summary>
    /// Rounds an entry away from the stop (up for a long, down for a short): again only widening
    /// the planned distance, at the cost of at most one tick of entry price.
    /// </summary>
    public static decimal EntryAwayFromStop(decimal entry, Direction side, decimal tickSize) =>
        side == Direction.Long ? Up(entry, tickSize) : Down(entry, tickSize);

    // Trailing zeros beyond the step's own scale are noise on the wire ("0.0010000" → "0.001").
    private static decimal Normalise(decimal value, decimal step)
    {
        int scale = step.Scale;
        while (scale > 0 && decimal.Round(step, scale - 1) == step) scale--;
        return decimal.Round(value, scale);
    }

    private static void RequirePositive(decimal step)
    {
        if (step <= 0m) throw new ArgumentOutOfRangeException(nameof(step), step, "step must be > 0");
    }
}
