using System.Text.RegularExpressions;
using Arbitrage.Simulator.Http;
using Arbitrage.Simulator.Market;
using Arbitrage.Simulator.Tape;

namespace Arbitrage.Simulator.Exchange;

/// <summary>The parameters of a new order as the HTTP layer parsed them.</summary>
public sealed record OrderParams(string Symbol, string Side, string Type, decimal? Quantity, decimal? Price, decimal? StopPrice,
    string? TimeInForce, bool ReduceOnly, bool ClosePosition, string? ClientOrderId, bool IsAlgo = false);

/// <summary>
/// One simulated USD-M account in one-way mode: orders, fills against the tape, positions, wallet,
/// and the user-data events they cause. Every member locks the simulator's state lock, so tests can
/// read it at any time.
/// </summary>
public sealed partial class SimExchange
{
    private readonly object _sync;
    private readonly SimulatorOptions _options;
    private readonly Func<string, SymbolMarket?> _market;
    private readonly Func<long> _now;
    private readonly Action<string> _push;
    private readonly Dictionary<string, decimal> _wallet;
    private readonly Dictionary<string, SimPosition> _positions = [];
    private readonly List<SimOrder> _orders = [];
    private readonly List<SimFill> _fills = [];
    private long _nextOrderId = 1_000_001;
    private long _nextTradeId = 1;

    internal SimExchange(object sync, SimulatorOptions options, Func<string, SymbolMarket?> market, Func<long> eventTime, Action<string> pushUserData)
    {
        _sync = sync;
        _options = options;
        _market = market;
        _now = eventTime;
        _push = pushUserData;
        _wallet = new Dictionary<string, decimal>(options.InitialBalances);
    }

    [GeneratedRegex(@"^[\.A-Z\:/a-z0-9_-]{1,36}$")]
    private static partial Regex ClientIdPattern();

    public IReadOnlyList<SimOrder> Orders { get { lock (_sync) return _orders.ToArray(); } }
    public IReadOnlyList<SimFill> Fills { get { lock (_sync) return _fills.ToArray(); } }

    public decimal WalletBalance(string asset = "USDT") { lock (_sync) return _wallet.GetValueOrDefault(asset); }

    public SimPosition Position(string symbol)
    {
        lock (_sync) return PositionFor(symbol);
    }

    public IReadOnlyList<SimOrder> FindByClientId(string clientOrderId)
    {
        lock (_sync) return _orders.Where(o => o.ClientOrderId == clientOrderId).ToArray();
    }

    public decimal UnrealizedPnl(string symbol)
    {
        lock (_sync)
        {
            var p = PositionFor(symbol);
            var mark = _market(symbol)?.Mark ?? p.EntryPrice;
            return p.Amount == 0 ? 0 : (mark - p.EntryPrice) * p.Amount;
        }
    }

    public decimal AvailableBalance(string asset = "USDT")
    {
        lock (_sync)
        {
            if (asset != "USDT") return _wallet.GetValueOrDefault(asset);
            var available = _wallet.GetValueOrDefault("USDT");
            foreach (var p in _positions.Values)
            {
                if (p.Amount == 0) continue;
                var mark = _market(p.Symbol)?.Mark ?? p.EntryPrice;
                available += (mark - p.EntryPrice) * p.Amount - Math.Abs(p.Amount) * mark / p.Leverage;
            }
            return available;
        }
    }

    public IReadOnlyList<SimPosition> Positions { get { lock (_sync) return _positions.Values.ToArray(); } }

    public (SimOrder? Order, SimError? Error) Place(OrderParams p)
    {
        lock (_sync)
        {
            var market = _market(p.Symbol);
            if (market is null) return (null, SimError.Rejected(-1121, "Invalid symbol."));
            if (p.Side is not ("BUY" or "SELL")) return (null, SimError.BadParameter("side"));
            if (p.Type is not ("MARKET" or "LIMIT" or "STOP_MARKET" or "TAKE_PROFIT_MARKET"))
                return (null, SimError.Rejected(-1116, "Invalid orderType."));
            var clientId = p.ClientOrderId ?? $"sim_{_nextOrderId}";
            if (!ClientIdPattern().IsMatch(clientId))
                return (null, SimError.Rejected(-1100, $"Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{{1,36}}$'."));
            if (_orders.Any(o => o.IsOpen && o.ClientOrderId == clientId)) return (null, SimError.DuplicateClientId);

            var spec = _options.SpecFor(p.Symbol);
            var conditional = p.Type is "STOP_MARKET" or "TAKE_PROFIT_MARKET";
            if (p.ClosePosition)
            {
                if (!conditional) return (null, SimError.Rejected(-4136, $"Target strategy invalid for orderType {p.Type},closePosition true"));
                if (p.Quantity is not null) return (null, SimError.Rejected(-1106, "Parameter 'quantity' sent when not required."));
                if (p.ReduceOnly) return (null, SimError.Rejected(-1106, "Parameter 'reduceOnly' sent when not required."));
            }
            else if (p.Quantity is not { } q0 || q0 <= 0) return (null, p.Quantity is null ? SimError.Mandatory("quantity") : SimError.Rejected(-4003, "Quantity less than or equal to zero."));
            if (p.Type == "LIMIT" && p.Price is not { } lp) return (null, SimError.Mandatory("price"));
            if (conditional && p.StopPrice is null) return (null, SimError.Mandatory("stopPrice"));

            if (p.Quantity is { } q)
            {
                if (q % spec.StepSize != 0) return (null, SimError.Rejected(-1111, "Precision is over the maximum defined for this asset."));
                if (q < spec.MinQty) return (null, SimError.Rejected(-4005, "Quantity less than minimum quantity."));
                if (q > spec.MaxQty) return (null, SimError.Rejected(-4005, "Quantity greater than max quantity."));
            }
            foreach (var price in new[] { p.Price, p.StopPrice })
            {
                if (price is not { } px) continue;
                if (px <= 0) return (null, SimError.Rejected(-4001, "Price less than 0."));
                if ((px - spec.MinPrice) % spec.TickSize != 0 && px % spec.TickSize != 0)
                    return (null, SimError.Rejected(-4014, "Price not increased by tick size."));
            }

            var reference = p.Side == "BUY" ? market.BestAsk ?? market.LastPrice : market.BestBid ?? market.LastPrice;
            if (p.Type == "MARKET" && reference is null)
                return (null, SimError.Rejected(-1000, $"No market price for {p.Symbol} yet: the tape has not traded."));

            var position = PositionFor(p.Symbol);
            if (p.ReduceOnly && Reducible(position, p.Side) == 0) return (null, SimError.ReduceOnlyRejected);

            var estPrice = p.Price ?? p.StopPrice ?? reference ?? 0m;
            if (!p.ReduceOnly && !p.ClosePosition && p.Quantity is { } nq && nq * estPrice < spec.MinNotional)
                return (null, SimError.Rejected(-4164, $"Order's notional must be no smaller than {JsonText.D(spec.MinNotional)} (unless you choose reduce only)."));

            if (!p.ReduceOnly && !p.ClosePosition && p.Quantity is { } mq)
            {
                var increasing = Math.Max(0m, mq - Reducible(position, p.Side));
                var required = increasing * estPrice / position.Leverage + increasing * estPrice * _options.Fees.TakerRate;
                if (increasing > 0 && required > AvailableBalance()) return (null, SimError.MarginInsufficient);
            }

            var last = market.LastPrice;
            var tif = p.TimeInForce ?? "GTC";
            var marketable = p.Type == "LIMIT" && reference is { } r
                && (p.Side == "BUY" ? p.Price >= r : p.Price <= r);
            if (p.Type == "LIMIT" && marketable && tif == "GTX") return (null, SimError.PostOnlyRejected);
            if (conditional && last is { } lastPx && Triggered(p.Type, p.Side, p.StopPrice!.Value, lastPx))
                return (null, SimError.WouldTrigger);

            var now = _now();
            var order = new SimOrder
            {
                OrderId = _nextOrderId++,
                ClientOrderId = clientId,
                Symbol = p.Symbol,
                Side = p.Side,
                Type = p.Type,
                TimeInForce = p.Type == "MARKET" ? "GTC" : tif,
                OrigQty = p.Quantity ?? 0m,
                Price = p.Price ?? 0m,
                StopPrice = p.StopPrice ?? 0m,
                ReduceOnly = p.ReduceOnly,
                ClosePosition = p.ClosePosition,
                IsAlgo = p.IsAlgo,
                Time = now,
                UpdateTime = now,
            };
            _orders.Add(order);
            PushOrderUpdate(order, "NEW", null);

            if (p.Type == "MARKET" || marketable)
                Fill(order, reference!.Value, order.OrigQty, isMaker: false);
            else if (p.Type == "LIMIT" && tif is "IOC" or "FOK")
                Finish(order, "EXPIRED");
            return (order, null);
        }
    }

    public (SimOrder? Order, SimError? Error) Cancel(string symbol, long? orderId, string? clientOrderId, bool algo = false)
    {
        lock (_sync)
        {
            var order = Find(symbol, orderId, clientOrderId, algo);
            if (order is null || !order.IsOpen) return (null, SimError.UnknownOrder);
            Finish(order, "CANCELED");
            return (order, null);
        }
    }

    /// <summary>The latest order with that id (client ids may repeat once the earlier order is closed).</summary>
    public SimOrder? Find(string symbol, long? orderId, string? clientOrderId, bool? algo = null)
    {
        lock (_sync)
        {
            for (var i = _orders.Count - 1; i >= 0; i--)
            {
                var o = _orders[i];
                if (o.Symbol != symbol || (algo is { } a && o.IsAlgo != a)) continue;
                if (orderId is { } id ? o.OrderId == id : o.ClientOrderId == clientOrderId) return o;
            }
            return null;
        }
    }

    public IReadOnlyList<SimOrder> OpenOrders(string? symbol, bool? algo = null)
    {
        lock (_sync)
            return _orders.Where(o => o.IsOpen && (symbol is null || o.Symbol == symbol) && (algo is null || o.IsAlgo == algo)).ToArray();
    }

    public SimPosition SetLeverage(string symbol, int leverage)
    {
        lock (_sync)
        {
            var p = PositionFor(symbol);
            p.Leverage = leverage;
            return p;
        }
    }

    /// <summary>False when the margin type already is <paramref name="marginType"/> (Binance -4046).</summary>
    public bool SetMarginType(string symbol, string marginType)
    {
        lock (_sync)
        {
            var p = PositionFor(symbol);
            var wanted = marginType == "ISOLATED" ? "isolated" : "cross";
            if (p.MarginType == wanted) return false;
            p.MarginType = wanted;
            return true;
        }
    }

    /// <summary>A tape trade: rest LIMIT orders fill when the tape trades through them, conditional orders trigger.</summary>
    internal void OnTrade(string symbol, in TradeTick t)
    {
        for (var i = 0; i < _orders.Count; i++)
        {
            var o = _orders[i];
            if (!o.IsOpen || o.Symbol != symbol) continue;
            switch (o.Type)
            {
                case "LIMIT" when o.IsBuy ? t.Price < o.Price : t.Price > o.Price:
                    Fill(o, o.Price, o.OrigQty - o.ExecutedQty, isMaker: true);
                    break;
                case "STOP_MARKET" or "TAKE_PROFIT_MARKET" when Triggered(o.Type, o.Side, o.StopPrice, t.Price):
                    var qty = o.ClosePosition ? Reducible(PositionFor(symbol), o.Side) : o.OrigQty;
                    if (qty == 0) Finish(o, "EXPIRED");
                    else Fill(o, t.Price, qty, isMaker: false);
                    break;
            }
        }
    }

    internal void Reset()
    {
        _orders.Clear();
        _fills.Clear();
        _positions.Clear();
        _wallet.Clear();
        foreach (var (k, v) in _options.InitialBalances) _wallet[k] = v;
    }

    private static bool Triggered(string type, string side, decimal stop, decimal price) => (type, side) switch
    {
        ("STOP_MARKET", "BUY") => price >= stop,
        ("STOP_MARKET", "SELL") => price <= stop,
        ("TAKE_PROFIT_MARKET", "BUY") => price <= stop,
        ("TAKE_PROFIT_MARKET", "SELL") => price >= stop,
        _ => false,
    };

    /// <summary>How much of the position an order on <paramref name="side"/> can close.</summary>
    private static decimal Reducible(SimPosition p, string side) =>
        side == "BUY" ? Math.Max(0m, -p.Amount) : Math.Max(0m, p.Amount);

    private SimPosition PositionFor(string symbol)
    {
        if (!_positions.TryGetValue(symbol, out var p))
            _positions[symbol] = p = new SimPosition(symbol, _options.DefaultLeverage);
        return p;
    }

    private void Fill(SimOrder order, decimal price, decimal qty, bool isMaker)
    {
        var position = PositionFor(order.Symbol);
        if (order.ReduceOnly) qty = Math.Min(qty, Reducible(position, order.Side));
        if (qty <= 0)
        {
            Finish(order, "EXPIRED");
            return;
        }

        var signed = order.IsBuy ? qty : -qty;
        var realized = 0m;
        if (position.Amount == 0 || Math.Sign(position.Amount) == Math.Sign(signed))
        {
            var size = Math.Abs(position.Amount);
            position.EntryPrice = (position.EntryPrice * size + price * qty) / (size + qty);
            position.Amount += signed;
        }
        else
        {
            var closing = Math.Min(Math.Abs(position.Amount), qty);
            realized = (price - position.EntryPrice) * closing * Math.Sign(position.Amount);
            position.Amount += signed;
            if (position.Amount == 0) position.EntryPrice = 0;
            else if (Math.Sign(position.Amount) == Math.Sign(signed)) position.EntryPrice = price; // flipped
        }
        var fee = price * qty * (isMaker ? _options.Fees.MakerRate : _options.Fees.TakerRate);
        position.AccumulatedRealized += realized;
        _wallet["USDT"] = _wallet.GetValueOrDefault("USDT") + realized - fee;

        var now = _now();
        position.UpdateTime = now;
        order.ExecutedQty += qty;
        order.CumQuote += price * qty;
        order.UpdateTime = now;
        order.Status = order.ExecutedQty >= order.OrigQty || order.ClosePosition ? "FILLED" : "PARTIALLY_FILLED";
        var fill = new SimFill(_nextTradeId++, order.OrderId, order.ClientOrderId, order.Symbol, order.Side, price, qty, fee, realized, isMaker, now);
        _fills.Add(fill);
        PushOrderUpdate(order, "TRADE", fill);
        PushAccountUpdate(position, now);
        // A reduce-only order capped by the position does not rest with its remainder.
        if (order.Status == "PARTIALLY_FILLED" && order.ReduceOnly) Finish(order, "EXPIRED");
    }

    private void Finish(SimOrder order, string status)
    {
        order.Status = status;
        order.UpdateTime = _now();
        PushOrderUpdate(order, status, null);
    }

    private void PushOrderUpdate(SimOrder o, string executionType, SimFill? fill)
    {
        var now = _now();
        _push(JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("e", "ORDER_TRADE_UPDATE");
            w.WriteNumber("E", now);
            w.WriteNumber("T", now);
            w.WriteStartObject("o");
            w.WriteString("s", o.Symbol);
            w.WriteString("c", o.ClientOrderId);
            w.WriteString("S", o.Side);
            w.WriteString("o", o.Type);
            w.WriteString("f", o.TimeInForce);
            w.Dec("q", o.OrigQty);
            w.Dec("p", o.Price);
            w.Dec("ap", o.AvgPrice);
            w.Dec("sp", o.StopPrice);
            w.WriteString("x", executionType);
            w.WriteString("X", o.Status);
            w.WriteNumber("i", o.OrderId);
            w.Dec("l", fill?.Quantity ?? 0m);
            w.Dec("z", o.ExecutedQty);
            w.Dec("L", fill?.Price ?? 0m);
            w.WriteString("N", "USDT");
            w.Dec("n", fill?.Commission ?? 0m);
            w.WriteNumber("T", o.UpdateTime);
            w.WriteNumber("t", fill?.TradeId ?? 0);
            w.WriteString("b", "0");
            w.WriteString("a", "0");
            w.WriteBoolean("m", fill?.IsMaker ?? false);
            w.WriteBoolean("R", o.ReduceOnly);
            w.WriteString("wt", "CONTRACT_PRICE");
            w.WriteString("ot", o.Type);
            w.WriteString("ps", "BOTH");
            w.WriteBoolean("cp", o.ClosePosition);
            w.Dec("rp", fill?.RealizedPnl ?? 0m);
            w.WriteBoolean("pP", false);
            w.WriteNumber("si", 0);
            w.WriteNumber("ss", 0);
            w.WriteString("V", "NONE");
            w.WriteString("pm", "NONE");
            w.WriteNumber("gtd", 0);
            w.WriteEndObject();
            w.WriteEndObject();
        }));
    }

    private void PushAccountUpdate(SimPosition p, long now)
    {
        var mark = _market(p.Symbol)?.Mark ?? p.EntryPrice;
        _push(JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("e", "ACCOUNT_UPDATE");
            w.WriteNumber("E", now);
            w.WriteNumber("T", now);
            w.WriteStartObject("a");
            w.WriteString("m", "ORDER");
            w.WriteStartArray("B");
            w.WriteStartObject();
            w.WriteString("a", "USDT");
            w.Dec("wb", _wallet.GetValueOrDefault("USDT"));
            w.Dec("cw", _wallet.GetValueOrDefault("USDT"));
            w.WriteString("bc", "0");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("P");
            w.WriteStartObject();
            w.WriteString("s", p.Symbol);
            w.Dec("pa", p.Amount);
            w.Dec("ep", p.EntryPrice);
            w.Dec("bep", p.EntryPrice);
            w.Dec("cr", p.AccumulatedRealized);
            w.Dec("up", p.Amount == 0 ? 0 : (mark - p.EntryPrice) * p.Amount);
            w.WriteString("mt", p.MarginType);
            w.WriteString("iw", "0");
            w.WriteString("ps", "BOTH");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }));
    }
}
