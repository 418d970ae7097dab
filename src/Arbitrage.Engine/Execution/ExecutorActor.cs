using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Engine.Execution;

/// <summary>
/// Orders, fills and positions of one account (ARCHITECTURE §2). A thin shell over the pure
/// <see cref="ExecutorLogic"/>: every decision's events (tag <c>order</c>) are persisted first, and only
/// then do its orders reach the <see cref="IExchangeGateway"/>. On every start it recovers, reconciles
/// with the exchange by client order id (<see cref="ClientOrderIds"/>), and only then accepts signals.
/// <para>
/// Calls to the exchange, per order: a placement answered "unknown" (503, timeout, duplicate id) is queried by client id
/// before any retry; a placement the exchange refused unseen (429, 418, 403) is sent again; a cancel is sent only once the
/// order's placement has been answered, and sent again until the exchange says the order is done; a failed query is asked
/// again. Every repeat waits (the exchange's Retry-After, else <see cref="ExecutorSettings.RetryDelay"/> doubling to
/// <see cref="ExecutorSettings.MaxRetry"/>) and, after a timeout, gets more time (<see cref="IPatientGateway"/>). A position
/// without a stop working at the exchange <see cref="ExecutorSettings.ProtectionTimeout"/> after its first stop was sent is
/// closed and alerted (<see cref="ExecutorLogic.CheckProtection"/>).
/// </para>
/// <para>Snapshots (<see cref="ExecutorSnapshot"/>) every <see cref="SnapshotInterval"/> events; older ones are deleted.</para>
/// </summary>
public sealed class ExecutorActor : ReceivePersistentActor, IWithTimers
{
    public const string OrderTag = "order";

    private static readonly string[] Tags = [OrderTag];

    private readonly ExecutorSettings _settings;
    private readonly IExchangeGateway _gateway;
    private readonly IActorRef? _reportTo;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SnapshotInterval _snapshots = SnapshotInterval.From(Context.System.Settings.Config);
    private readonly Dictionary<string, OrderCalls> _calls = new(StringComparer.Ordinal);
    private ExecutorState _state = ExecutorState.Empty;
    private IReadOnlyList<Core.Risk.HeldPosition> _reportedPositions = [];
    private bool _ready;
    private Live.AccountCheck? _account;

    public ExecutorActor(ExecutorSettings settings, IExchangeGateway gateway, IActorRef? reportTo)
    {
        _settings = settings;
        _gateway = gateway;
        _reportTo = reportTo;
        PersistenceId = settings.PersistenceId;
        if (gateway is IHostedGateway hosted) hosted.Host(Context);

        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is not ExecutorSnapshot snapshot) return;
            _state = ExecutorState.FromSnapshot(snapshot);
            _snapshots.Recovered(o.Metadata.SequenceNr);
        });
        Recover<IExecutionEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            SnapshotIfDue();
            StartReconcile();
        });
        Reconciling();
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    private IActorRef ReportTo => _reportTo ?? Context.Parent;

    /// <param name="reportTo">Receiver of trade results and position changes; null = the parent (the risk guard).</param>
    public static Props Props(ExecutorSettings settings, IExchangeGateway gateway, IActorRef? reportTo = null) =>
        Akka.Actor.Props.Create(() => new ExecutorActor(settings, gateway, reportTo));

    private void Reconciling()
    {
        Command<ReconcileCompleted>(OnReconciled);
        Command<RetryReconcile>(_ => StartReconcile());
        Command<GetExecutorStatus>(_ => Sender.Tell(new ExecutorStatus(false, _state)));
        Command<MarketTick>(OnMarketTick);
        Snapshots();
        CommandAny(_ => Stash.Stash());
    }

    private void Ready()
    {
        Command<ExecuteSignal>(OnExecuteSignal);
        Command<OrderUpdate>(u => Run(ExecutorLogic.Observe(_state, u.Order, _settings.Rules, u.LastFillQuantity, u.LastFillPrice, u.LastFillFeeUsd)));
        Command<PlaceCompleted>(OnPlaced);
        Command<QueryCompleted>(OnQueried);
        Command<CancelCompleted>(OnCanceled);
        Command<PositionCompleted>(OnPositionRead);
        Command<PriceApplied>(_ => { }); // its fills came before it, as OrderUpdates
        Command<RetryOrderCall>(OnRetry);
        Command<RetryPositionRead>(m => ReadPosition(m.Request));
        Command<ProtectionDeadline>(OnProtectionDeadline);
        Command<MarketTick>(OnMarketTick);
        Command<FlattenAll>(m => Run(ExecutorLogic.Flatten(_state, null, m.Reason, m.Detail, m.TimeMs)));
        Command<ClosePosition>(m => Run(ExecutorLogic.Flatten(_state, m.Symbol, m.Reason, m.Detail, m.TimeMs)));
        Command<BalanceCompleted>(m =>
        {
            if (m.Result.Success) ReportTo.Tell(new BalanceReport(m.Result.Value, _state.LastEventMs));
            else _log.Warning("Executor: balance query failed: {0}", m.Result.Error);
        });
        Command<GetExecutorStatus>(_ => Sender.Tell(new ExecutorStatus(true, _state)));
        Command<ReconcileCompleted>(_ => { });
        Command<RetryReconcile>(_ => { });
        Snapshots();
    }

    private void Snapshots()
    {
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Executor: snapshot failed; the journal still has every event"));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Executor: older snapshots not deleted; the next save tries again"));
    }

    /// <summary>Saves the state after the last journaled event when <see cref="SnapshotInterval"/> says so.</summary>
    private void SnapshotIfDue()
    {
        if (_snapshots.Due(LastSequenceNr)) SaveSnapshot(_state.ToSnapshot());
    }

    private void OnExecuteSignal(ExecuteSignal m)
    {
        var s = m.Signal;
        if (_account?.Blocking(s.Symbol) is { } problem)
        {
            Run(ExecutorLogic.Refuse(_state, s, problem.Code, $"the account is not as configured, refusing to trade: {problem}"));
            return;
        }

        Run(ExecutorLogic.OnSignal(_state, s, m.RiskUsd, _settings.Rules));
    }

    // ---- reconciliation ----

    private void StartReconcile()
    {
        _gateway.Subscribe(Self);
        var pending = _state.Orders.Values.Where(o => !o.IsFinal).Select(o => (o.Intent.Symbol, o.Intent.ClientOrderId)).ToArray();
        ReconcileAsync(_gateway, pending).PipeTo(Self, failure: e => new ReconcileCompleted(null, e.Message));
    }

    private static async Task<ReconcileCompleted> ReconcileAsync(IExchangeGateway gateway, (string Symbol, string Id)[] pending)
    {
        // Live: position mode, leverage and margin type are set and read back first; a check that could not
        // read the account is retried with the reconciliation, a mismatch blocks signals (never assumed).
        Live.AccountCheck? account = null;
        if (gateway is Live.IAccountPreparingGateway preparing)
        {
            account = await preparing.PrepareAccountAsync().ConfigureAwait(false);
            if (account.Problems.FirstOrDefault(p => p.Code == Live.LiveAccountSetup.Unverified) is { } unread)
                return new ReconcileCompleted(null, $"account check: {unread}");
        }

        var queries = new Dictionary<string, GatewayResult<GatewayOrder>>(StringComparer.Ordinal);
        foreach (var (symbol, id) in pending)
        {
            var r = await gateway.QueryAsync(symbol, id).ConfigureAwait(false);
            if (!r.Success && r.Error!.Kind != GatewayErrorKind.NotFound)
                return new ReconcileCompleted(null, $"query {id}: {r.Error}");
            queries[id] = r;
        }

        var open = await gateway.OpenOrdersAsync().ConfigureAwait(false);
        if (!open.Success) return new ReconcileCompleted(null, $"open orders: {open.Error}");
        var positions = await gateway.PositionsAsync().ConfigureAwait(false);
        if (!positions.Success) return new ReconcileCompleted(null, $"positions: {positions.Error}");
        return new ReconcileCompleted(new ReconcileSnapshot(queries, open.Value!, positions.Value!), null, account);
    }

    private void OnReconciled(ReconcileCompleted m)
    {
        if (m.Snapshot is null)
        {
            _log.Warning("Executor: reconciliation failed ({0}); retrying in {1}", m.Error, _settings.Retry);
            Timers.StartSingleTimer(nameof(RetryReconcile), new RetryReconcile(), _settings.Retry);
            return;
        }

        _account = m.Account;
        if (m.Account is { Ok: false } bad)
        {
            _log.Error("Executor: the account is not as configured; refusing signals on the symbols concerned: {0}", string.Join("; ", bad.Problems));
            ReportTo.Tell(new AccountNotReady(bad.Problems));
        }

        var d = ExecutorLogic.Reconcile(_state, m.Snapshot, _settings.Rules, _state.LastEventMs);
        var differences = d.Events.Count(e => e is ReconciliationDifference);
        foreach (var t in d.State.ActiveTrades)
        {
            if (t.OpenQuantity > 0m && t.Flatten is null) StartProtectionClock(t.Plan.SignalId);
        }

        Run(d);
        _ready = true;
        Become(Ready);
        RequestBalance();
        // Deferred: the parent hears "ready" only after the reconciliation's events are journaled.
        DeferAsync(differences, n =>
        {
            _log.Info("Executor: reconciled with the exchange; {0} open trades, {1} differences", _state.ActiveTrades.Count(), n);
            ReportTo.Tell(new ExecutorReady(_state.ActiveTrades.Count(), n));
            ReportPositions(force: true);
        });
        Stash.UnstashAll();
    }

    // ---- calls to the exchange, per order ----

    /// <summary>What is under way with one order at the exchange (not persisted: reconciliation rebuilds it after a restart).</summary>
    private sealed class OrderCalls(string symbol)
    {
        public readonly string Symbol = symbol;
        public bool Placing;
        public bool Querying;
        public bool Cancelling;
        public bool CancelWanted;
        public int PlaceAttempts;
        public int Failures;
        public TimeSpan? Patience;
        public string? LastError;
    }

    private OrderCalls CallsOf(string symbol, string clientOrderId)
    {
        if (!_calls.TryGetValue(clientOrderId, out var c)) _calls[clientOrderId] = c = new OrderCalls(symbol);
        return c;
    }

    /// <summary>Forgets the calls of an order that is done (or not ours) once none is under way.</summary>
    private void Tidy(string clientOrderId)
    {
        if (_calls.TryGetValue(clientOrderId, out var c) && !c.Placing && !c.Querying && !c.Cancelling
            && (!_state.Orders.TryGetValue(clientOrderId, out var rec) || rec.IsFinal))
            _calls.Remove(clientOrderId);
    }

    private void Place(OrderIntent intent)
    {
        var calls = CallsOf(intent.Symbol, intent.ClientOrderId);
        if (calls.Placing) return;
        calls.Placing = true;
        calls.PlaceAttempts++;
        var request = intent.ToRequest();
        var call = calls.Patience is { } patience && _gateway is IPatientGateway patient
            ? patient.PlaceAsync(request, patience)
            : _gateway.PlaceAsync(request);
        Send(call, r => new PlaceCompleted(intent, r), e => new PlaceCompleted(intent, GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.UnknownStatus, e.Message)));
        if (intent.Leg is OrderLeg.StopLoss or OrderLeg.BreakEven) StartProtectionClock(intent.SignalId);
    }

    private void Query(string symbol, string id)
    {
        var calls = CallsOf(symbol, id);
        if (calls.Querying) return;
        calls.Querying = true;
        Send(_gateway.QueryAsync(symbol, id), r => new QueryCompleted(symbol, id, r),
            e => new QueryCompleted(symbol, id, GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.Unavailable, e.Message)));
    }

    /// <summary>A decision wants the order gone (ours, or an orphan): sent now, or once its placement is answered.</summary>
    private void RequestCancel(string symbol, string id)
    {
        if (_state.Orders.TryGetValue(id, out var rec) && rec.IsFinal) return;
        var calls = CallsOf(symbol, id);
        calls.CancelWanted = true;
        if (!calls.Placing) SendCancel(symbol, id);
    }

    private void SendCancel(string symbol, string id)
    {
        var calls = CallsOf(symbol, id);
        if (calls.Cancelling) return;
        calls.Cancelling = true;
        var call = calls.Patience is { } patience && _gateway is IPatientGateway patient
            ? patient.CancelAsync(symbol, id, patience)
            : _gateway.CancelAsync(symbol, id);
        Send(call, r => new CancelCompleted(symbol, id, r),
            e => new CancelCompleted(symbol, id, GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.Unavailable, e.Message)));
    }

    private void OnPlaced(PlaceCompleted m)
    {
        var id = m.Intent.ClientOrderId;
        var calls = CallsOf(m.Intent.Symbol, id);
        calls.Placing = false;
        if (m.Result.Success)
        {
            calls.Failures = 0;
            var d = ExecutorLogic.Observe(_state, m.Result.Value!, _settings.Rules);
            Run(d);
            CancelIfStillWanted(id, d.State);
            return;
        }

        var error = m.Result.Error!;
        switch (error.Kind)
        {
            case GatewayErrorKind.Rejected:
            case GatewayErrorKind.NotFound:
                Run(ExecutorLogic.EndOrder(_state, id, GatewayOrderStatus.Rejected, $"rejected by the exchange: {error.Message}"));
                break;
            default:
                // The order may exist: ask by client id; only a "not found" answer allows sending it again. A placement
                // refused before the exchange looked at it (rate limit, ban, firewall, clock) is not an attempt: a storm of
                // them never exhausts the attempts of an order that is still wanted.
                if (error.Kind == GatewayErrorKind.Unavailable) calls.PlaceAttempts--;
                else MorePatience(calls);
                calls.LastError = $"place {error}";
                _log.Warning("Executor: placement of {0} ended {1}; querying by client id", id, error);
                Query(m.Intent.Symbol, id);
                break;
        }
    }

    private void OnQueried(QueryCompleted m)
    {
        var id = m.ClientOrderId;
        var calls = CallsOf(m.Symbol, id);
        calls.Querying = false;
        if (m.Result.Success)
        {
            calls.Failures = 0;
            var d = ExecutorLogic.Observe(_state, m.Result.Value!, _settings.Rules);
            Run(d);
            CancelIfStillWanted(id, d.State);
            Tidy(id);
            return;
        }

        if (!_state.Orders.TryGetValue(id, out var rec) || rec.IsFinal)
        {
            Tidy(id);
            return;
        }

        if (m.Result.Error!.Kind != GatewayErrorKind.NotFound)
        {
            Retry(id, OrderCall.Query, m.Result.Error);
            return;
        }

        if (calls.Placing) return; // the placement under way decides
        if (calls.CancelWanted)
        {
            Run(ExecutorLogic.EndOrder(_state, id, GatewayOrderStatus.Canceled,
                rec.Accepted ? "no longer known to the exchange" : "never reached the exchange; no longer wanted"));
            return;
        }

        if (!rec.Accepted && calls.PlaceAttempts < _settings.MaxPlaceAttempts)
        {
            Place(rec.Intent);
            return;
        }

        Run(ExecutorLogic.EndOrder(_state, id, rec.Accepted ? GatewayOrderStatus.Canceled : GatewayOrderStatus.Rejected,
            rec.Accepted ? "no longer known to the exchange" : $"not at the exchange after {calls.PlaceAttempts} placement attempts"));
    }

    private void OnCanceled(CancelCompleted m)
    {
        var id = m.ClientOrderId;
        var calls = CallsOf(m.Symbol, id);
        calls.Cancelling = false;
        if (m.Result.Success)
        {
            calls.Failures = 0;
            Run(ExecutorLogic.Observe(_state, m.Result.Value!, _settings.Rules));
            Tidy(id);
            return;
        }

        if (m.Result.Error!.Kind == GatewayErrorKind.NotFound)
        {
            Query(m.Symbol, id); // filled meanwhile, already gone, or never arrived: the query tells
            return;
        }

        if (_state.Orders.TryGetValue(id, out var rec) && rec.IsFinal)
        {
            Tidy(id);
            return;
        }

        MorePatience(calls);
        Retry(id, OrderCall.Cancel, m.Result.Error);
    }

    private void OnRetry(RetryOrderCall m)
    {
        var known = _state.Orders.TryGetValue(m.ClientOrderId, out var rec);
        if (known && rec!.IsFinal || !_calls.TryGetValue(m.ClientOrderId, out var calls))
        {
            Tidy(m.ClientOrderId);
            return;
        }

        switch (m.Call)
        {
            case OrderCall.Place when known && !rec!.Accepted:
                Place(rec.Intent);
                break;
            case OrderCall.Query:
                Query(calls.Symbol, m.ClientOrderId);
                break;
            case OrderCall.Cancel when !calls.Placing:
                SendCancel(calls.Symbol, m.ClientOrderId);
                break;
        }
    }

    /// <summary>The placement or query answered and the order is working: a cancel asked for meanwhile goes out now.</summary>
    private void CancelIfStillWanted(string id, ExecutorState after)
    {
        if (_calls.TryGetValue(id, out var calls) && calls.CancelWanted && !calls.Placing && after.Orders.TryGetValue(id, out var rec) && !rec.IsFinal)
            SendCancel(rec.Intent.Symbol, id);
    }

    /// <summary>Calls the exchange again for the order after a backoff (<see cref="Backoff"/>).</summary>
    private void Retry(string id, OrderCall call, GatewayError error)
    {
        var calls = _calls[id];
        calls.Failures++;
        calls.LastError = $"{call.ToString().ToLowerInvariant()} {error}";
        var delay = Backoff(calls.Failures, error.RetryAt);
        _log.Warning("Executor: {0} of {1} failed ({2}); again in {3:0.###} s", call.ToString().ToLowerInvariant(), id, error, delay.TotalSeconds);
        Timers.StartSingleTimer(TimerKey(id, call), new RetryOrderCall(id, call), delay);
    }

    /// <summary>
    /// The exchange's Retry-After when it gave one (a rate limit says exactly when calls are welcome again), else the retry
    /// delay doubling per failure up to <see cref="ExecutorSettings.MaxRetry"/>; plus up to a fifth of the retry delay at
    /// random, so orders refused together do not all come back at the same instant.
    /// </summary>
    private TimeSpan Backoff(int failures, DateTimeOffset? retryAt)
    {
        var wait = retryAt is { } at
            ? at - DateTimeOffset.UtcNow
            : TimeSpan.FromTicks(Math.Min(_settings.MaxRetry.Ticks, _settings.Retry.Ticks * (1L << Math.Clamp(failures - 1, 0, 20))));
        if (wait < _settings.Retry) wait = _settings.Retry;
        return wait + TimeSpan.FromTicks((long)(_settings.Retry.Ticks * 0.2 * Random.Shared.NextDouble()));
    }

    private void MorePatience(OrderCalls calls) =>
        calls.Patience = calls.Patience is { } p
            ? TimeSpan.FromTicks(Math.Min(_settings.MaxPatience.Ticks, p.Ticks * 2))
            : TimeSpan.FromTicks(Math.Min(_settings.MaxPatience.Ticks, _settings.FirstPatience.Ticks * 2));

    private static string TimerKey(string id, OrderCall call) => $"{call}-{id}";

    // ---- protection ----

    private void StartProtectionClock(string signalId)
    {
        var key = "protect-" + signalId;
        if (!Timers.IsTimerActive(key)) Timers.StartSingleTimer(key, new ProtectionDeadline(signalId), _settings.ProtectionTimeout);
    }

    private void OnProtectionDeadline(ProtectionDeadline m)
    {
        if (!_state.Trades.TryGetValue(m.SignalId, out var t)) return;
        var why = t.OrderIds.Select(id => _state.Orders[id])
            .Where(o => o.Intent.Leg is OrderLeg.StopLoss or OrderLeg.BreakEven && !o.IsFinal)
            .Select(o => _calls.TryGetValue(o.Intent.ClientOrderId, out var c) && c.LastError is { } e
                ? $"{o.Intent.ClientOrderId}: {e}"
                : $"{o.Intent.ClientOrderId}: not acknowledged within {_settings.ProtectionTimeout.TotalSeconds:0.###} s")
            .DefaultIfEmpty("no stop order open")
            .ToArray();
        Run(ExecutorLogic.CheckProtection(_state, m.SignalId, string.Join("; ", why), _state.LastEventMs));
    }

    // ---- positions, prices, balance ----

    private void ReadPosition(ExecutionEffect.ReadPosition request) =>
        Send(_gateway.PositionsAsync(), r => new PositionCompleted(request, r),
            e => new PositionCompleted(request, GatewayResult<IReadOnlyList<GatewayPosition>>.Fail(GatewayErrorKind.Unavailable, e.Message)));

    private void OnPositionRead(PositionCompleted m)
    {
        var r = m.Request;
        if (!m.Result.Success)
        {
            var delay = Backoff(1, m.Result.Error!.RetryAt);
            _log.Warning("Executor: position read for {0} failed ({1}); again in {2:0.###} s", r.Symbol, m.Result.Error, delay.TotalSeconds);
            Timers.StartSingleTimer("position-" + r.SignalId, new RetryPositionRead(r), delay);
            return;
        }

        var held = 0m;
        foreach (var p in m.Result.Value!)
        {
            if (p.Symbol == r.Symbol) held += p.Quantity;
        }

        Run(ExecutorLogic.OnExchangePosition(_state, r.SignalId, held, r.Reason, r.Detail, _state.LastEventMs));
    }

    private void OnMarketTick(MarketTick m)
    {
        // Fills the paper venue produces arrive as OrderUpdates before its answer.
        if (_gateway is IPriceDrivenGateway paper)
        {
            paper.OnPriceAsync(m.Symbol, m.Price, m.TimeMs).PipeTo(Self, success: () => new PriceApplied(), failure: _ => new PriceApplied());
        }
    }

    private void RequestBalance() =>
        Send(_gateway.BalanceAsync(), r => new BalanceCompleted(r),
            e => new BalanceCompleted(GatewayResult<decimal>.Fail(GatewayErrorKind.Unavailable, e.Message)));

    /// <summary>Starts a call whose answer comes back to this actor.</summary>
    private void Send<T>(Task<T> call, Func<T, object> success, Func<Exception, object> failure) =>
        call.PipeTo(Self, success: success, failure: failure);

    // ---- running decisions ----

    private void Run(ExecutionDecision d)
    {
        if (d.Events.Count == 0)
        {
            Execute(d.Effects);
            return;
        }

        var effects = d.Effects;
        var remaining = d.Events.Count;
        PersistAll(d.Events.Select(e => new Tagged(e, Tags)), tagged =>
        {
            var e = (IExecutionEvent)tagged.Payload;
            _state = _state.Apply(e);
            SnapshotIfDue();
            if (e is OrderEnded ended) Tidy(ended.ClientOrderId);
            else if (e is OrderFilled filled) Tidy(filled.ClientOrderId);
            switch (e)
            {
                case ExecutionAlert a:
                    _log.Error("Executor alert {0} on {1}: {2}", a.Kind.Code(), a.Symbol, a.Detail);
                    ReportTo.Tell(e);
                    break;
                case TradeClosed or TradeAborted or SignalRejected or ReconciliationDifference or PositionWrittenOff:
                    ReportTo.Tell(e);
                    break;
                case OrderFilled f when _state.Orders.TryGetValue(f.ClientOrderId, out var order):
                    var intent = order.Intent;
                    ReportTo.Tell(new OrderFillReported(
                        f.ClientOrderId, intent.SignalId, intent.Symbol, _state.Trades.TryGetValue(intent.SignalId, out var trade) ? trade.Plan.StrategyId : null,
                        intent.Leg, intent.Side, f.Quantity, f.Price, f.FeeUsd, order.FilledQuantity, intent.Quantity, f.TimeMs));
                    break;
            }

            if (e is TradeClosed) RequestBalance();
            if (--remaining == 0)
            {
                Execute(effects);
                if (_ready) ReportPositions(force: false);
            }
        });
    }

    private void Execute(List<ExecutionEffect> effects)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case ExecutionEffect.Place p:
                    Place(p.Intent);
                    break;
                case ExecutionEffect.Cancel c:
                    RequestCancel(c.Symbol, c.ClientOrderId);
                    break;
                case ExecutionEffect.ReadPosition r:
                    ReadPosition(r);
                    break;
            }
        }
    }

    private void ReportPositions(bool force)
    {
        var now = _state.HeldPositions();
        if (!force && now.SequenceEqual(_reportedPositions)) return;
        _reportedPositions = now;
        ReportTo.Tell(new OpenPositionsChanged(now));
    }
}
