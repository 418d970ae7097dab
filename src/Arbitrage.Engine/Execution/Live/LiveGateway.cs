using Akka.Actor;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.UserData;
using Arbitrage.Core.Execution;
using OrderType = Arbitrage.Core.Execution.OrderType;

namespace Arbitrage.Engine.Execution.Live;

/// <summary>Live gateway settings.</summary>
/// <param name="MarginAsset">The wallet asset <see cref="LiveGateway.BalanceAsync"/> reports (USD-M: USDT).</param>
/// <param name="FillFeeWait">
/// How long a placement answered "filled" waits for the stream to report that fill, so the answer carries the
/// real commission (REST answers carry none); after that the answer goes out without a fee (the executor estimates it).
/// </param>
/// <param name="Account">
/// Leverage and margin type per symbol that <see cref="LiveGateway.PrepareAccountAsync"/> sets and verifies before the
/// executor trades; null = only the position mode is checked.
/// </param>
public sealed record LiveGatewaySettings(string MarginAsset = "USDT", TimeSpan? FillFeeWait = null, AccountSettings? Account = null)
{
    public TimeSpan FeeWait => FillFeeWait ?? TimeSpan.FromSeconds(2);

    /// <summary>Commission assets counted 1:1 as USD; a fee in any other asset (BNB) is reported as unknown (null).</summary>
    public IReadOnlySet<string> UsdAssets { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "USDT", "USDC", "FDUSD", "BUSD", "USD" };
}

/// <summary>
/// <see cref="IExchangeGateway"/> over Binance USD-M: orders and account reads through
/// <see cref="BinanceRestClient"/>, order changes from the user-data stream (<c>ORDER_TRADE_UPDATE</c>)
/// told to the subscribed listener as <see cref="OrderUpdate"/>s (cumulative quantity, this fill's quantity,
/// price and commission; commissions in a USD stablecoin count as USD).
/// <para>
/// Error mapping: a placement whose outcome is unknown (503, -1007, timeout, any 5xx, a dropped connection,
/// an unreadable answer) is <see cref="GatewayErrorKind.UnknownStatus"/>, and so is -4116 (the exchange already holds an
/// order under this client id: query it); -2011 / -2013 are <see cref="GatewayErrorKind.NotFound"/>; 429 / 418 / 403 /
/// transport / 5xx / timeouts / -1021 on other calls are <see cref="GatewayErrorKind.Unavailable"/> (with Binance's
/// Retry-After as <see cref="GatewayError.RetryAt"/>); everything else the exchange refused is <see cref="GatewayErrorKind.Rejected"/>.
/// Placements and cancels can be given more time than the client's order timeout (<see cref="IPatientGateway"/>).
/// </para>
/// <para>
/// Call <see cref="StartAsync"/> before trading: it syncs the server clock, creates the listenKey, keeps
/// it alive and connects the stream. Events lost while the stream reconnects are recovered: after every
/// reconnection the gateway queries each order it placed that was not final and tells the listener about
/// any that changed. The gateway does not own the REST client.
/// </para>
/// </summary>
public sealed class LiveGateway : IExchangeGateway, IPatientGateway, IAccountPreparingGateway, IConnectionReportingGateway, IAsyncDisposable
{
    private readonly BinanceRestClient _rest;
    private readonly LiveGatewaySettings _settings;
    private readonly UserDataSession _session;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private readonly Dictionary<string, Tracked> _tracked = new(StringComparer.Ordinal);
    private IActorRef _listener = ActorRefs.Nobody;
    private IActorRef _connectionWatcher = ActorRefs.Nobody;
    private bool _streamUp;
    private int _connections;

    public LiveGateway(BinanceRestClient rest, LiveGatewaySettings? settings = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(rest);
        _rest = rest;
        _settings = settings ?? new LiveGatewaySettings();
        var clock = time ?? TimeProvider.System;
        var keys = new ListenKeyLifecycle(rest.Account, clock);
        _session = new UserDataSession(keys, new UserDataStreamClient(rest.Options, keys, clock));
        _session.Stream.Reconnected += OnReconnected;
        _session.Stream.Disconnected += () => ReportConnection(false);
        _session.Stream.BadFrame += e => Warning?.Invoke($"user-data stream: unreadable frame skipped ({e})");
    }

    /// <summary>Things an operator should see (bad frames, failed resyncs). Handlers must not block.</summary>
    public event Action<string>? Warning;

    /// <summary>How many times the user-data stream has connected (1 after start, +1 per reconnection).</summary>
    public int StreamConnections => Volatile.Read(ref _connections);

    /// <summary>
    /// Syncs the server clock, starts the listenKey keep-alive and the user-data stream, and waits until
    /// the stream is connected (false when <paramref name="ct"/> ends first). Call once.
    /// </summary>
    public async Task<bool> StartAsync(CancellationToken ct = default)
    {
        if (_session.Started) throw new InvalidOperationException("LiveGateway already started.");
        var sync = await _rest.ExchangeData.SyncServerTimeAsync(ct).ConfigureAwait(false);
        if (!sync.Success) Warning?.Invoke($"server time sync failed: {sync.Error}");
        _session.Start(e =>
        {
            if (e is OrderTradeUpdate u) OnOrderUpdate(u);
        });
        try
        {
            await _connected.Task.WaitAsync(ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// One-way position mode, then leverage and margin type of every configured symbol, set and read back
    /// (<see cref="LiveAccountSetup"/>). The executor calls it on every start and refuses signals the problems block.
    /// </summary>
    public Task<AccountCheck> PrepareAccountAsync(CancellationToken ct = default) =>
        LiveAccountSetup.ApplyAsync(_rest, _settings.Account ?? new AccountSettings([]), ct);

    /// <summary>The user-data stream's state (connected / dropped) goes to <paramref name="watcher"/>: now, then on every change.</summary>
    public void WatchConnection(IActorRef watcher)
    {
        bool up;
        lock (_gate)
        {
            _connectionWatcher = watcher;
            up = _streamUp;
        }

        watcher.Tell(new GatewayConnection(up));
    }

    private void ReportConnection(bool up)
    {
        IActorRef watcher;
        lock (_gate)
        {
            _streamUp = up;
            watcher = _connectionWatcher;
        }

        watcher.Tell(new GatewayConnection(up));
    }

    public void Subscribe(IActorRef listener)
    {
        lock (_gate) _listener = listener;
    }

    public Task<GatewayResult<GatewayOrder>> PlaceAsync(OrderRequest order, CancellationToken ct = default) => PlaceAsync(order, null, ct);

    public Task<GatewayResult<GatewayOrder>> PlaceAsync(OrderRequest order, TimeSpan patience, CancellationToken ct = default) =>
        PlaceAsync(order, (TimeSpan?)patience, ct);

    private async Task<GatewayResult<GatewayOrder>> PlaceAsync(OrderRequest order, TimeSpan? patience, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        var mapped = ToNewOrder(order);
        if (mapped.Error is { } invalid) return invalid;
        lock (_gate)
        {
            if (!_tracked.TryGetValue(order.ClientOrderId, out var t) || t.Last?.IsFinal == true)
                _tracked[order.ClientOrderId] = new Tracked(order);
        }

        var r = await _rest.Trading.PlaceOrderAsync(mapped.Value!, patience, ct).ConfigureAwait(false);
        if (!r.Success) return Map(r.Error, placement: true);
        if (r.Data.ExecutedQty > 0m) await AwaitStreamFillAsync(r.Data.ClientOrderId, r.Data.ExecutedQty, ct).ConfigureAwait(false);
        return GatewayResult<GatewayOrder>.Ok(Remember(r.Data));
    }

    public async Task<GatewayResult<GatewayOrder>> QueryAsync(string symbol, string clientOrderId, CancellationToken ct = default)
    {
        var r = await _rest.Trading.GetOrderAsync(OrderRef.ByClientId(symbol, clientOrderId), ct).ConfigureAwait(false);
        return r.Success ? GatewayResult<GatewayOrder>.Ok(Remember(r.Data)) : Map(r.Error, placement: false);
    }

    public Task<GatewayResult<GatewayOrder>> CancelAsync(string symbol, string clientOrderId, CancellationToken ct = default) =>
        CancelAsync(symbol, clientOrderId, null, ct);

    public Task<GatewayResult<GatewayOrder>> CancelAsync(string symbol, string clientOrderId, TimeSpan patience, CancellationToken ct = default) =>
        CancelAsync(symbol, clientOrderId, (TimeSpan?)patience, ct);

    private async Task<GatewayResult<GatewayOrder>> CancelAsync(string symbol, string clientOrderId, TimeSpan? patience, CancellationToken ct)
    {
        var r = await _rest.Trading.CancelOrderAsync(OrderRef.ByClientId(symbol, clientOrderId), patience, ct).ConfigureAwait(false);
        return r.Success ? GatewayResult<GatewayOrder>.Ok(Remember(r.Data)) : Map(r.Error, placement: false);
    }

    public async Task<GatewayResult<IReadOnlyList<GatewayOrder>>> OpenOrdersAsync(CancellationToken ct = default)
    {
        var r = await _rest.Trading.GetOpenOrdersAsync(null, ct).ConfigureAwait(false);
        if (!r.Success) return Map(r.Error, placement: false);
        IReadOnlyList<GatewayOrder> list = r.Data.Select(ToGateway).ToArray();
        return GatewayResult<IReadOnlyList<GatewayOrder>>.Ok(list);
    }

    public async Task<GatewayResult<IReadOnlyList<GatewayPosition>>> PositionsAsync(CancellationToken ct = default)
    {
        var r = await _rest.Account.GetPositionRiskAsync(null, ct).ConfigureAwait(false);
        if (!r.Success) return Map(r.Error, placement: false);
        IReadOnlyList<GatewayPosition> list = r.Data
            .Where(p => p.PositionAmount != 0m)
            .Select(p => new GatewayPosition(p.Symbol, p.PositionAmount, p.EntryPrice))
            .ToArray();
        return GatewayResult<IReadOnlyList<GatewayPosition>>.Ok(list);
    }

    public async Task<GatewayResult<decimal>> BalanceAsync(CancellationToken ct = default)
    {
        var r = await _rest.Account.GetBalancesAsync(v2: false, ct).ConfigureAwait(false);
        if (!r.Success) return Map(r.Error, placement: false);
        var asset = r.Data.FirstOrDefault(b => b.Asset == _settings.MarginAsset);
        return asset is null
            ? GatewayResult<decimal>.Fail(GatewayErrorKind.NotFound, $"no {_settings.MarginAsset} balance on the account")
            : GatewayResult<decimal>.Ok(asset.AvailableBalance);
    }

    /// <summary>Stops the stream and the keep-alive and closes the listenKey (best effort).</summary>
    public ValueTask DisposeAsync() => _session.DisposeAsync();

    // ---- mapping ----

    /// <summary>The Binance order for a gateway request, or why it cannot be sent.</summary>
    public static GatewayResult<NewOrder> ToNewOrder(OrderRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.Quantity <= 0m) return GatewayResult<NewOrder>.Fail(GatewayErrorKind.Rejected, $"quantity {r.Quantity} must be positive");
        switch (r.Type)
        {
            case OrderType.Market:
                return GatewayResult<NewOrder>.Ok(new NewOrder(r.Symbol, r.Side.ToWire(), r.Type.ToWire())
                {
                    Quantity = r.Quantity,
                    ReduceOnly = r.ReduceOnly,
                    ClientOrderId = r.ClientOrderId,
                });
            case OrderType.StopMarket or OrderType.TakeProfitMarket:
                if (r.StopPrice is not { } stop || stop <= 0m)
                    return GatewayResult<NewOrder>.Fail(GatewayErrorKind.Rejected, $"{r.Type} needs a positive stop price");
                return GatewayResult<NewOrder>.Ok(new NewOrder(r.Symbol, r.Side.ToWire(), r.Type.ToWire())
                {
                    Quantity = r.Quantity,
                    StopPrice = stop,
                    ReduceOnly = r.ReduceOnly,
                    ClientOrderId = r.ClientOrderId,
                });
            default:
                return GatewayResult<NewOrder>.Fail(GatewayErrorKind.Rejected, $"the live gateway does not send {r.Type} orders");
        }
    }

    /// <summary>How the executor should treat a Binance failure (see the class remarks).</summary>
    public static GatewayError Map(BinanceError e, bool placement)
    {
        ArgumentNullException.ThrowIfNull(e);
        var kind = e.Kind switch
        {
            BinanceErrorKind.Rejected when placement && e.Code == DuplicateClientOrderId => GatewayErrorKind.UnknownStatus,
            BinanceErrorKind.OrderNotFound => GatewayErrorKind.NotFound,
            BinanceErrorKind.UnknownOrderStatus => placement ? GatewayErrorKind.UnknownStatus : GatewayErrorKind.Unavailable,
            BinanceErrorKind.ServerError or BinanceErrorKind.Timeout or BinanceErrorKind.Transport or BinanceErrorKind.Malformed
                => placement ? GatewayErrorKind.UnknownStatus : GatewayErrorKind.Unavailable,
            BinanceErrorKind.RateLimited or BinanceErrorKind.IpBanned or BinanceErrorKind.WafBlocked
                or BinanceErrorKind.InvalidTimestamp or BinanceErrorKind.ListenKeyNotFound => GatewayErrorKind.Unavailable,
            _ => GatewayErrorKind.Rejected,
        };
        return new GatewayError(kind, e.ToString()) { RetryAt = e.RetryAt };
    }

    /// <summary>Binance's "ClientOrderId is duplicated": an order under this id exists already.</summary>
    public const int DuplicateClientOrderId = -4116;

    /// <summary>A REST answer as a gateway order (the request we sent fills in what Binance reports differently once triggered).</summary>
    private GatewayOrder ToGateway(OrderInfo o)
    {
        Tracked? t;
        lock (_gate) t = _tracked.GetValueOrDefault(o.ClientOrderId);
        var type = t?.Request.Type ?? DomainOrders.ParseType(o.OrigType) ?? DomainOrders.ParseType(o.Type) ?? OrderType.Market;
        var fee = t is not null && t.FilledQuantity == o.ExecutedQty && o.ExecutedQty > 0m ? t.FeesUsd : null;
        return new GatewayOrder(o.ClientOrderId, o.Symbol, DomainOrders.ParseSide(o.Side), type,
            o.OrigQty != 0m ? o.OrigQty : t?.Request.Quantity ?? 0m,
            o.StopPrice != 0m ? o.StopPrice : t?.Request.StopPrice,
            o.ReduceOnly, DomainOrders.ParseStatus(o.Status), o.ExecutedQty, o.AvgPrice, fee, o.UpdateTime);
    }

    private GatewayOrder Remember(OrderInfo o)
    {
        var g = ToGateway(o);
        lock (_gate)
        {
            if (_tracked.TryGetValue(g.ClientOrderId, out var t) && (t.Last is null || t.Last.FilledQuantity <= g.FilledQuantity))
                t.Last = g;
        }

        return g;
    }

    // ---- user-data stream ----

    /// <summary>Waits (at most <see cref="LiveGatewaySettings.FeeWait"/>) until the stream has reported <paramref name="quantity"/> filled.</summary>
    private async Task AwaitStreamFillAsync(string clientOrderId, decimal quantity, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + _settings.FeeWait;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (!_tracked.TryGetValue(clientOrderId, out var t) || t.FilledQuantity >= quantity) return;
                changed = t.Changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return;
            try
            {
                await changed.WaitAsync(left, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }

    private void OnOrderUpdate(OrderTradeUpdate u)
    {
        OrderUpdate update;
        IActorRef listener;
        lock (_gate)
        {
            _tracked.TryGetValue(u.ClientOrderId, out var t);
            decimal? fillFee = null;
            if (u.IsFill && u.LastFilledQty > 0m)
            {
                fillFee = u.CommissionAsset is { } asset && _settings.UsdAssets.Contains(asset) ? u.Commission : null;
                if (t is not null && u.CumulativeFilledQty > t.FilledQuantity)
                {
                    t.FeesUsd = t.FeesUsd is { } cum && fillFee is { } f ? cum + f : null;
                    t.FilledQuantity = u.CumulativeFilledQty;
                    t.Changed.TrySetResult();
                    t.Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            var type = t?.Request.Type ?? DomainOrders.ParseType(u.OrderType) ?? OrderType.Market;
            var order = new GatewayOrder(u.ClientOrderId, u.Symbol, DomainOrders.ParseSide(u.Side), type,
                u.OriginalQty != 0m ? u.OriginalQty : t?.Request.Quantity ?? 0m,
                u.StopPrice != 0m ? u.StopPrice : t?.Request.StopPrice,
                u.ReduceOnly, DomainOrders.ParseStatus(u.Status), u.CumulativeFilledQty, u.AveragePrice,
                t is not null && t.FilledQuantity == u.CumulativeFilledQty && u.CumulativeFilledQty > 0m ? t.FeesUsd : null,
                u.TransactionTime != 0 ? u.TransactionTime : u.EventTime);
            if (t is not null && (t.Last is null || t.Last.FilledQuantity <= order.FilledQuantity)) t.Last = order;
            update = u.IsFill
                ? new OrderUpdate(order, u.LastFilledQty, u.LastFilledPrice, fillFee)
                : new OrderUpdate(order, 0m, 0m, null);
            listener = _listener;
        }

        listener.Tell(update);
    }

    private void OnReconnected(string listenKey)
    {
        ReportConnection(true);
        if (Interlocked.Increment(ref _connections) == 1)
        {
            _connected.TrySetResult();
            return;
        }

        _ = ResyncAsync(_session.Stopping);
    }

    /// <summary>After a reconnection: every non-final order we placed, queried; changes told to the listener.</summary>
    private async Task ResyncAsync(CancellationToken ct)
    {
        (string Symbol, string Id, GatewayOrder? Last)[] pending;
        lock (_gate)
            pending = _tracked.Values.Where(t => t.Last is not { IsFinal: true })
                .Select(t => (t.Request.Symbol, t.Request.ClientOrderId, t.Last)).ToArray();
        foreach (var (symbol, id, last) in pending)
        {
            if (ct.IsCancellationRequested) return;
            var r = await QueryAsync(symbol, id, ct).ConfigureAwait(false);
            if (!r.Success)
            {
                if (r.Error!.Kind != GatewayErrorKind.NotFound) Warning?.Invoke($"resync of {id} after reconnect: {r.Error}");
                continue;
            }

            var now = r.Value!;
            if (last is not null && last.Status == now.Status && last.FilledQuantity == now.FilledQuantity) continue;
            IActorRef listener;
            lock (_gate) listener = _listener;
            listener.Tell(new OrderUpdate(now, 0m, 0m, null));
        }
    }

    private sealed class Tracked(OrderRequest request)
    {
        public OrderRequest Request { get; } = request;
        public decimal FilledQuantity { get; set; }
        public decimal? FeesUsd { get; set; } = 0m;
        public GatewayOrder? Last { get; set; }
        public TaskCompletionSource Changed { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
