using System.Collections.Immutable;
using Arbitrage.Core.Execution;

namespace Arbitrage.Core.Sizing;

/// <summary>
/// A position with the §5 exit plan: TP1 closes half (rounded down to the step) and moves the stop
/// to break-even (the entry price; fees make such a stop-out a small loss); TP2 closes the rest;
/// the stop closes whatever remains. Immutable: each exit returns the next state.
/// </summary>
public sealed record BracketTrade(
    Direction Side,
    Fill Entry,
    decimal StopLoss,
    decimal TakeProfit1,
    decimal TakeProfit2,
    decimal RiskUsd,
    decimal Tp1Quantity,
    decimal RemainingQuantity,
    bool Tp1Done,
    ImmutableList<Fill> Exits)
{
    public bool IsClosed => RemainingQuantity == 0m;

    /// <summary>Realised PnL of the exits so far (the whole trade once <see cref="IsClosed"/>).</summary>
    public PnlResult Realised => TradePnl.Realised(Side, Entry, Exits, RiskUsd);

    public static BracketTrade Open(
        Direction side, Fill entry, decimal stopLoss, decimal takeProfit1, decimal takeProfit2,
        decimal riskUsd, decimal step, decimal minQty)
    {
        if (entry.Quantity <= 0m) throw new ArgumentOutOfRangeException(nameof(entry), "entry quantity must be > 0");
        var (tp1, _) = TradePnl.SplitAtTp1(entry.Quantity, step, minQty);
        return new BracketTrade(side, entry, stopLoss, takeProfit1, takeProfit2, riskUsd, tp1, entry.Quantity, false,
            ImmutableList<Fill>.Empty);
    }

    /// <summary>TP1 filled at <paramref name="price"/>: close the TP1 quantity, stop to break-even.</summary>
    public BracketTrade OnTakeProfit1(decimal price, decimal feeRate)
    {
        if (IsClosed || Tp1Done) throw new InvalidOperationException("TP1 already taken or trade closed");
        var qty = Math.Min(Tp1Quantity, RemainingQuantity);
        return this with
        {
            Tp1Done = true,
            StopLoss = Entry.Price,
            RemainingQuantity = RemainingQuantity - qty,
            Exits = Exits.Add(Fill.WithFeeRate(price, qty, feeRate)),
        };
    }

    /// <summary>TP2, the stop, or a forced close filled at <paramref name="price"/>: close the rest.</summary>
    public BracketTrade CloseRemaining(decimal price, decimal feeRate)
    {
        if (IsClosed) throw new InvalidOperationException("trade already closed");
        return this with
        {
            RemainingQuantity = 0m,
            Exits = Exits.Add(Fill.WithFeeRate(price, RemainingQuantity, feeRate)),
        };
    }
}
