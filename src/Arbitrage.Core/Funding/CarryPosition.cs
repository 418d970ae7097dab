using Arbitrage.Core.Sizing;

namespace Arbitrage.Core.Funding;

/// <summary>
/// A funding carry: spot long + perp short of equal notional at entry. Earns the funding paid to
/// shorts at each settlement and carries basis PnL (perp − spot) until exit. Immutable.
/// </summary>
/// <param name="SpotQuantity">Base quantity bought spot.</param>
/// <param name="PerpQuantity">Base quantity sold short on the perp (positive number).</param>
/// <param name="FundingUsd">Funding received so far (negative = paid).</param>
/// <param name="Settlements">Settlements accrued.</param>
/// <param name="LastSettlementMs">Time of the last accrued settlement; guards against double counting.</param>
/// <param name="FeesUsd">Trading fees paid so far (entry and exit legs).</param>
public sealed record CarryPosition(
    string Symbol,
    decimal SpotQuantity,
    decimal PerpQuantity,
    decimal SpotEntryPrice,
    decimal PerpEntryPrice,
    long OpenedAtMs,
    decimal FundingUsd,
    int Settlements,
    long? LastSettlementMs,
    decimal FeesUsd)
{
    /// <summary>
    /// Opens both legs for <paramref name="notionalUsd"/> each: quantities are notional / price,
    /// rounded down to each market's step (so neither leg exceeds the notional).
    /// </summary>
    public static CarryPosition Open(
        string symbol, decimal notionalUsd, decimal spotPrice, decimal perpPrice,
        decimal spotStep, decimal perpStep, long openedAtMs, decimal feesUsd = 0m)
    {
        if (notionalUsd <= 0m) throw new ArgumentOutOfRangeException(nameof(notionalUsd), notionalUsd, "notional must be > 0");
        if (spotPrice <= 0m || perpPrice <= 0m) throw new ArgumentOutOfRangeException(nameof(spotPrice), "prices must be > 0");
        var spotQty = StepRounding.Down(notionalUsd / spotPrice, spotStep);
        var perpQty = StepRounding.Down(notionalUsd / perpPrice, perpStep);
        return new CarryPosition(symbol, spotQty, perpQty, spotPrice, perpPrice, openedAtMs, 0m, 0, null, feesUsd);
    }

    /// <summary>Basis at entry: (perp − spot) / spot. Positive = perp at a premium, locked in by the short.</summary>
    public decimal EntryBasis => Basis(SpotEntryPrice, PerpEntryPrice);

    /// <summary>(perp − spot) / spot.</summary>
    public static decimal Basis(decimal spotPrice, decimal perpPrice) => (perpPrice - spotPrice) / spotPrice;

    /// <summary>
    /// Accrues one settlement: the short receives <c>PerpQuantity × markPrice × rate</c> (pays it when
    /// the rate is negative). Settlements at or before the open, or already accrued, change nothing,
    /// so a replayed or duplicated settlement is harmless.
    /// </summary>
    public CarryPosition Accrue(FundingSettlement settlement, decimal markPrice)
    {
        if (settlement.TimeMs <= OpenedAtMs || settlement.TimeMs <= LastSettlementMs) return this;
        if (markPrice <= 0m) throw new ArgumentOutOfRangeException(nameof(markPrice), markPrice, "mark price must be > 0");
        return this with
        {
            FundingUsd = FundingUsd + PerpQuantity * markPrice * settlement.Rate,
            Settlements = Settlements + 1,
            LastSettlementMs = settlement.TimeMs,
        };
    }

    /// <summary>Adds a trading fee (e.g. the exit legs).</summary>
    public CarryPosition WithFee(decimal feeUsd) => this with { FeesUsd = FeesUsd + feeUsd };

    /// <summary>Marks both legs at current prices.</summary>
    public CarryMark Mark(decimal spotPrice, decimal perpPrice)
    {
        var spotPnl = SpotQuantity * (spotPrice - SpotEntryPrice);
        var perpPnl = PerpQuantity * (PerpEntryPrice - perpPrice);
        return new CarryMark(spotPnl, perpPnl, spotPnl + perpPnl, FundingUsd, FeesUsd,
            spotPnl + perpPnl + FundingUsd - FeesUsd, Basis(spotPrice, perpPrice), EntryBasis);
    }
}

/// <summary>A carry marked to market, in USD.</summary>
/// <param name="BasisPnlUsd">SpotPnl + PerpPnl: what basis moves (and any quantity mismatch) made or cost.</param>
/// <param name="NetUsd">Basis PnL + funding − fees.</param>
public sealed record CarryMark(
    decimal SpotPnlUsd,
    decimal PerpPnlUsd,
    decimal BasisPnlUsd,
    decimal FundingUsd,
    decimal FeesUsd,
    decimal NetUsd,
    decimal Basis,
    decimal EntryBasis);
