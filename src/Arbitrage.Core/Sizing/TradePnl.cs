using Arbitrage.Core.Execution;

namespace Arbitrage.Core.Sizing;

/// <summary>One execution: price, base quantity (&gt; 0) and the fee paid in USD.</summary>
public readonly record struct Fill(decimal Price, decimal Quantity, decimal FeeUsd)
{
    /// <summary>A fill whose fee is <paramref name="feeRate"/> of its notional (e.g. 0.0004 taker).</summary>
    public static Fill WithFeeRate(decimal price, decimal quantity, decimal feeRate) =>
        new(price, quantity, price * quantity * feeRate);
}

/// <summary>Realised PnL of (part of) a trade, in USD and in R.</summary>
/// <param name="GrossUsd">Price PnL of the closed quantity, before fees.</param>
/// <param name="FeesUsd">Exit fees plus the closed share of the entry fee.</param>
/// <param name="NetUsd">GrossUsd − FeesUsd.</param>
/// <param name="NetR">NetUsd / risk per trade.</param>
/// <param name="ClosedQuantity">Sum of the exit quantities.</param>
public sealed record PnlResult(decimal GrossUsd, decimal FeesUsd, decimal NetUsd, decimal NetR, decimal ClosedQuantity);

/// <summary>PnL arithmetic in USD and R (R = pnl / risk per trade), fees included.</summary>
public static class TradePnl
{
    /// <summary>Price PnL of <paramref name="quantity"/> bought (long) or sold (short) at entry and closed at exit.</summary>
    public static decimal GrossUsd(Direction side, decimal entry, decimal exit, decimal quantity) =>
        side == Direction.Long ? (exit - entry) * quantity : (entry - exit) * quantity;

    /// <summary>PnL expressed in R.</summary>
    public static decimal InR(decimal pnlUsd, decimal riskUsd)
    {
        if (riskUsd <= 0m) throw new ArgumentOutOfRangeException(nameof(riskUsd), riskUsd, "risk per trade must be > 0");
        return pnlUsd / riskUsd;
    }

    /// <summary>
    /// Realised PnL of the exits so far. The entry fee is charged in proportion to the closed
    /// quantity, so the partial results of a trade add up to its full result.
    /// </summary>
    public static PnlResult Realised(Direction side, Fill entry, IReadOnlyList<Fill> exits, decimal riskUsd)
    {
        ArgumentNullException.ThrowIfNull(exits);
        if (entry.Quantity <= 0m) throw new ArgumentOutOfRangeException(nameof(entry), "entry quantity must be > 0");
        decimal gross = 0m, fees = 0m, closed = 0m;
        foreach (var x in exits)
        {
            if (x.Quantity <= 0m) throw new ArgumentOutOfRangeException(nameof(exits), "exit quantity must be > 0");
            gross += GrossUsd(side, entry.Price, x.Price, x.Quantity);
            fees += x.FeeUsd;
            closed += x.Quantity;
        }
        if (closed > entry.Quantity)
            throw new ArgumentException($"exits close {closed}, more than the entry quantity {entry.Quantity}", nameof(exits));
        fees += closed == entry.Quantity ? entry.FeeUsd : entry.FeeUsd * closed / entry.Quantity;
        var net = gross - fees;
        return new PnlResult(gross, fees, net, InR(net, riskUsd), closed);
    }

    /// <summary>
    /// The TP1 quantity: half the position rounded down to the step. When either half would fall
    /// below the step or minQty the position cannot be split, and TP1 closes all of it.
    /// </summary>
    public static (decimal Tp1Quantity, decimal RestQuantity) SplitAtTp1(decimal quantity, decimal step, decimal minQty)
    {
        var half = StepRounding.Down(quantity / 2m, step);
        var rest = quantity - half;
        return half <= 0m || half < minQty || rest < minQty ? (quantity, 0m) : (half, rest);
    }
}
