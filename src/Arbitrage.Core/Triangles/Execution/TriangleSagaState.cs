using System.Collections.Immutable;

namespace Arbitrage.Core.Triangles.Execution;

/// <summary>One order of an attempt: its intent, the venue's final answer (null while open), the unknowns and not-founds so far.</summary>
public sealed record TriangleOrderState(TriangleLegIntended Intent, TriangleLegAnswered? Answer, int Unknowns, int NotFounds)
{
    public bool Open => Answer is null;

    /// <summary>A cycle leg the venue filled completely (a MARKET buy by quote: filled).</summary>
    public bool Complete =>
        Answer is { Status: LegStatus.Filled } a && (Intent.Order.Type == LegOrderType.Market || a.ExecutedQty >= Intent.Order.Quantity);
}

/// <summary>
/// A cycle attempt's state, rebuilt by <see cref="Apply"/> from its journal alone. <see cref="Holdings"/> are the
/// attempt's own changes per asset (the start asset goes negative as it is spent and back up as it returns).
/// </summary>
public sealed record TriangleSagaState(
    TriangleAttemptStarted? Started,
    ImmutableList<TriangleOrderState> Orders,
    ImmutableSortedDictionary<string, decimal> Holdings,
    bool Killed,
    TriangleAttemptEnded? Ended,
    long LastEventMs)
{
    public static TriangleSagaState Empty { get; } =
        new(null, [], ImmutableSortedDictionary.Create<string, decimal>(StringComparer.Ordinal), false, null, 0);

    public bool IsEnded => Ended is not null;

    /// <summary>The order sent and not yet answered (the saga has at most one).</summary>
    public TriangleOrderState? OpenOrder => Orders.Find(o => o.Open);

    public TriangleOrderState? Order(string clientOrderId) => Orders.Find(o => o.Intent.ClientOrderId == clientOrderId);

    public decimal Held(string asset) => Holdings.GetValueOrDefault(asset);

    public int UnwindOrders => Orders.Count(o => o.Intent.Unwind);

    /// <summary>The state after <paramref name="e"/> (journal replay and live decisions use the same fold).</summary>
    public TriangleSagaState Apply(ITriangleAttemptEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var s = this with { LastEventMs = Math.Max(LastEventMs, e.TimeMs) };
        switch (e)
        {
            case TriangleAttemptStarted started:
                return s with { Started = started };
            case TriangleLegIntended intended:
                return s.Order(intended.ClientOrderId) is null ? s with { Orders = s.Orders.Add(new TriangleOrderState(intended, null, 0, 0)) } : s;
            case TriangleLegUnknown unknown:
                return s.Update(unknown.ClientOrderId, o => o with { Unknowns = o.Unknowns + 1 });
            case TriangleLegNotFound notFound:
                return s.Update(notFound.ClientOrderId, o => o with { NotFounds = o.NotFounds + 1 });
            case TriangleLegAnswered answered when s.Order(answered.ClientOrderId) is { Open: true } order:
                return s.Update(answered.ClientOrderId, o => o with { Answer = answered }) with { Holdings = Settle(s.Holdings, order.Intent, answered) };
            case TriangleLegAnswered:
                return s;
            case TriangleAttemptKilled:
                return s with { Killed = true };
            case TriangleAttemptEnded ended:
                return s with { Ended = ended };
            default:
                throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a triangle attempt event");
        }
    }

    /// <summary>The state of a journal (recovery).</summary>
    public static TriangleSagaState Recover(IEnumerable<ITriangleAttemptEvent> journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        var s = Empty;
        foreach (var e in journal) s = s.Apply(e);
        return s;
    }

    private TriangleSagaState Update(string clientOrderId, Func<TriangleOrderState, TriangleOrderState> change)
    {
        var i = Orders.FindIndex(o => o.Intent.ClientOrderId == clientOrderId);
        return i < 0 ? this : this with { Orders = Orders.SetItem(i, change(Orders[i])) };
    }

    private static ImmutableSortedDictionary<string, decimal> Settle(ImmutableSortedDictionary<string, decimal> h, TriangleLegIntended intent, TriangleLegAnswered a)
    {
        var leg = intent.Leg;
        var (spent, received) = leg.Side == LegSide.SellBase ? (a.ExecutedQty, a.QuoteQty) : (a.QuoteQty, a.ExecutedQty);
        h = h.SetItem(leg.From, h.GetValueOrDefault(leg.From) - spent);
        h = h.SetItem(leg.To, h.GetValueOrDefault(leg.To) + received);
        if (a.Commission != 0m && a.CommissionAsset.Length > 0)
        {
            h = h.SetItem(a.CommissionAsset, h.GetValueOrDefault(a.CommissionAsset) - a.Commission);
        }

        return h;
    }
}
