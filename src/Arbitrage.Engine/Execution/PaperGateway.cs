using Akka.Actor;
using Arbitrage.Binance.Rest.Models;

namespace Arbitrage.Engine.Execution;

/// <summary>Paper account settings.</summary>
/// <param name="TakerFeeRate">Fee on every fill's notional (all paper fills are taker fills).</param>
/// <param name="SlippageBps">Fixed slippage against the taker, in basis points of the price.</param>
public sealed record PaperGatewaySettings(decimal StartingBalanceUsd = 1_000m, decimal TakerFeeRate = 0.0004m, decimal SlippageBps = 0m);

/// <summary>
/// A simulated USD-M account behind the same <see cref="IExchangeGateway"/> as live (one-way mode).
/// Slippage model: every fill is a taker fill at the last fed price moved against the taker by
/// <see cref="PaperGatewaySettings.SlippageBps"/> (buy × (1 + bps/10 000), sell × (1 − bps/10 000)); a
/// triggered STOP_MARKET / TAKE_PROFIT_MARKET fills the same way at the first fed price that crosses its
/// trigger (so a gap fills beyond the trigger, as a real stop would). Fees are <c>notional × TakerFeeRate</c>.
/// A conditional order that would trigger immediately is rejected (Binance -2021); reduce-only orders are
/// clipped to the position, and expire when there is none. Client order ids are unique per account.
/// Thread-safe; fills are stamped with the event time of the price that caused them.
/// </summary>
public sealed class PaperGateway(PaperGatewaySettings settings) : IPriceDrivenGateway
{
    private readonly object _gate = new();
    private readonly Dictionary<string, GatewayOrder> _orders = new(StringComparer.Ordinal);
    private readonly List<string> _working = [];
    private readonly Dictionary<string, (decimal Qty, decimal Entry)> _positions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (decimal Price, long TimeMs)> _prices = new(StringComparer.Ordinal);
    private IActorRef _listener = ActorRefs.Nobody;
    private decimal _balance = settings.StartingBalanceUsd;

    public PaperGateway()
        : this(new PaperGatewaySettings())
    {
    }

    public PaperGatewaySettings Settings { get; } = settings;

    /// <summary>Every order ever placed, in placement order (tests, audits).</summary>
    public IReadOnlyList<GatewayOrder> AllOrders
    {
        get
        {
            lock (_gate) return _orders.Values.ToArray();
        }
    }

    public void Subscribe(IActorRef listener)
    {
        lock (_gate) _listener = listener;
    }

    public void OnPrice(string symbol, decimal price, long timeMs)
    {
        List<OrderUpdate> updates = [];
        IActorRef listener;
        lock (_gate)
        {
            _prices[symbol] = (price, timeMs);
            foreach (var id in _working.ToArray())
            {
                var o = _orders[id];
                if (o.Symbol != symbol || !Triggers(o, price)) continue;
                _working.Remove(id);
                updates.Add(Execute(o, price, timeMs));
            }

            listener = _listener;
        }

        foreach (var u in updates) listener.Tell(u);
    }

    public Task<GatewayResult<GatewayOrder>> PlaceAsync(OrderRequest r, CancellationToken ct = default)
    {
        OrderUpdate? update = null;
        IActorRef listener;
        GatewayResult<GatewayOrder> result;
        lock (_gate)
        {
            listener = _listener;
            if (_orders.ContainsKey(r.ClientOrderId))
                return Done(GatewayErrorKind.Rejected, $"-4116 ClientOrderId is duplicated: {r.ClientOrderId}");
            if (r.Quantity <= 0m) return Done(GatewayErrorKind.Rejected, "-4003 quantity less than or equal to zero");
            if (!_prices.TryGetValue(r.Symbol, out var last))
                return Done(GatewayErrorKind.Rejected, $"no price for {r.Symbol} yet: the paper account fills against fed prices");

            var order = new GatewayOrder(r.ClientOrderId, r.Symbol, r.Side, r.Type, r.Quantity, r.StopPrice, r.ReduceOnly,
                GatewayOrderStatus.New, 0m, 0m, 0m, last.TimeMs);
            if (r.Type == OrderType.Market)
            {
                update = Execute(order, last.Price, last.TimeMs);
                if (update.Order.Status == GatewayOrderStatus.Expired)
                    return Done(GatewayErrorKind.Rejected, "-2022 ReduceOnly Order is rejected: no position to reduce");
                result = GatewayResult<GatewayOrder>.Ok(update.Order);
            }
            else if (r.Type is OrderType.StopMarket or OrderType.TakeProfitMarket && r.StopPrice is { })
            {
                if (Triggers(order, last.Price)) return Done(GatewayErrorKind.Rejected, "-2021 Order would immediately trigger");
                _orders[order.ClientOrderId] = order;
                _working.Add(order.ClientOrderId);
                result = GatewayResult<GatewayOrder>.Ok(order);
            }
            else
            {
                return Done(GatewayErrorKind.Rejected, $"paper gateway does not support {r.Type} orders");
            }
        }

        if (update is not null) listener.Tell(update);
        return Task.FromResult(result);
    }

    public Task<GatewayResult<GatewayOrder>> QueryAsync(string symbol, string clientOrderId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return _orders.TryGetValue(clientOrderId, out var o)
                ? Task.FromResult(GatewayResult<GatewayOrder>.Ok(o))
                : Done(GatewayErrorKind.NotFound, $"-2013 Order does not exist: {clientOrderId}");
        }
    }

    public Task<GatewayResult<GatewayOrder>> CancelAsync(string symbol, string clientOrderId, CancellationToken ct = default)
    {
        OrderUpdate update;
        IActorRef listener;
        lock (_gate)
        {
            if (!_orders.TryGetValue(clientOrderId, out var o) || o.IsFinal)
                return Done(GatewayErrorKind.NotFound, $"-2011 Unknown order sent: {clientOrderId}");
            _working.Remove(clientOrderId);
            var canceled = o with { Status = GatewayOrderStatus.Canceled };
            _orders[clientOrderId] = canceled;
            update = new OrderUpdate(canceled, 0m, 0m, null);
            listener = _listener;
        }

        listener.Tell(update);
        return Task.FromResult(GatewayResult<GatewayOrder>.Ok(update.Order));
    }

    public Task<GatewayResult<IReadOnlyList<GatewayOrder>>> OpenOrdersAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            IReadOnlyList<GatewayOrder> open = _working.Select(id => _orders[id]).ToArray();
            return Task.FromResult(GatewayResult<IReadOnlyList<GatewayOrder>>.Ok(open));
        }
    }

    public Task<GatewayResult<IReadOnlyList<GatewayPosition>>> PositionsAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            IReadOnlyList<GatewayPosition> list = _positions.Where(p => p.Value.Qty != 0m)
                .Select(p => new GatewayPosition(p.Key, p.Value.Qty, p.Value.Entry)).ToArray();
            return Task.FromResult(GatewayResult<IReadOnlyList<GatewayPosition>>.Ok(list));
        }
    }

    public Task<GatewayResult<decimal>> BalanceAsync(CancellationToken ct = default)
    {
        lock (_gate) return Task.FromResult(GatewayResult<decimal>.Ok(_balance));
    }

    /// <summary>Fills <paramref name="o"/> completely at <paramref name="price"/> plus slippage (caller holds the lock).</summary>
    private OrderUpdate Execute(GatewayOrder o, decimal price, long timeMs)
    {
        var pos = _positions.GetValueOrDefault(o.Symbol);
        var signed = o.Side == OrderSide.Buy ? 1m : -1m;
        var qty = o.Quantity;
        if (o.ReduceOnly)
        {
            var reducible = Math.Sign(pos.Qty) == -(int)signed ? Math.Abs(pos.Qty) : 0m;
            qty = Math.Min(qty, reducible);
            if (qty == 0m)
            {
                var expired = o with { Status = GatewayOrderStatus.Expired, UpdateTimeMs = timeMs };
                _orders[o.ClientOrderId] = expired;
                return new OrderUpdate(expired, 0m, 0m, null);
            }
        }

        var slip = Settings.SlippageBps / 10_000m;
        var fillPrice = o.Side == OrderSide.Buy ? price * (1m + slip) : price * (1m - slip);
        var fee = fillPrice * qty * Settings.TakerFeeRate;

        // Position and realised PnL (one-way mode): the reducing part realises against the average entry.
        var newQty = pos.Qty + signed * qty;
        var realised = 0m;
        var entry = pos.Entry;
        if (pos.Qty != 0m && Math.Sign(pos.Qty) != (int)signed)
        {
            var closed = Math.Min(Math.Abs(pos.Qty), qty);
            realised = (fillPrice - pos.Entry) * closed * Math.Sign(pos.Qty);
            if (qty > Math.Abs(pos.Qty)) entry = fillPrice;
        }
        else
        {
            entry = (pos.Entry * Math.Abs(pos.Qty) + fillPrice * qty) / Math.Abs(newQty);
        }

        _positions[o.Symbol] = (newQty, newQty == 0m ? 0m : entry);
        _balance += realised - fee;
        var filled = o with
        {
            Status = GatewayOrderStatus.Filled,
            FilledQuantity = qty,
            AveragePrice = fillPrice,
            FeeUsd = fee,
            UpdateTimeMs = timeMs,
        };
        _orders[o.ClientOrderId] = filled;
        return new OrderUpdate(filled, qty, fillPrice, fee);
    }

    private static bool Triggers(GatewayOrder o, decimal price) => (o.Type, o.Side) switch
    {
        (OrderType.StopMarket, OrderSide.Sell) => price <= o.StopPrice,
        (OrderType.StopMarket, OrderSide.Buy) => price >= o.StopPrice,
        (OrderType.TakeProfitMarket, OrderSide.Sell) => price >= o.StopPrice,
        (OrderType.TakeProfitMarket, OrderSide.Buy) => price <= o.StopPrice,
        _ => false,
    };

    private static Task<GatewayResult<T>> Done<T>(GatewayErrorKind kind, string message) =>
        Task.FromResult(GatewayResult<T>.Fail(kind, message));

    private static Task<GatewayResult<GatewayOrder>> Done(GatewayErrorKind kind, string message) => Done<GatewayOrder>(kind, message);
}
