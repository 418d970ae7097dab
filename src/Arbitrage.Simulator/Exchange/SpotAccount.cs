using System.Text.RegularExpressions;
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
/// One simulated spot account: free/locked balances per asset, MARKET and LIMIT orders, fills, trades.
/// <para>
/// Prices: a spot symbol mapped in <see cref="SpotOptions.PriceSymbols"/> trades at that tape symbol's book
/// (best ask to buy, best bid to sell) or last trade. Otherwise the same-named tape symbol prices it: its
/// index price (<c>i</c> of the recorded markPrice frames — the spot index the perp is marked against), then
/// its mark price, and only when the tape has no markPrice frame for it, its own book or last trade
/// (a spot-only tape). MARKET orders and marketable LIMIT orders fill whole at that price as taker; a
/// resting LIMIT order fills whole at its limit as maker when the price moves through it.
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
    private readonly Dictionary<string, decimal> _free = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _locked = new(StringComparer.Ordinal);
    private readonly List<SpotOrder> _orders = [];
    private readonly List<SpotTrade> _trades = [];
    private long _nextOrderId = 5_000_001;
    private long _nextTradeId = 900_001;

    internal SpotAccount(object sync, SpotOptions options, Func<string, SymbolMarket?> market, Func<long> eventTime)
    {
        _sync = sync;
        _options = options;
        _market = market;
        _now = eventTime;
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
            var reference = Reference(p.Symbol, buy);
            decimal qty;
            if (p.Type == "LIMIT")
            {
                if (p.TimeInForce is null) return (null, SimError.Mandatory("timeInForce"));
                if (p.TimeInForce is not ("GTC" or "IOC" or "FOK")) return (null, SimError.BadParameter("timeInForce"));
                if (p.QuoteOrderQty is not null) return (null, SimError.Rejected(-1106, "Parameter 'quoteOrderQty' sent when not required."));
                if (p.Price is not { } limit) return (null, SimError.Mandatory("price"));
                if (p.Quantity is not { } q0) return (null, SimError.Mandatory("quantity"));
                if (limit <= 0 || limit < spec.MinPrice || limit > spec.MaxPrice || (limit - spec.MinPrice) % spec.TickSize != 0)
                    return (null, SpotErrors.Filter("PRICE_FILTER"));
                qty = q0;
            }
            else
            {
                if (p.Price is not null) return (null, SimError.Rejected(-1106, "Parameter 'price' sent when not required."));
                if (p.Quantity is not null && p.QuoteOrderQty is not null)
                    return (null, SimError.Rejected(-1106, "Parameter 'quoteOrderQty' sent when not required."));
                if (p.Quantity is null && p.QuoteOrderQty is null)
                    return (null, SimError.Rejected(-1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"));
                if (reference is not { } px) return (null, SimError.Rejected(-1000, $"No market price for {p.Symbol} yet: the tape has not shown one."));
                if (p.QuoteOrderQty is { } quote)
                {
                    if (quote <= 0) return (null, SimError.Rejected(-1013, "Invalid quoteOrderQty."));
                    qty = Math.Floor(quote / px / spec.StepSize) * spec.StepSize; // the quantity the quote amount buys, down to the lot step
                }
                else qty = p.Quantity!.Value;
            }

            if (qty <= 0 || qty < spec.MinQty || qty > spec.MaxQty || qty % spec.StepSize != 0) return (null, SpotErrors.Filter("LOT_SIZE"));
            var notionalPrice = p.Price ?? reference!.Value;
            if (qty * notionalPrice < spec.MinNotional) return (null, SpotErrors.Filter("NOTIONAL"));

            // Lock what the order may spend: a buy's quote at its price (its fee comes out of the base received), a sell's base.
            var lockPrice = p.Type == "MARKET" ? reference!.Value : p.Price!.Value;
            var lockAsset = buy ? quoteAsset : baseAsset;
            var lockAmount = buy ? lockPrice * qty : qty;
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
                OrigQty = qty,
                OrigQuoteOrderQty = p.QuoteOrderQty ?? 0m,
                Price = p.Price ?? 0m,
                Time = now,
                UpdateTime = now,
                Locked = lockAmount,
            };
            Move(_free, _locked, lockAsset, lockAmount);
            _orders.Add(order);

            var marketable = p.Type == "MARKET" || (reference is { } r && (buy ? p.Price >= r : p.Price <= r));
            if (marketable) Fill(order, reference!.Value, isMaker: false);
            else if (order.TimeInForce is "IOC" or "FOK") Finish(order, "EXPIRED");
            return (order, null);
        }
    }

    public (SpotOrder? Order, SimError? Error) Cancel(string symbol, long? orderId, string? clientOrderId)
    {
        lock (_sync)
        {
            var order = Find(symbol, orderId, clientOrderId);
            if (order is null || !order.IsOpen) return (null, SimError.UnknownOrder);
            Finish(order, "CANCELED");
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

    /// <summary>A tape frame moved <paramref name="tapeSymbol"/>: resting LIMIT orders priced by it fill when the price passes their limit.</summary>
    internal void OnMarketUpdate(string tapeSymbol)
    {
        for (var i = 0; i < _orders.Count; i++)
        {
            var o = _orders[i];
            if (!o.IsOpen || o.Type != "LIMIT" || _options.PriceSymbols.GetValueOrDefault(o.Symbol, o.Symbol) != tapeSymbol) continue;
            if (Reference(o.Symbol, o.IsBuy) is not { } price) continue;
            if (o.IsBuy ? price < o.Price : price > o.Price) Fill(o, o.Price, isMaker: true);
        }
    }

    internal void Reset()
    {
        _orders.Clear();
        _trades.Clear();
        _free.Clear();
        _locked.Clear();
        foreach (var (asset, amount) in _options.InitialBalances) _free[asset] = amount;
    }

    private bool Known(string symbol) =>
        _options.PriceSymbols.ContainsKey(symbol) || _options.Symbols.ContainsKey(symbol) || _market(symbol) is not null;

    private decimal? Reference(string symbol, bool buy)
    {
        if (_options.PriceSymbols.TryGetValue(symbol, out var source))
            return _market(source) is { } spot ? TopOfBook(spot, buy) : null;
        if (_market(symbol) is not { } m) return null;
        return m.IndexPrice ?? m.MarkPrice ?? TopOfBook(m, buy);
    }

    private static decimal? TopOfBook(SymbolMarket m, bool buy) => buy ? m.BestAsk ?? m.LastPrice : m.BestBid ?? m.LastPrice;

    private void Fill(SpotOrder order, decimal price, bool isMaker)
    {
        var qty = order.OrigQty - order.ExecutedQty;
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
        Finish(order, "FILLED");
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
}
