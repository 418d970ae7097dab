using System.Collections.Immutable;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Sizing;

namespace Arbitrage.Core.Execution;

/// <summary>One order of a trade: the intent as persisted plus what the exchange has reported of it.</summary>
public sealed record OrderRecord(
    OrderIntent Intent,
    bool Accepted,
    decimal FilledQuantity,
    decimal FilledNotional,
    decimal FeesUsd,
    GatewayOrderStatus? EndStatus)
{
    public bool IsFinal => EndStatus is not null;

    public decimal AveragePrice => FilledQuantity == 0m ? 0m : FilledNotional / FilledQuantity;
}

/// <summary>A trade from its plan to the end of its last order.</summary>
/// <param name="Exits">Every exit fill (price, quantity, fee), in order.</param>
/// <param name="LastExitLeg">Leg of the latest exit fill: names the exit reason.</param>
/// <param name="Flatten">Set once a flatten was requested (the first request: its reason is the exit reason).</param>
/// <param name="Finished">Closed or aborted: the position is gone; the trade stays until its orders are final.</param>
public sealed record TradeRecord(
    TradePlanned Plan,
    ImmutableList<string> OrderIds,
    decimal EntryQuantity,
    decimal EntryNotional,
    decimal EntryFeesUsd,
    long? EntryTimeMs,
    ImmutableList<Fill> Exits,
    long LastExitTimeMs,
    OrderLeg? LastExitLeg,
    FlattenRequested? Flatten,
    bool Finished)
{
    public string Symbol => Plan.Symbol;

    public decimal ExitQuantity
    {
        get
        {
            var q = 0m;
            foreach (var x in Exits) q += x.Quantity;
            return q;
        }
    }

    /// <summary>Quantity still held (≥ 0).</summary>
    public decimal OpenQuantity => EntryQuantity - ExitQuantity;

    public decimal EntryAveragePrice => EntryQuantity == 0m ? 0m : EntryNotional / EntryQuantity;
}

/// <summary>
/// The executor's durable state, changed only by <see cref="Apply"/>: open trades by signal id, their
/// orders by client id, and the signal ids handled within <see cref="SignalMemoryMs"/> of its event time (so a redelivered
/// signal is never traded twice, and the set does not grow with the age of the account).
/// </summary>
/// <param name="SeenSignals">Signal id → event time it was planned or refused at; ids older than the memory are dropped.</param>
/// <param name="LastEventMs">Event time of the latest event (the executor's clock).</param>
public sealed record ExecutorState(
    ImmutableDictionary<string, TradeRecord> Trades,
    ImmutableDictionary<string, OrderRecord> Orders,
    ImmutableDictionary<string, long> SeenSignals,
    long LastEventMs,
    int TradesClosed)
{
    /// <summary>
    /// How long (event time) a handled signal id is remembered: 24 h. Every repeat that can reach the executor (a strategy
    /// writing a signal again after a journal outage, a supervisor handing on what it kept, a singleton moving) comes within
    /// seconds to minutes of the first; a signal older than this is refused (<see cref="RejectCode.StaleSignal"/>), never traded.
    /// </summary>
    public const long SignalMemoryMs = 24 * 3_600_000L;

    // Forgetting runs when the clock enters a new hour, so the set holds at most 25 h of signals and Apply stays O(1) otherwise.
    private const long ForgetEveryMs = 3_600_000L;

    public static readonly ExecutorState Empty = new(
        ImmutableDictionary<string, TradeRecord>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, OrderRecord>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, long>.Empty.WithComparers(StringComparer.Ordinal),
        0,
        0);

    /// <summary>The signal was planned or refused (within the memory).</summary>
    public bool HasSeen(string signalId) => SeenSignals.ContainsKey(signalId);

    /// <summary>
    /// A signal at <paramref name="signalTimeMs"/> would still be found by <see cref="HasSeen"/> had it been handled: every
    /// id handled at or after <see cref="LastEventMs"/> − <see cref="SignalMemoryMs"/> is kept (an id is handled no earlier
    /// than its signal's time).
    /// </summary>
    public bool Remembers(long signalTimeMs) => signalTimeMs >= LastEventMs - SignalMemoryMs;

    /// <summary>Trades that still hold (or are about to hold) a position.</summary>
    public IEnumerable<TradeRecord> ActiveTrades => Trades.Values.Where(t => !t.Finished);

    /// <summary>Positions for the hold-timeout rule: filled entries not yet closed.</summary>
    public IReadOnlyList<HeldPosition> HeldPositions() =>
        ActiveTrades.Where(t => t.EntryTimeMs is not null && t.OpenQuantity > 0m)
            .OrderBy(t => t.Symbol, StringComparer.Ordinal)
            .Select(t => new HeldPosition(t.Symbol, t.EntryTimeMs!.Value))
            .ToArray();

    /// <summary>The signed quantity we believe is held per symbol.</summary>
    public IReadOnlyDictionary<string, decimal> ExpectedPositions()
    {
        var d = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var t in Trades.Values)
        {
            if (t.Finished) continue; // a written-off trade keeps its open quantity, not its position
            var q = t.OpenQuantity;
            if (q == 0m) continue;
            d[t.Symbol] = d.GetValueOrDefault(t.Symbol) + (t.Plan.Side == Direction.Long ? q : -q);
        }

        return d;
    }

    /// <summary>A stop of the trade (its stop loss or break-even stop) is working at the exchange.</summary>
    public bool IsProtected(TradeRecord t) =>
        t.OrderIds.Any(id => Orders[id] is { Accepted: true, IsFinal: false } o && o.Intent.Leg is OrderLeg.StopLoss or OrderLeg.BreakEven);

    public TradeRecord? TradeOf(string clientOrderId) =>
        Orders.TryGetValue(clientOrderId, out var o) && Trades.TryGetValue(o.Intent.SignalId, out var t) ? t : null;

    public ExecutorState Apply(IExecutionEvent e)
    {
        var s = this with { LastEventMs = Math.Max(LastEventMs, e.TimeMs) };
        if (s.LastEventMs / ForgetEveryMs != LastEventMs / ForgetEveryMs) s = s.ForgetOldSignals();
        switch (e)
        {
            case SignalRejected r:
                return s with { SeenSignals = s.SeenSignals.SetItem(r.SignalId, r.TimeMs) };
            case TradePlanned p:
                return s with
                {
                    SeenSignals = s.SeenSignals.SetItem(p.SignalId, p.TimeMs),
                    Trades = s.Trades.SetItem(p.SignalId, new TradeRecord(p, ImmutableList<string>.Empty, 0m, 0m, 0m, null,
                        ImmutableList<Fill>.Empty, 0, null, null, false)),
                };
            case OrderIntent i:
            {
                var t = s.Trades[i.SignalId];
                return s with
                {
                    Orders = s.Orders.SetItem(i.ClientOrderId, new OrderRecord(i, false, 0m, 0m, 0m, null)),
                    Trades = s.Trades.SetItem(i.SignalId, t with { OrderIds = t.OrderIds.Add(i.ClientOrderId) }),
                };
            }
            case OrderAccepted a:
                return s.WithOrder(a.ClientOrderId, o => o with { Accepted = true });
            case OrderFilled f:
            {
                var o = s.Orders[f.ClientOrderId];
                s = s.WithOrder(f.ClientOrderId, r => r with
                {
                    Accepted = true,
                    FilledQuantity = r.FilledQuantity + f.Quantity,
                    FilledNotional = r.FilledNotional + f.Quantity * f.Price,
                    FeesUsd = r.FeesUsd + f.FeeUsd,
                });
                var t = s.Trades[o.Intent.SignalId];
                t = o.Intent.Leg == OrderLeg.Entry
                    ? t with
                    {
                        EntryQuantity = t.EntryQuantity + f.Quantity,
                        EntryNotional = t.EntryNotional + f.Quantity * f.Price,
                        EntryFeesUsd = t.EntryFeesUsd + f.FeeUsd,
                        EntryTimeMs = t.EntryTimeMs ?? f.TimeMs,
                    }
                    : t with
                    {
                        Exits = t.Exits.Add(new Fill(f.Price, f.Quantity, f.FeeUsd)),
                        LastExitTimeMs = f.TimeMs,
                        LastExitLeg = o.Intent.Leg,
                    };
                return s with { Trades = s.Trades.SetItem(t.Plan.SignalId, t) };
            }
            case OrderEnded x:
                return s.WithOrder(x.ClientOrderId, o => o with { EndStatus = x.Status }).Prune(s.Orders[x.ClientOrderId].Intent.SignalId);
            case FlattenRequested fr:
            {
                var t = s.Trades[fr.SignalId];
                return t.Flatten is null ? s with { Trades = s.Trades.SetItem(fr.SignalId, t with { Flatten = fr }) } : s;
            }
            case TradeAborted ab:
                return s.Finish(ab.SignalId, closed: false);
            case PositionWrittenOff w:
                return s.Finish(w.SignalId, closed: false);
            case TradeClosed c:
                return s.Finish(c.SignalId, closed: true);
            case ReconciliationDifference or ExecutionAlert:
                return s;
            default:
                throw new ArgumentOutOfRangeException(nameof(e), e, "unknown execution event");
        }
    }

    /// <summary>The state as stored in a snapshot (<see cref="FromSnapshot"/> gives it back).</summary>
    public ExecutorSnapshot ToSnapshot() => new(
        Trades.Values.OrderBy(t => t.Plan.SignalId, StringComparer.Ordinal)
            .Select(t => new ExecutorSnapshot.Trade(t.Plan, t.OrderIds, t.EntryQuantity, t.EntryNotional, t.EntryFeesUsd, t.EntryTimeMs,
                t.Exits, t.LastExitTimeMs, t.LastExitLeg, t.Flatten, t.Finished))
            .ToArray(),
        Orders.Values.OrderBy(o => o.Intent.ClientOrderId, StringComparer.Ordinal)
            .Select(o => new ExecutorSnapshot.Order(o.Intent, o.Accepted, o.FilledQuantity, o.FilledNotional, o.FeesUsd, o.EndStatus))
            .ToArray(),
        SeenSignals.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new ExecutorSnapshot.Seen(kv.Key, kv.Value)).ToArray(),
        LastEventMs,
        TradesClosed);

    public static ExecutorState FromSnapshot(ExecutorSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Empty with
        {
            Trades = Empty.Trades.SetItems(s.Trades.Select(t => KeyValuePair.Create(t.Plan.SignalId, new TradeRecord(
                t.Plan, [.. t.OrderIds], t.EntryQuantity, t.EntryNotional, t.EntryFeesUsd, t.EntryTimeMs, [.. t.Exits], t.LastExitTimeMs,
                t.LastExitLeg, t.Flatten, t.Finished)))),
            Orders = Empty.Orders.SetItems(s.Orders.Select(o => KeyValuePair.Create(o.Intent.ClientOrderId,
                new OrderRecord(o.Intent, o.Accepted, o.FilledQuantity, o.FilledNotional, o.FeesUsd, o.EndStatus)))),
            SeenSignals = Empty.SeenSignals.SetItems(s.SeenSignals.Select(x => KeyValuePair.Create(x.SignalId, x.TimeMs))),
            LastEventMs = s.LastEventMs,
            TradesClosed = s.TradesClosed,
        };
    }

    private ExecutorState ForgetOldSignals()
    {
        var before = LastEventMs - SignalMemoryMs;
        List<string>? old = null;
        foreach (var (id, at) in SeenSignals)
        {
            if (at < before) (old ??= []).Add(id);
        }

        return old is null ? this : this with { SeenSignals = SeenSignals.RemoveRange(old) };
    }

    private ExecutorState WithOrder(string clientOrderId, Func<OrderRecord, OrderRecord> change) =>
        this with { Orders = Orders.SetItem(clientOrderId, change(Orders[clientOrderId])) };

    private ExecutorState Finish(string signalId, bool closed)
    {
        var t = Trades[signalId];
        return (this with
        {
            Trades = Trades.SetItem(signalId, t with { Finished = true }),
            TradesClosed = TradesClosed + (closed ? 1 : 0),
        }).Prune(signalId);
    }

    // A finished trade leaves the state once none of its orders can still change at the exchange:
    // until then its symbol stays busy, so a stale reduce-only order cannot hit a new position.
    private ExecutorState Prune(string signalId)
    {
        if (!Trades.TryGetValue(signalId, out var t) || !t.Finished) return this;
        foreach (var id in t.OrderIds)
        {
            if (!Orders[id].IsFinal) return this;
        }

        return this with { Trades = Trades.Remove(signalId), Orders = Orders.RemoveRange(t.OrderIds) };
    }
}
