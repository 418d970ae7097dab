using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace Arbitrage.Engine.Execution;

/// <summary>
/// Orders, fills and positions of one account (ARCHITECTURE §2). A thin shell over the pure
/// <see cref="ExecutorLogic"/>: every decision's events (tag <c>order</c>) are persisted first, and only
/// then do its orders reach the <see cref="IExchangeGateway"/>. On every start it recovers, reconciles
/// with the exchange by client order id (<see cref="ClientOrderIds"/>), and only then accepts signals.
/// A placement answered "unknown" (503, timeout) is queried by client id before any retry.
/// </summary>
public sealed class ExecutorActor : ReceivePersistentActor, IWithTimers
{
    public const string OrderTag = "order";

    private static readonly string[] Tags = [OrderTag];

    private readonly ExecutorSettings _settings;
    private readonly IExchangeGateway _gateway;
    private readonly IActorRef? _reportTo;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, int> _placeAttempts = new(StringComparer.Ordinal);
    private ExecutorState _state = ExecutorState.Empty;
    private IReadOnlyList<Core.Risk.HeldPosition> _reportedPositions = [];
    private bool _ready;
    private Live.AccountCheck? _account;
    private long _handled;

    public ExecutorActor(ExecutorSettings settings, IExchangeGateway gateway, IActorRef? reportTo)
    {
        _settings = settings;
        _gateway = gateway;
        _reportTo = reportTo;
        PersistenceId = settings.PersistenceId;

        Recover<IExecutionEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => StartReconcile());
        Reconciling();
    }

    public override string PersistenceId { get; }

    /// <summary>Counts every message but idle probes (journal answers included) for <see cref="AwaitExecutorIdle"/>.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (message is not AwaitExecutorIdle) _handled++;
        return base.AroundReceive(receive, message);
    }

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
        CommandAny(_ => Stash.Stash());
    }

    private void Ready()
    {
        Command<ExecuteSignal>(OnExecuteSignal);
        Command<OrderUpdate>(u => Run(ExecutorLogic.Observe(_state, u.Order, _settings, u.LastFillQuantity, u.LastFillPrice, u.LastFillFeeUsd)));
        Command<PlaceCompleted>(OnPlaced);
        Command<QueryCompleted>(OnQueried);
        Command<CancelCompleted>(OnCanceled);
        Command<RetryQuery>(m => Query(m.Symbol, m.ClientOrderId));
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
        Command<AwaitExecutorIdle>(OnAwaitIdle);
    }

    private void OnExecuteSignal(ExecuteSignal m)
    {
        var s = m.Signal;
        if (_account?.Blocking(s.Symbol) is { } problem && !_state.SeenSignals.Contains(s.SignalId))
        {
            var d = new ExecutionDecision(_state);
            d.Emit(new SignalRejected(s.SignalId, s.Symbol, problem.Code,
                $"the account is not as configured, refusing to trade: {problem}", Math.Max(_state.LastEventMs, s.TimeMs)));
            Run(d);
            return;
        }

        Run(ExecutorLogic.OnSignal(_state, s, m.RiskUsd, _settings));
    }

    private void OnAwaitIdle(AwaitExecutorIdle m)
    {
        // Nothing handled since this probe was queued: nothing was ahead of it and nothing new was caused.
        // Otherwise queue it again behind whatever that handling sent to this actor.
        if (m.Seen == _handled) Sender.Tell(new ExecutorIdle(m.Token));
        else Self.Forward(m with { Seen = _handled });
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

        var d = ExecutorLogic.Reconcile(_state, m.Snapshot, _settings, _state.LastEventMs);
        var differences = d.Events.Count(e => e is ReconciliationDifference);
        Run(d);
        _ready = true;
        Become(Ready);
        RequestBalance();
        // Deferred: the parent hears "ready" only after the reconciliation's events are journaled.
        DeferAsync(differences, n =>
        {
            ReportTo.Tell(new ExecutorReady(_state.ActiveTrades.Count(), n));
            ReportPositions(force: true);
        });
        Stash.UnstashAll();
    }

    // ---- gateway answers ----

    private void OnPlaced(PlaceCompleted m)
    {
        var id = m.Intent.ClientOrderId;
        if (m.Result.Success)
        {
            Run(ExecutorLogic.Observe(_state, m.Result.Value!, _settings));
            return;
        }

        switch (m.Result.Error!.Kind)
        {
            case GatewayErrorKind.Rejected:
            case GatewayErrorKind.NotFound:
                Run(ExecutorLogic.EndOrder(_state, id, GatewayOrderStatus.Rejected, $"rejected by the exchange: {m.Result.Error.Message}"));
                break;
            default:
                // The order may exist: ask by client id; only a "not found" answer allows sending it again.
                _log.Warning("Executor: placement of {0} ended {1}; querying by client id", id, m.Result.Error);
                Query(m.Intent.Symbol, id);
                break;
        }
    }

    private void OnQueried(QueryCompleted m)
    {
        if (m.Result.Success)
        {
            Run(ExecutorLogic.Observe(_state, m.Result.Value!, _settings));
            return;
        }

        if (!_state.Orders.TryGetValue(m.ClientOrderId, out var rec) || rec.IsFinal) return;
        if (m.Result.Error!.Kind == GatewayErrorKind.NotFound)
        {
            var attempts = _placeAttempts.GetValueOrDefault(m.ClientOrderId);
            if (!rec.Accepted && attempts < _settings.MaxPlaceAttempts)
            {
                Place(rec.Intent);
                return;
            }

            Run(ExecutorLogic.EndOrder(_state, m.ClientOrderId, rec.Accepted ? GatewayOrderStatus.Canceled : GatewayOrderStatus.Rejected,
                rec.Accepted ? "no longer known to the exchange" : $"not at the exchange after {attempts} placement attempts"));
            return;
        }

        Timers.StartSingleTimer("query-" + m.ClientOrderId, new RetryQuery(m.Symbol, m.ClientOrderId), _settings.Retry);
    }

    private void OnCanceled(CancelCompleted m)
    {
        if (m.Result.Success) Run(ExecutorLogic.Observe(_state, m.Result.Value!, _settings));
        else Query(m.Symbol, m.ClientOrderId); // filled meanwhile, already gone, or no answer: the query tells
    }

    private void OnMarketTick(MarketTick m)
    {
        // Fills the paper gateway produces arrive as OrderUpdates right after, in order.
        if (_gateway is IPriceDrivenGateway paper) paper.OnPrice(m.Symbol, m.Price, m.TimeMs);
    }

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
            switch (e)
            {
                case TradeClosed or TradeAborted or SignalRejected or ReconciliationDifference:
                    ReportTo.Tell(e);
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
                    var (symbol, id) = (c.Symbol, c.ClientOrderId);
                    _gateway.CancelAsync(symbol, id).PipeTo(Self,
                        success: r => new CancelCompleted(symbol, id, r),
                        failure: e => new CancelCompleted(symbol, id, GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.Unavailable, e.Message)));
                    break;
            }
        }
    }

    private void Place(OrderIntent intent)
    {
        _placeAttempts[intent.ClientOrderId] = _placeAttempts.GetValueOrDefault(intent.ClientOrderId) + 1;
        _gateway.PlaceAsync(intent.ToRequest()).PipeTo(Self,
            success: r => new PlaceCompleted(intent, r),
            failure: e => new PlaceCompleted(intent, GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.UnknownStatus, e.Message)));
    }

    private void Query(string symbol, string id) =>
        _gateway.QueryAsync(symbol, id).PipeTo(Self,
            success: r => new QueryCompleted(symbol, id, r),
            failure: e => new QueryCompleted(symbol, id, GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.Unavailable, e.Message)));

    private void RequestBalance() =>
        _gateway.BalanceAsync().PipeTo(Self,
            success: r => new BalanceCompleted(r),
            failure: e => new BalanceCompleted(GatewayResult<decimal>.Fail(GatewayErrorKind.Unavailable, e.Message)));

    private void ReportPositions(bool force)
    {
        var now = _state.HeldPositions();
        if (!force && now.SequenceEqual(_reportedPositions)) return;
        _reportedPositions = now;
        ReportTo.Tell(new OpenPositionsChanged(now));
    }
}
