namespace Arbitrage.Simulator.Exchange;

/// <summary>
/// How a taker order walks book levels (best first): up to a limit price, for a base quantity or a quote amount.
/// A quote amount buys (or sells) at each level what it pays for, rounded down to the lot step.
/// </summary>
public static class BookWalk
{
    /// <summary>The fills per level, their totals, and whether the levels ran out (or hit the limit) before the target was met.</summary>
    public sealed record Result(IReadOnlyList<(decimal Price, decimal Qty)> Fills, decimal Quantity, decimal Quote, bool Exhausted);

    public static Result Walk(IReadOnlyList<(decimal Price, decimal Qty)> levels, bool buy, decimal? limit, decimal? quantity, decimal? quote,
        decimal step)
    {
        var fills = new List<(decimal Price, decimal Qty)>();
        decimal filled = 0m, spent = 0m;
        foreach (var (price, available) in levels)
        {
            if (limit is { } l && (buy ? price > l : price < l)) break;
            decimal take;
            if (quantity is { } q) take = Math.Min(available, q - filled);
            else
            {
                var affordable = Math.Floor((quote!.Value - spent) / price / step) * step;
                take = Math.Min(available, affordable);
            }
            if (take <= 0) break;
            fills.Add((price, take));
            filled += take;
            spent += price * take;
            if (quantity is { } target && filled >= target) return new Result(fills, filled, spent, false);
            if (quote is { } amount && amount - spent < price * step) return new Result(fills, filled, spent, false);
        }
        return new Result(fills, filled, spent, true);
    }
}
