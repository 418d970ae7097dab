using Arbitrage.Core.Triangles.Execution;
using static Arbitrage.Core.Tests.Triangles.Execution.TriangleExecFixture;

namespace Arbitrage.Core.Tests.Triangles.Execution;

/// <summary>
/// Drives a saga as its actor would: persist the decision's events (the journal), then run its commands. Orders go to
/// a <see cref="PaperTriangleVenue"/> on the fixture books unless a test answers them itself.
/// </summary>
internal sealed class SagaRun
{
    public SagaRun(TriangleSagaState? state = null, IEnumerable<ITriangleAttemptEvent>? journal = null, PaperTriangleVenue? venue = null)
    {
        State = state ?? TriangleSagaState.Empty;
        Journal = journal?.ToList() ?? [];
        Venue = venue ?? NewVenue();
    }

    public TriangleSagaState State { get; private set; }

    public List<ITriangleAttemptEvent> Journal { get; }

    public TriangleBookSet Books { get; } = TriBooks();

    public PaperTriangleVenue Venue { get; }

    /// <summary>Every order sent to the venue, in order (client ids).</summary>
    public List<string> Sent { get; } = [];

    /// <summary>Commands not yet run.</summary>
    public Queue<TriangleSagaCommand> Pending { get; } = new();

    public long Now { get; set; } = T0;

    public static PaperTriangleVenue NewVenue() =>
        new(new Dictionary<string, decimal> { ["USDT"] = 1000m }, (decimal)Fee, 3);

    public TriangleSagaDecision Feed(TriangleSagaInput input) => Take(TriangleSagaLogic.Decide(State, input, Books));

    public TriangleSagaDecision Resume() => Take(TriangleSagaLogic.Resume(State, Books, Now));

    /// <summary>Runs the pending commands against the paper venue until none is left; <paramref name="answer"/> may answer an order instead of the venue.</summary>
    public SagaRun RunToEnd(Func<TriangleOrderRequest, TriangleSagaInput.LegReport?>? answer = null, Func<string, TriangleSagaInput.LegReport?>? queryAnswer = null)
    {
        while (Pending.TryDequeue(out var c))
        {
            Now += 10;
            switch (c)
            {
                case TriangleSagaCommand.SendOrder send:
                    Sent.Add(send.Request.ClientOrderId);
                    var report = answer?.Invoke(send.Request)
                        ?? Venue.Execute(send.Request, Books.Book(send.Request.Symbol)!, FiltersOf(send.Request.Symbol), Now);
                    Feed(report);
                    break;
                case TriangleSagaCommand.QueryOrder q:
                    Feed(queryAnswer?.Invoke(q.ClientOrderId) ?? Venue.Query(q.ClientOrderId, Now));
                    break;
            }
        }

        return this;
    }

    public TriangleSagaCommand.SendOrder NextSend() => Assert.IsType<TriangleSagaCommand.SendOrder>(Pending.Dequeue());

    public T Last<T>() where T : ITriangleAttemptEvent => Journal.OfType<T>().Last();

    public TriangleAttemptResult Result => (State.Ended ?? throw new InvalidOperationException("not ended")).Result;

    public static PairFilters FiltersOf(string symbol) => Cycle().Legs.Single(l => l.Symbol == symbol).Filters;

    /// <summary>
    /// The venue fills only <paramref name="fraction"/> of <paramref name="order"/> (rounded to the step) and expires the
    /// rest: executed on the paper venue, so its balances follow.
    /// </summary>
    public TriangleSagaInput.LegReport Partial(TriangleOrderRequest order, decimal fraction)
    {
        var filters = FiltersOf(order.Symbol);
        var part = order with { Quantity = filters.RoundQuantity(order.Quantity * fraction, order.Type), QuoteQuantity = order.QuoteQuantity * fraction };
        var report = Venue.Execute(part, Books.Book(order.Symbol)!, filters, Now);
        return report with { Status = LegReportStatus.Expired, Detail = "partial" };
    }

    /// <summary>The final answer of an order as a journal recorded it, as a report.</summary>
    public static TriangleSagaInput.LegReport ReportOf(TriangleLegAnswered a, long timeMs) =>
        new(a.ClientOrderId, a.Status switch { LegStatus.Filled => LegReportStatus.Filled, LegStatus.Expired => LegReportStatus.Expired, _ => LegReportStatus.Rejected },
            a.ExecutedQty, a.QuoteQty, a.Commission, a.CommissionAsset, a.Detail, timeMs);

    private TriangleSagaDecision Take(TriangleSagaDecision d)
    {
        Journal.AddRange(d.Events);
        Assert.Equal(TriangleSagaState.Recover(Journal), d.State with { }, StateComparer.Instance);
        State = d.State;
        foreach (var c in d.Commands) Pending.Enqueue(c);
        return d;
    }

    /// <summary>The live state equals the journal's replay (orders, holdings, flags).</summary>
    private sealed class StateComparer : IEqualityComparer<TriangleSagaState>
    {
        public static readonly StateComparer Instance = new();

        public bool Equals(TriangleSagaState? x, TriangleSagaState? y) =>
            x!.Started == y!.Started && x.Orders.SequenceEqual(y.Orders) && x.Holdings.SequenceEqual(y.Holdings)
            && x.Killed == y.Killed && x.Ended == y.Ended && x.LastEventMs == y.LastEventMs;

        public int GetHashCode(TriangleSagaState obj) => 0;
    }
}
