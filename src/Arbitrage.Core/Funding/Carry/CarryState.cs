namespace Arbitrage.Core.Funding.Carry;

/// <summary>
/// One symbol's carry book, rebuilt from <see cref="ICarryEvent"/>s by the pure <see cref="Apply"/> (and stored
/// whole as the snapshot, manifest <c>carry-state.v1</c>).
/// </summary>
/// <param name="Sequence">Carries attempted so far; names the next carry id.</param>
/// <param name="Stranded">A leg left by a failed open whose unwind failed too (retried on every update).</param>
/// <param name="AutoPaused">An operator closed the last carry: automatic entries wait for the next operator open.</param>
public sealed record CarryState(
    string Symbol,
    OpenCarryPosition? Open,
    IReadOnlyList<CarryResult> Closed,
    IReadOnlyList<CarryOpenFailure> Failures,
    CarryLegFill? Stranded,
    string? StrandedCarryId,
    bool AutoPaused,
    int Sequence)
{
    /// <summary>The <c>By</c> of decisions the rules took (anything else is an operator).</summary>
    public const string ByRules = "rules";

    public static CarryState Empty(string symbol) => new(symbol, null, [], [], null, null, false, 0);

    public string NextCarryId => $"{Symbol}-{Sequence + 1}";

    public CarryState Apply(ICarryEvent e) => e switch
    {
        CarryDecided { Action: CarryActions.Open } => this with { Sequence = Sequence + 1 },
        CarryOpened o => this with
        {
            Open = new OpenCarryPosition(o.CarryId, o.NotionalUsd, o.Position, o.By),
            AutoPaused = false,
        },
        CarryFundingAccrued f when Open is { } open && open.CarryId == f.CarryId => this with
        {
            Open = open with { Position = open.Position.Accrue(new FundingSettlement(f.SettlementMs, f.Rate), f.MarkPrice) },
        },
        CarryClosing c when Open is { } open => this with { Open = open with { ClosingReason = c.Reason, ClosingBy = c.By } },
        CarryLegFilled { Purpose: CarryLegPurpose.Close } l when Open is { } open => this with
        {
            Open = l.Fill.Leg == CarryLeg.Spot ? open with { SpotExit = l.Fill } : open with { PerpExit = l.Fill },
        },
        CarryClosed c => this with
        {
            Open = null,
            Closed = [.. Closed, c.Result],
            AutoPaused = c.By != ByRules,
        },
        CarryOpenFailed f => this with
        {
            Failures = [.. Failures, f.Failure],
            Stranded = f.Stranded,
            StrandedCarryId = f.Stranded is null ? null : f.Failure.CarryId,
        },
        CarryStrandedUnwound u => this with
        {
            Stranded = null,
            StrandedCarryId = null,
            Failures = Failures.Select(x => x.CarryId == u.CarryId ? x with { Unwound = u.Unwound, PnlUsd = u.PnlUsd, FeesUsd = x.FeesUsd + u.Unwound.FeeUsd } : x).ToArray(),
        },
        _ => this, // decisions to close, leg failures and open/unwind fills are the record; the state moves with the events above
    };

    /// <summary>The result of closing <paramref name="open"/> at these exit fills.</summary>
    public static CarryResult CloseResult(OpenCarryPosition open, CarryLegFill spotExit, CarryLegFill perpExit, long closedMs, string reason)
    {
        var position = open.Position.WithFee(spotExit.FeeUsd + perpExit.FeeUsd);
        var mark = position.Mark(spotExit.Price, perpExit.Price);
        return new CarryResult(open.Position.Symbol, open.CarryId, position.OpenedAtMs, closedMs, open.NotionalUsd,
            mark.FundingUsd, mark.BasisPnlUsd, mark.FeesUsd, mark.NetUsd, position.Settlements, reason);
    }

    /// <summary>An open carry as a report row, marked at <paramref name="spotPrice"/> / <paramref name="perpPrice"/> (no exit fees).</summary>
    public static CarryResult OpenResult(OpenCarryPosition open, decimal spotPrice, decimal perpPrice)
    {
        var mark = open.Position.Mark(spotPrice, perpPrice);
        return new CarryResult(open.Position.Symbol, open.CarryId, open.Position.OpenedAtMs, null, open.NotionalUsd,
            mark.FundingUsd, mark.BasisPnlUsd, mark.FeesUsd, mark.NetUsd, open.Position.Settlements, CarryActions.StillOpen);
    }

    /// <summary>PnL of a leg filled then unwound (spot long / perp short, base quantity).</summary>
    public static decimal UnwindPnl(CarryLegFill filled, CarryLegFill unwound) =>
        filled.Side == CarrySide.Buy
            ? filled.Quantity * (unwound.Price - filled.Price)
            : filled.Quantity * (filled.Price - unwound.Price);
}

/// <summary>Words used in events and reports.</summary>
public static class CarryActions
{
    public const string Open = "open";
    public const string Close = "close";
    public const string Operator = "operator";

    /// <summary>Exit reason of a carry still open at the end of a report.</summary>
    public const string StillOpen = "open";

    /// <summary>snake_case of a Core reason, e.g. <c>funding_fell</c>.</summary>
    public static string ReasonName(CarryReason reason) => reason switch
    {
        CarryReason.FundingHighEnough => "funding_high_enough",
        CarryReason.FundingTooLow => "funding_too_low",
        CarryReason.BasisTooNegative => "basis_too_negative",
        CarryReason.MaxHoldingTime => "max_holding_time",
        CarryReason.FundingFell => "funding_fell",
        CarryReason.BasisWidened => "basis_widened",
        _ => "hold",
    };
}
