using System.Text.RegularExpressions;
using Arbitrage.Simulator.Http;
using Arbitrage.Simulator.Market;

namespace Arbitrage.Simulator.Exchange;

/// <summary>The parameters of a new spot order as the HTTP layer parsed them.</summary>
public sealed record SpotOrderParams(string Symbol, string Side, string Type, decimal? Quantity, decimal? QuoteOrderQty, decimal? Price,
    string? TimeInForce, string? ClientOrderId);

/// <summary>Binance spot's answers to rejected orders (code and message as Binance sends them).</summary>
public static class SpotErrors
{
    public static readonly SimError InsufficientBalance = SimError.Rejected(-2010, "Account has insufficient balance for requested action.");
    public static readonly SimError DuplicateOrder = SimError.Rejected(-2010, "Duplicate order sent.");
    public static readonly SimError InvalidSymbol = SimError.Rejected(-1121, "Invalid symbol.");

    public static SimError Filter(string filter) => SimError.Rejected(-1013, $"Filter failure: {filter}");
}

/// <summary>
/// One simulated spot account: free/locked balances per asset (one balance sheet across every spot symbol), MARKET and
/// LIMIT (GTC, IOC, FOK) orders, fills, trades, and the spot user-data events (<c>executionReport</c>,
/// <c>outboundAccountPosition</c>).
/// <para>
/// Books: a spot symbol mapped in <see cref="SpotOptions.PriceSymbols"/> trades against that tape symbol's book; an
/// unmapped one against its own tape book when that symbol is a spot market of the tape (no markPrice frames). A taker
/// order walks the book's levels best first, up to its limit price (LIMIT) or until its quantity or
/// <c>quoteOrderQty</c> is done (MARKET), one fill per level. What a fill takes is gone for the rest of the frame: a
/// second order before the next tape frame of that symbol does not fill against the same quantity again. IOC and
/// MARKET expire what the book cannot fill (status EXPIRED, partial fills kept); FOK fills whole or expires with
/// nothing; GTC rests its remainder.
/// </para>
/// <para>
/// Without levels on the taking side, the symbol trades whole at one reference price: the same-named tape symbol's index
/// price (<c>i</c> of the recorded markPrice frames — the spot index the perp is marked against), then its mark price,
/// then its top of book or last trade. A resting LIMIT order fills whole at its limit as maker when that price moves
/// through it.
/// </para>
/// <para>
/// Fees as Binance charges them without BNB: a buy's commission is <c>qty × rate</c> of the base asset received
/// (the account holds <c>qty − fee</c>: a bought quantity is not sellable in full), a sell's is
/// <c>price × qty × rate</c> of the quote asset. A buy debits <c>price × qty</c> of quote.
/// </para>
/// Every member locks the simulator's state lock.
/// </summary>
public sealed partial class SpotAccount
{
    private static readonly string[] QuoteAssets = ["USDT", "USDC", "FDUSD", "BUSD", "TUSD", "BTC", "ETH", "BNB", "EUR", "TRY"];

    private readonly object _sync;
    private readonly SpotOptions _options;
    private readonly Func<string, SymbolMarket?> _market;
    private readonly Func<long> _now;
    private readonly Action<string> _push;
    private readonly Dictionary<string, decimal> _free = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _locked = new(StringComparer.Ordinal);
    private readonly List<SpotOrder> _orders = [];
    private readonly List<SpotTrade> _trades = [];

    /// <summary>Quantity taken from each book level (by tape symbol, then price) since that symbol's last tape frame.</summary>
    private readonly Dictionary<string, Dictionary<decimal, decimal>> _taken = new(StringComparer.Ordinal);
    private long _nextOrderId = 5_000_001;
    private long _nextTradeId = 900_001;

    internal SpotAccount(object sync, SpotOptions options, Func<string, SymbolMarket?> market, Func<long> eventTime, Action<string> pushUserData)
    {
        _sync = sync;
        _options = options;
        _market = market;
        _now = eventTime;
        _push = pushUserData;
        foreach (var (asset, amount) in options.InitialBalances) _free[asset] = amount;
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,36}$")]
    private static partial Regex ClientIdPattern();

    public SpotOptions Options => _options;

    public IReadOnlyList<SpotOrder> Orders { get { lock (_sync) return _orders.ToArray(); } }

    public IReadOnlyList<SpotTrade> Trades { get { lock (_sync) return _trades.ToArray(); } }

    public SpotBalance Balance(string asset)
    {
        lock (_sync) return new SpotBalance(asset, _free.GetValueOrDefault(asset), _locked.GetValueOrDefault(asset));
    }

    /// <summary>Every asset the account has held, ordered by name.</summary>
    public IReadOnlyList<SpotBalance> Balances()
    {
        lock (_sync)
        {
            return _free.Keys.Union(_locked.Keys).Order(StringComparer.Ordinal)
                .Select(a => new SpotBalance(a, _free.GetValueOrDefault(a), _locked.GetValueOrDefault(a))).ToArray();
        }
    }

    public IReadOnlyList<SpotOrder> FindByClientId(string clientOrderId)
    {
        lock (_sync) return _orders.Where(o => o.ClientOrderId == clientOrderId).ToArray();
    }

    /// <summary>The spot price an order on <paramref name="side"/> would trade at now (null: the tape has shown none yet).</summary>
    public decimal? PriceOf(string symbol, string side)
    {
        lock (_sync) return Reference(symbol, side == "BUY");
    }

    public static (string Base, string Quote) SplitSymbol(string symbol)
    {
        foreach (var q in QuoteAssets)
            if (symbol.EndsWith(q, StringComparison.Ordinal) && symbol.Length > q.Length) return (symbol[..^q.Length], q);
        return (symbol, "USDT");
    }

    public (SpotOrder? Order, SimError? Error) Place(SpotOrderParams p)
    {
        lock (_sync)
        {
            if (!Known(p.Symbol)) return (null, SpotErrors.InvalidSymbol);
            if (p.Side is not ("BUY" or "SELL")) return (null, SimError.BadParameter("side"));
            if (p.Type is not ("MARKET" or "LIMIT")) return (null, SimError.Rejected(-1116, "Invalid orderType."));
            var clientId = p.ClientOrderId ?? $"sim_spot_{_nextOrderId}";
            if (!ClientIdPattern().IsMatch(clientId))
                return (null, SimError.Rejected(-1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[a-zA-Z0-9-_]{1,36}$'."));
            if (_orders.Any(o => o.IsOpen && o.ClientOrderId == clientId)) return (null, SpotErrors.DuplicateOrder);

            var buy = p.Side == "BUY";
            var spec = _options.SpecFor(p.Symbol);
            var (baseAsset, quoteAsset) = SplitSymbol(p.Symbol);
            var (levels, bookSymbol) = Levels(p.Symbol, buy);
            decimal? qty = null, quote = null, limit = null;
            if (p.Type == "LIMIT")
            {
                if (p.TimeInForce is null) return (null, SimError.Mandatory("timeInForce"));
                if (p.TimeInForce is not ("GTC" or "IOC" or "FOK")) return (null, SimError.BadParameter("timeInForce"));
                if (p.QuoteOrderQty is not null) return (null, SimError.Rejected(-1106, "Parameter 'quoteOrderQty' sent when not required."));
                if (p.Price is not { } price) return (null, SimError.Mandatory("price"));
                if (p.Quantity is not { } q0) return (null, SimError.Mandatory("quantity"));
                if (price <= 0 || price < spec.MinPrice || price > spec.MaxPrice || (price - spec.MinPrice) % spec.TickSize != 0)
                    return (null, SpotErrors.Filter("PRICE_FILTER"));
                (limit, qty) = (price, q0);
            }
            else
            {
                if (p.Price is not null) return (null, SimError.Rejected(-1106, "Parameter 'price' sent when not required."));
                if (p.TimeInForce is not null) return (null, SimError.Rejected(-1106, "Parameter 'timeInForce' sent when not required."));
                if (p.Quantity is not null && p.QuoteOrderQty is not null)
                    return (null, SimError.Rejected(-1106, "Parameter 'quoteOrderQty' sent when not required."));
                if (p.Quantity is null && p.QuoteOrderQty is null)
                    return (null, SimError.Rejected(-1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"));
                if (levels.Count == 0) return (null, SimError.Rejected(-1000, $"No market price for {p.Symbol} yet: the tape has not shown one."));
                if (p.QuoteOrderQty is { } amount)
                {
                    if (amount <= 0) return (null, SimError.Rejected(-1013, "Invalid quoteOrderQty."));
                    if (amount < spec.MinNotional) return (null, SpotErrors.Filter("NOTIONAL"));
                    quote = amount;
                }
                else qty = p.Quantity;
            }

            if (qty is { } q)
            {
                if (q <= 0 || q < spec.MinQty || q > spec.MaxQty || q % spec.StepSize != 0) return (null, SpotErrors.Filter("LOT_SIZE"));
                if (q * (limit ?? levels[0].Price) < spec.MinNotional) return (null, SpotErrors.Filter("NOTIONAL"));
            }

            var walk = BookWalk.Walk(levels, buy, limit, qty, quote, spec.StepSize);
            if (quote is not null && walk.Quantity < spec.MinQty) return (null, SpotErrors.Filter("LOT_SIZE"));
            var fills = walk.Fills;
            if (p.TimeInForce == "FOK" && walk.Quantity < qty) fills = []; // fill or kill: all of it or nothing
            var origQty = qty ?? walk.Quantity;

            // Lock what the order may spend: a buy's quote (at its limit, or what the walk costs), a sell's base.
            var lockAsset = buy ? quoteAsset : baseAsset;
            var lockAmount = buy ? (limit is { } l ? l * origQty : walk.Quote) : origQty;
            if (_free.GetValueOrDefault(lockAsset) < lockAmount) return (null, SpotErrors.InsufficientBalance);

            var now = _now();
            var order = new SpotOrder
            {
                OrderId = _nextOrderId++,
                ClientOrderId = clientId,
                Symbol = p.Symbol,
                BaseAsset = baseAsset,
                QuoteAsset = quoteAsset,
                Side = p.Side,
                Type = p.Type,
                TimeInForce = p.TimeInForce ?? "GTC",
                OrigQty = origQty,
                OrigQuoteOrderQty = quote ?? 0m,
                Price = limit ?? 0m,
                Time = now,
                UpdateTime = now,
                Locked = lockAmount,
            };
            Move(_free, _locked, lockAsset, lockAmount);
            _orders.Add(order);
            Report(order, "NEW", null);

            // A quoteOrderQty order the book could not satisfy is not complete even when its last fill ends the walk.
            var complete = !(quote is not null && walk.Exhausted);
            foreach (var (price, fillQty) in fills)
            {
                var trade = ApplyFill(order, price, fillQty, isMaker: false);
                if (bookSymbol is not null) Take(bookSymbol, price, fillQty);
                order.Status = complete && order.ExecutedQty >= order.OrigQty ? "FILLED" : "PARTIALLY_FILLED";
                Report(order, "TRADE", trade);
            }

            if (order.Status == "FILLED") Finish(order, "FILLED");
            else if (p.Type == "MARKET" || order.TimeInForce is "IOC" or "FOK")
            {
                Finish(order, "EXPIRED");
                Report(order, "EXPIRED", null);
            }
            else if (buy && order.Locked > limit!.Value * (order.OrigQty - order.ExecutedQty))
            {
                // A resting buy that filled below its limit gives back what it no longer needs.
                var excess = order.Locked - limit.Value * (order.OrigQty - order.ExecutedQty);
                order.Locked -= excess;
                Move(_locked, _free, quoteAsset, excess);
            }
            AccountPosition(baseAsset, quoteAsset);
            return (order, null);
        }
    }

    /// <summary>Cancels an open order; <paramref name="cancelClientId"/> is the cancel request's own client id (executionReport <c>c</c>).</summary>
    public (SpotOrder? Order, SimError? Error) Cancel(string symbol, long? orderId, string? clientOrderId, string? cancelClientId = null)
    {
        lock (_sync)
        {
            var order = Find(symbol, orderId, clientOrderId);
            if (order is null || !order.IsOpen) return (null, SimError.UnknownOrder);
            Finish(order, "CANCELED");
            Report(order, "CANCELED", null, cancelClientId ?? $"sim_cancel_{order.OrderId}");
            AccountPosition(order.BaseAsset, order.QuoteAsset);
            return (order, null);
        }
    }

    /// <summary>The latest order with that id (a client id may repeat once the earlier order is closed).</summary>
    public SpotOrder? Find(string symbol, long? orderId, string? clientOrderId)
    {
        lock (_sync)
        {
            for (var i = _orders.Count - 1; i >= 0; i--)
            {
                var o = _orders[i];
                if (o.Symbol != symbol) continue;
                if (orderId is { } id ? o.OrderId == id : o.ClientOrderId == clientOrderId) return o;
            }
            return null;
        }
    }

    public IReadOnlyList<SpotOrder> OpenOrders(string? symbol)
    {
        lock (_sync) return _orders.Where(o => o.IsOpen && (symbol is null || o.Symbol == symbol)).ToArray();
    }

    /// <summary>
    /// A tape frame moved <paramref name="tapeSymbol"/>: its book's liquidity is fresh again, and resting LIMIT orders
    /// priced by it fill when the price passes their limit.
    /// </summary>
    internal void OnMarketUpdate(string tapeSymbol)
    {
        _taken.Remove(tapeSymbol);
        for (var i = 0; i < _orders.Count; i++)
        {
            var o = _orders[i];
            if (!o.IsOpen || o.Type != "LIMIT" || _options.PriceSymbols.GetValueOrDefault(o.Symbol, o.Symbol) != tapeSymbol) continue;
            if (Reference(o.Symbol, o.IsBuy) is not { } price) continue;
            if (o.IsBuy ? price >= o.Price : price <= o.Price) continue;
            var trade = ApplyFill(o, o.Price, o.OrigQty - o.ExecutedQty, isMaker: true);
            o.Status = "FILLED";
            Finish(o, "FILLED");
            Report(o, "TRADE", trade);
            AccountPosition(o.BaseAsset, o.QuoteAsset);
        }
    }

    internal void Reset()
    {
        _orders.Clear();
        _trades.Clear();
        _free.Clear();
        _locked.Clear();
        _taken.Clear();
        foreach (var (asset, amount) in _options.InitialBalances) _free[asset] = amount;
    }

    private bool Known(string symbol) =>
        _options.PriceSymbols.ContainsKey(symbol) || _options.Symbols.ContainsKey(symbol) || _market(symbol) is not null;

    /// <summary>The tape market whose book a spot symbol trades against (null: it is priced by an index or mark price instead).</summary>
    private SymbolMarket? BookMarket(string symbol)
    {
        if (_options.PriceSymbols.TryGetValue(symbol, out var source)) return _market(source);
        return _market(symbol) is { IndexPrice: null, MarkPrice: null } spot ? spot : null;
    }

    /// <summary>
    /// The levels a taker order on <paramref name="symbol"/> walks, best first, less what earlier fills of this frame took;
    /// without book levels, one unbounded level at the reference price. BookSymbol names the book whose liquidity fills consume.
    /// </summary>
    private (List<(decimal Price, decimal Qty)> Levels, string? BookSymbol) Levels(string symbol, bool buy)
    {
        var levels = new List<(decimal Price, decimal Qty)>();
        if (BookMarket(symbol) is { } m && (buy ? m.Book.Asks : m.Book.Bids).Any())
        {
            var taken = _taken.GetValueOrDefault(m.Symbol);
            foreach (var (price, qty) in buy ? m.Book.Asks : m.Book.Bids)
            {
                var left = qty - (taken?.GetValueOrDefault(price) ?? 0m);
                if (left > 0) levels.Add((price, left));
            }
            return (levels, m.Symbol);
        }
        if (Reference(symbol, buy) is { } reference) levels.Add((reference, decimal.MaxValue));
        return (levels, null);
    }

    private void Take(string bookSymbol, decimal price, decimal qty)
    {
        if (!_taken.TryGetValue(bookSymbol, out var taken)) _taken[bookSymbol] = taken = [];
        taken[price] = taken.GetValueOrDefault(price) + qty;
    }

    private decimal? Reference(string symbol, bool buy)
    {
        if (_options.PriceSymbols.TryGetValue(symbol, out var source))
            return _market(source) is { } spot ? TopOfBook(spot, buy) : null;
        if (_market(symbol) is not { } m) return null;
        return m.IndexPrice ?? m.MarkPrice ?? TopOfBook(m, buy);
    }

    private static decimal? TopOfBook(SymbolMarket m, bool buy)
    {
        foreach (var level in buy ? m.Book.Asks : m.Book.Bids) return level.Key;
        return buy ? m.BestAsk ?? m.LastPrice : m.BestBid ?? m.LastPrice;
    }

    private SpotTrade ApplyFill(SpotOrder order, decimal price, decimal qty, bool isMaker)
    {
        var quote = price * qty;
        var rate = isMaker ? _options.Fees.MakerRate : _options.Fees.TakerRate;
        decimal fee;
        string feeAsset;
        if (order.IsBuy)
        {
            fee = qty * rate;
            feeAsset = order.BaseAsset;
            order.Locked -= quote;
            _locked[order.QuoteAsset] = _locked.GetValueOrDefault(order.QuoteAsset) - quote;
            _free[order.BaseAsset] = _free.GetValueOrDefault(order.BaseAsset) + qty - fee;
        }
        else
        {
            fee = quote * rate;
            feeAsset = order.QuoteAsset;
            order.Locked -= qty;
            _locked[order.BaseAsset] = _locked.GetValueOrDefault(order.BaseAsset) - qty;
            _free[order.QuoteAsset] = _free.GetValueOrDefault(order.QuoteAsset) + quote - fee;
        }

        var now = _now();
        var trade = new SpotTrade(_nextTradeId++, order.OrderId, order.ClientOrderId, order.Symbol, order.Side, price, qty, fee, feeAsset, isMaker, now);
        _trades.Add(trade);
        order.Fills.Add(trade);
        order.ExecutedQty += qty;
        order.CumQuote += quote;
        order.UpdateTime = now;
        return trade;
    }

    /// <summary>Closes the order and returns whatever it still held locked.</summary>
    private void Finish(SpotOrder order, string status)
    {
        order.Status = status;
        order.UpdateTime = _now();
        if (order.Locked != 0)
        {
            Move(_locked, _free, order.IsBuy ? order.QuoteAsset : order.BaseAsset, order.Locked);
            order.Locked = 0;
        }
    }

    private static void Move(Dictionary<string, decimal> from, Dictionary<string, decimal> to, string asset, decimal amount)
    {
        from[asset] = from.GetValueOrDefault(asset) - amount;
        to[asset] = to.GetValueOrDefault(asset) + amount;
    }

    /// <summary>The spot user-data <c>executionReport</c> of one change of <paramref name="o"/>, as Binance sends it.</summary>
    private void Report(SpotOrder o, string executionType, SpotTrade? trade, string? cancelClientId = null)
    {
        var now = _now();
        _push(JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("e", "executionReport");
            w.WriteNumber("E", now);
            w.WriteString("s", o.Symbol);
            w.WriteString("c", cancelClientId ?? o.ClientOrderId);
            w.WriteString("S", o.Side);
            w.WriteString("o", o.Type);
            w.WriteString("f", o.TimeInForce);
            w.Dec("q", o.OrigQty);
            w.Dec("p", o.Price);
            w.WriteString("P", "0");
            w.WriteString("F", "0");
            w.WriteNumber("g", -1);
            w.WriteString("C", cancelClientId is null ? "" : o.ClientOrderId);
            w.WriteString("x", executionType);
            w.WriteString("X", o.Status);
            w.WriteString("r", "NONE");
            w.WriteNumber("i", o.OrderId);
            w.Dec("l", trade?.Quantity ?? 0m);
            w.Dec("z", o.ExecutedQty);
            w.Dec("L", trade?.Price ?? 0m);
            w.Dec("n", trade?.Commission ?? 0m);
            if (trade is null) w.WriteNull("N");
            else w.WriteString("N", trade.CommissionAsset);
            w.WriteNumber("T", trade?.TimeMs ?? o.UpdateTime);
            w.WriteNumber("t", trade?.TradeId ?? -1);
            w.WriteNumber("I", o.OrderId * 10 + o.Fills.Count);
            w.WriteBoolean("w", o.IsOpen);
            w.WriteBoolean("m", trade?.IsMaker ?? false);
            w.WriteBoolean("M", false);
            w.WriteNumber("O", o.Time);
            w.Dec("Z", o.CumQuote);
            w.Dec("Y", trade?.QuoteQty ?? 0m);
            w.Dec("Q", o.OrigQuoteOrderQty);
            w.WriteNumber("W", o.Time);
            w.WriteString("V", "EXPIRE_MAKER");
            w.WriteEndObject();
        }));
    }

    /// <summary><c>outboundAccountPosition</c>: the balances of the assets an order event changed.</summary>
    private void AccountPosition(params string[] assets)
    {
        var now = _now();
        _push(JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("e", "outboundAccountPosition");
            w.WriteNumber("E", now);
            w.WriteNumber("u", now);
            w.WriteStartArray("B");
            foreach (var a in assets)
            {
                w.WriteStartObject();
                w.WriteString("a", a);
                w.Dec("f", _free.GetValueOrDefault(a));
                w.Dec("l", _locked.GetValueOrDefault(a));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }));
    }
}
