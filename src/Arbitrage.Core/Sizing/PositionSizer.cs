using System.Globalization;
using Arbitrage.Core.Execution;

namespace Arbitrage.Core.Sizing;

/// <summary>
/// Fixed-risk position sizing (ARCHITECTURE.md §5): <c>qty = R / |entry − SL|</c>, rounded down to the
/// symbol's step, with prices on the tick grid.
/// </summary>
/// <remarks>
/// Rounding is conservative in every step: the entry is rounded away from the stop and the stop
/// away from the entry (so the distance can only widen), and the quantity is rounded down. Hence
/// <c>qty × |entry − SL| ≤ R</c> for both the raw and the rounded prices: a stop-out never loses
/// more than R before fees and slippage.
/// </remarks>
public static class PositionSizer
{
    public static SizeResult Size(
        decimal riskUsd, decimal entry, decimal stopLoss, SymbolFilters filters, OrderKind kind = OrderKind.Limit)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Validate() is { } bad) return Reject(SizeRejection.InvalidInput, bad);
        var sym = filters.Symbol;
        if (riskUsd <= 0m)
            return Reject(SizeRejection.InvalidInput, $"{sym}: risk per trade must be > 0 USD (got {F(riskUsd)})");
        if (entry <= 0m || stopLoss <= 0m)
            return Reject(SizeRejection.InvalidInput,
                $"{sym}: entry and stop-loss must be > 0 (entry {F(entry)}, stop {F(stopLoss)})");
        if (entry == stopLoss)
            return Reject(SizeRejection.ZeroDistance,
                $"{sym}: stop-loss equals entry ({F(entry)}): zero risk distance, cannot size; check the ATR/stop inputs");

        var side = stopLoss < entry ? Direction.Long : Direction.Short;
        var entryR = StepRounding.EntryAwayFromStop(entry, side, filters.TickSize);
        var stopR = StepRounding.StopAwayFromEntry(stopLoss, side, filters.TickSize);
        if (entryR <= 0m || stopR <= 0m)
            return Reject(SizeRejection.InvalidInput,
                $"{sym}: entry {F(entry)} / stop {F(stopLoss)} round to {F(entryR)} / {F(stopR)} at tick {F(filters.TickSize)}; " +
                "prices must stay above zero (wrong tick size?)");
        var distance = Math.Abs(entryR - stopR);

        var step = filters.StepFor(kind);
        var minQty = filters.MinQtyFor(kind);
        var qty = StepRounding.Down(riskUsd / distance, step);
        if (qty <= 0m || qty < minQty)
        {
            var needed = Math.Max(minQty, step) * distance;
            return Reject(SizeRejection.BelowMinQty,
                $"{sym}: quantity {F(qty)} (= {F(riskUsd)} USD / distance {F(distance)}, rounded down to step {F(step)}) " +
                $"is below minQty {F(Math.Max(minQty, step))}; needs risk ≥ {F(needed)} USD or a tighter stop");
        }

        var notional = qty * entryR;
        if (notional < filters.MinNotional)
        {
            var minQtyForNotional = StepRounding.Up(filters.MinNotional / entryR, step);
            return Reject(SizeRejection.BelowMinNotional,
                $"{sym}: notional {F(notional)} USD (qty {F(qty)} × entry {F(entryR)}) is below minNotional " +
                $"{F(filters.MinNotional)} USD; needs qty ≥ {F(minQtyForNotional)}, i.e. risk ≥ " +
                $"{F(minQtyForNotional * distance)} USD at distance {F(distance)}, or a tighter stop");
        }

        return new SizeResult.Ok(side, qty, entryR, stopR, notional, qty * distance);
    }

    private static SizeResult.Rejected Reject(SizeRejection code, string reason) => new(code, reason);

    private static string F(decimal d) => d.ToString("0.############################", CultureInfo.InvariantCulture);
}
