using System.Collections.Immutable;
using Akka.Actor;
using Arbitrage.Core.Execution;

namespace Arbitrage.Engine.Execution.Paper;

/// <summary>A position at the paper venue: signed quantity (+ long, − short) and its average entry.</summary>
public readonly record struct PaperPosition(decimal Quantity, decimal EntryPrice);

/// <summary>A decision of the venue: the events to journal (in order), the state once they are, the answer, and the order updates to push.</summary>
public sealed record PaperVenueOutcome<T>(PaperVenueState State, IReadOnlyList<IPaperVenueEvent> Events, T Answer, IReadOnlyList<OrderUpdate> Updates);

/// <summary>What the venue holds, for tests and diagnostics: balance, positions, every order it remembers.</summary>
public sealed record PaperAccountView(decimal BalanceUsd, IReadOnlyList<GatewayPosition> Positions, IReadOnlyList<GatewayOrder> Orders)
    : INoSerializationVerificationNeeded;

/// <summary>
/// The simulated USD-M account (one-way mode) as an immutable state changed only by <see cref="Apply"/> with its own
/// events. <see cref="Prices"/> (the last fed price per symbol) is the only part not journaled: after a restart the
/// venue fills and triggers against fresh prices only, never a stale one.
/// </summary>
public sealed record PaperVenueState(
    bool Opened,
    decimal BalanceUsd,
    ImmutableDictionary<string, PaperPosition> Positions,
    ImmutableDictionary<string, GatewayOrder> Orders,
    ImmutableList<string> Working,
    ImmutableQueue<string> Finished,
    int FinishedCount,
    ImmutableDictionary<string, (decimal Price, long TimeMs)> Prices,
    long LastTimeMs)
{
    /// <summary>Finished orders remembered (queryable) at most; older ones are forgotten, as an exchange ages out its history.</summary>
    public const int FinishedOrdersKept = 10_000;

    public static readonly PaperVenueState Empty = new(
        false,
        0m,
        ImmutableDictionary<string, PaperPosition>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, GatewayOrder>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableList<string>.Empty,
        ImmutableQueue<string>.Empty,
        0,
        ImmutableDictionary<string, (decimal, long)>.Empty.WithComparers(StringComparer.Ordinal),
        0);

    public PaperVenueState Apply(IPaperVenueEvent e)
    {
        var s = this with { LastTimeMs = Math.Max(LastTimeMs, e.TimeMs) };
        switch (e)
        {
            case PaperAccountOpened o:
                return s with { Opened = true, BalanceUsd = o.BalanceUsd };
            case PaperOrderAccepted a:
                return s with
                {
                    Orders = s.Orders.SetItem(a.ClientOrderId, new GatewayOrder(a.ClientOrderId, a.Symbol, a.Side, a.Type, a.Quantity, a.StopPrice,
                        a.ReduceOnly, GatewayOrderStatus.New, 0m, 0m, 0m, a.TimeMs)),
                    Working = s.Working.Add(a.ClientOrderId),
                };
            case PaperOrderFilled f:
            {
                var o = s.Orders[f.ClientOrderId];
                var pos = s.Positions.GetValueOrDefault(o.Symbol);
                var signed = o.Side == Side.Buy ? 1m : -1m;
                var newQty = pos.Quantity + signed * f.Quantity;
                var realised = 0m;
                var entry = pos.EntryPrice;
                if (pos.Quantity != 0m && Math.Sign(pos.Quantity) != (int)signed)
                {
                    // The reducing part realises against the average entry; what goes beyond opens at the fill price.
                    var closed = Math.Min(Math.Abs(pos.Quantity), f.Quantity);
                    realised = (f.Price - pos.EntryPrice) * closed * Math.Sign(pos.Quantity);
                    if (f.Quantity > Math.Abs(pos.Quantity)) entry = f.Price;
                }
                else
                {
                    entry = (pos.EntryPrice * Math.Abs(pos.Quantity) + f.Price * f.Quantity) / Math.Abs(newQty);
                }

                var filled = o with
                {
                    Status = GatewayOrderStatus.Filled,
                    FilledQuantity = f.Quantity,
                    AveragePrice = f.Price,
                    FeeUsd = f.FeeUsd,
                    UpdateTimeMs = f.TimeMs,
                };
                return (s with
                {
                    Positions = newQty == 0m ? s.Positions.Remove(o.Symbol) : s.Positions.SetItem(o.Symbol, new PaperPosition(newQty, entry)),
                    BalanceUsd = s.BalanceUsd + realised - f.FeeUsd,
                    Orders = s.Orders.SetItem(o.ClientOrderId, filled),
                }).Finish(o.ClientOrderId);
            }

            case PaperOrderEnded x:
                return (s with { Orders = s.Orders.SetItem(x.ClientOrderId, s.Orders[x.ClientOrderId] with { Status = x.Status, UpdateTimeMs = x.TimeMs }) })
                    .Finish(x.ClientOrderId);
            default:
                throw new ArgumentOutOfRangeException(nameof(e), e, "unknown paper venue event");
        }
    }

    public GatewayResult<GatewayOrder> Query(string clientOrderId) =>
        Orders.TryGetValue(clientOrderId, out var o)
            ? GatewayResult<GatewayOrder>.Ok(o)
            : GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.NotFound, $"-2013 Order does not exist: {clientOrderId}");

    public IReadOnlyList<GatewayOrder> OpenOrders() => Working.Select(id => Orders[id]).ToArray();

    public IReadOnlyList<GatewayPosition> PositionList() =>
        Positions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new GatewayPosition(p.Key, p.Value.Quantity, p.Value.EntryPrice)).ToArray();

    public PaperAccountView View() => new(BalanceUsd, PositionList(), Orders.Values.OrderBy(o => o.ClientOrderId, StringComparer.Ordinal).ToArray());

    public PaperVenueSnapshot ToSnapshot() => new(
        Opened,
        BalanceUsd,
        PositionList().Select(p => new PaperPositionRow(p.Symbol, p.Quantity, p.EntryPrice)).ToArray(),
        Orders.Values.OrderBy(o => o.ClientOrderId, StringComparer.Ordinal).ToArray(),
        Working.ToArray(),
        Finished.ToArray());

    public static PaperVenueState From(PaperVenueSnapshot s) => Empty with
    {
        Opened = s.Opened,
        BalanceUsd = s.BalanceUsd,
        Positions = Empty.Positions.SetItems(s.Positions.Select(p => KeyValuePair.Create(p.Symbol, new PaperPosition(p.Quantity, p.EntryPrice)))),
        Orders = Empty.Orders.SetItems(s.Orders.Select(o => KeyValuePair.Create(o.ClientOrderId, o))),
        Working = ImmutableList.CreateRange(s.Working),
        Finished = ImmutableQueue.CreateRange(s.Finished),
        FinishedCount = s.Finished.Count,
        LastTimeMs = s.Orders.Count == 0 ? 0 : s.Orders.Max(o => o.UpdateTimeMs),
    };

    private PaperVenueState Finish(string clientOrderId)
    {
        var s = this with { Working = Working.Remove(clientOrderId), Finished = Finished.Enqueue(clientOrderId), FinishedCount = FinishedCount + 1 };
        while (s.FinishedCount > FinishedOrdersKept)
        {
            s = s with { Finished = s.Finished.Dequeue(out var oldest), FinishedCount = s.FinishedCount - 1, Orders = s.Orders.Remove(oldest) };
        }

        return s;
    }
}

/// <summary>
/// The venue's decisions as pure functions (ARCHITECTURE §5: paper is an exchange like any other). Slippage model: every
/// fill is a taker fill at the fed price moved against the taker by <see cref="PaperGatewaySettings.SlippageBps"/> (buy ×
/// (1 + bps/10 000), sell × (1 − bps/10 000)); a triggered STOP_MARKET / TAKE_PROFIT_MARKET fills the same way at the first
/// fed price that crosses its trigger (a gap fills beyond the trigger, as a real stop would). Fees are
/// <c>notional × TakerFeeRate</c>. A conditional order that would trigger at once is rejected (Binance -2021); reduce-only
/// orders are clipped to the position and expire when there is none (a reduce-only MARKET order then is rejected, -2022).
/// An order placed before the venue has a price for its symbol (after a restart) waits for the first one. Client order
/// ids are unique per account: a second placement under a known id answers "unknown status" (-4116), so the caller queries.
/// </summary>
public static class PaperVenue
{
    public static PaperVenueOutcome<GatewayResult<GatewayOrder>> Place(PaperVenueState s, OrderRequest r, PaperGatewaySettings settings)
    {
        PaperVenueOutcome<GatewayResult<GatewayOrder>> Refuse(GatewayErrorKind kind, string message) =>
            new(s, [], GatewayResult<GatewayOrder>.Fail(kind, message), []);

        if (s.Orders.ContainsKey(r.ClientOrderId))
            return Refuse(GatewayErrorKind.UnknownStatus, $"-4116 ClientOrderId is duplicated: {r.ClientOrderId} (query it)");
        if (r.Quantity <= 0m) return Refuse(GatewayErrorKind.Rejected, "-4003 quantity less than or equal to zero");
        var conditional = r.Type is OrderType.StopMarket or OrderType.TakeProfitMarket;
        if (r.Type != OrderType.Market && !conditional) return Refuse(GatewayErrorKind.Rejected, $"the paper venue does not support {r.Type} orders");
        if (conditional && r.StopPrice is not > 0m) return Refuse(GatewayErrorKind.Rejected, $"{r.Type} needs a positive stop price");

        var known = s.Prices.TryGetValue(r.Symbol, out var last);
        var accepted = new PaperOrderAccepted(r.ClientOrderId, r.Symbol, r.Side, r.Type, r.Quantity, r.StopPrice, r.ReduceOnly,
            known ? last.TimeMs : s.LastTimeMs);
        var order = s.Apply(accepted).Orders[r.ClientOrderId];
        if (r.Type == OrderType.Market)
        {
            if (r.ReduceOnly && Reducible(s, r.Symbol, r.Side) == 0m)
                return Refuse(GatewayErrorKind.Rejected, "-2022 ReduceOnly Order is rejected: no position to reduce");
            if (!known) return new(s.Apply(accepted), [accepted], GatewayResult<GatewayOrder>.Ok(order), []);
            var fill = Fill(s, order, last.Price, last.TimeMs, settings);
            var after = s.Apply(accepted).Apply(fill);
            var update = Update(after, fill);
            return new(after, [accepted, fill], GatewayResult<GatewayOrder>.Ok(update.Order), [update]);
        }

        if (known && Triggers(order, last.Price)) return Refuse(GatewayErrorKind.Rejected, "-2021 Order would immediately trigger");
        return new(s.Apply(accepted), [accepted], GatewayResult<GatewayOrder>.Ok(order), []);
    }

    public static PaperVenueOutcome<GatewayResult<GatewayOrder>> Cancel(PaperVenueState s, string clientOrderId)
    {
        if (!s.Orders.TryGetValue(clientOrderId, out var o) || o.IsFinal)
            return new(s, [], GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.NotFound, $"-2011 Unknown order sent: {clientOrderId}"), []);
        var ended = new PaperOrderEnded(clientOrderId, GatewayOrderStatus.Canceled, s.LastTimeMs);
        var after = s.Apply(ended);
        var update = Update(after, ended);
        return new(after, [ended], GatewayResult<GatewayOrder>.Ok(update.Order), [update]);
    }

    /// <summary>A price at event time: working orders of the symbol that it triggers (MARKET orders waiting for a price: all) fill, in placement order.</summary>
    public static PaperVenueOutcome<bool> OnPrice(PaperVenueState s, string symbol, decimal price, long timeMs, PaperGatewaySettings settings)
    {
        var state = s with { Prices = s.Prices.SetItem(symbol, (price, timeMs)), LastTimeMs = Math.Max(s.LastTimeMs, timeMs) };
        List<IPaperVenueEvent> events = [];
        List<OrderUpdate> updates = [];
        foreach (var id in s.Working)
        {
            var o = state.Orders[id];
            if (o.Symbol != symbol || !(o.Type == OrderType.Market || Triggers(o, price))) continue;
            var e = Fill(state, o, price, timeMs, settings);
            state = state.Apply(e);
            events.Add(e);
            updates.Add(Update(state, e));
        }

        return new(state, events, events.Count > 0, updates);
    }

    /// <summary>What a reduce-only order of <paramref name="side"/> can reduce on <paramref name="symbol"/> (≥ 0).</summary>
    private static decimal Reducible(PaperVenueState s, string symbol, Side side)
    {
        var pos = s.Positions.GetValueOrDefault(symbol).Quantity;
        return Math.Sign(pos) == (side == Side.Buy ? -1 : 1) ? Math.Abs(pos) : 0m;
    }

    /// <summary>The whole order filled at <paramref name="price"/> plus slippage; a reduce-only order is clipped, and expires with nothing to reduce.</summary>
    private static IPaperVenueEvent Fill(PaperVenueState s, GatewayOrder o, decimal price, long timeMs, PaperGatewaySettings settings)
    {
        var qty = o.ReduceOnly ? Math.Min(o.Quantity, Reducible(s, o.Symbol, o.Side)) : o.Quantity;
        if (qty == 0m) return new PaperOrderEnded(o.ClientOrderId, GatewayOrderStatus.Expired, timeMs);
        var slip = settings.SlippageBps / 10_000m;
        var fillPrice = o.Side == Side.Buy ? price * (1m + slip) : price * (1m - slip);
        return new PaperOrderFilled(o.ClientOrderId, qty, fillPrice, fillPrice * qty * settings.TakerFeeRate, timeMs);
    }

    private static OrderUpdate Update(PaperVenueState after, IPaperVenueEvent e) => e switch
    {
        PaperOrderFilled f => new OrderUpdate(after.Orders[f.ClientOrderId], f.Quantity, f.Price, f.FeeUsd),
        PaperOrderEnded x => new OrderUpdate(after.Orders[x.ClientOrderId], 0m, 0m, null),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "not an order change"),
    };

    private static bool Triggers(GatewayOrder o, decimal price) => (o.Type, o.Side) switch
    {
        (OrderType.StopMarket, Side.Sell) => price <= o.StopPrice,
        (OrderType.StopMarket, Side.Buy) => price >= o.StopPrice,
        (OrderType.TakeProfitMarket, Side.Sell) => price >= o.StopPrice,
        (OrderType.TakeProfitMarket, Side.Buy) => price <= o.StopPrice,
        _ => false,
    };
}
