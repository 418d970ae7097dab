using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using Arbitrage.Binance.Rest;
using Arbitrage.Core.MarketData;
using static Arbitrage.Binance.Streams.FeedEvent;

namespace Arbitrage.Binance.Streams;

/// <summary>
/// Makes a symbol's trade stream gap-free across reconnects: downstream sees every agg id exactly
/// once, ascending. It remembers the last delivered id; after a (re)connect, or when a live trade
/// skips ids, it holds the live events (in arrival order) and pages the missing ids from
/// <see cref="IAggTradeHistory"/> (<c>fromId = last + 1</c>) until REST meets the first held trade,
/// then releases the held events, dropping trades already delivered. Non-trade events keep their
/// place relative to the live trades; status events pass through at once. Each catch-up is announced
/// (<see cref="TradeCatchUpEvent"/>: started, waiting and why, completed) so the consumer can hold its
/// clock until the gap is closed.
/// </summary>
/// <remarks>
/// A catch-up never gives up on a fault that passes: a rate limit (429/418) waits for the exchange's
/// <c>Retry-After</c>, a server error, timeout or lost connection backs off up to
/// <see cref="SymbolFeedSettings.MaxCatchUpRetryDelay"/>, and both are retried until the gap is closed.
/// Only when the exchange says it does not serve the ids — a page that starts after the requested id,
/// <see cref="SymbolFeedSettings.MaxCatchUpAttempts"/> rejections or empty answers in a row while a later live
/// trade is held — is the hole reported as a <see cref="TradeGapEvent"/> (for the consumer to log, count and
/// show) and the stream continues after it.
/// </remarks>
public sealed class AggTradeContinuity : GraphStage<FlowShape<FeedEvent, FeedEvent>>
{
    private readonly SymbolFeedSettings _settings;
    private readonly IAggTradeHistory _history;

    public AggTradeContinuity(SymbolFeedSettings settings, IAggTradeHistory history)
    {
        _settings = settings;
        _history = history;
        Shape = new FlowShape<FeedEvent, FeedEvent>(In, Out);
    }

    public Inlet<FeedEvent> In { get; } = new("AggTradeContinuity.in");

    public Outlet<FeedEvent> Out { get; } = new("AggTradeContinuity.out");

    public override FlowShape<FeedEvent, FeedEvent> Shape { get; }

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private readonly record struct Page(long FromId, BinanceResult<IReadOnlyList<Trade>> Result, Exception? Exception);

    /// <summary>How a failed page is retried.</summary>
    private enum Failure
    {
        /// <summary>429/418: wait until the exchange's Retry-After, as often as it takes.</summary>
        RateLimited,
        /// <summary>5xx, timeout, connection, unreadable answer: back off and retry, as often as it takes.</summary>
        Transient,
        /// <summary>The exchange refuses the request or has nothing there: counted towards an unfillable gap.</summary>
        NotServed,
    }

    private sealed class Logic : TimerGraphStageLogic, IInHandler, IOutHandler
    {
        private const string RetryTimer = "catch-up-retry";
        private const int WarnEvery = 10;

        private readonly AggTradeContinuity _stage;
        private readonly SymbolFeedSettings _settings;
        private readonly string _symbol;
        private readonly Queue<FeedEvent> _ready = new();
        private readonly Queue<FeedEvent> _held = new();
        private readonly CancellationTokenSource _cts = new();
        private Action<Page> _onPage = _ => { };
        private bool _haveLast;
        private long _last;
        private bool _catchingUp;
        private long _target = long.MaxValue; // id of the first held live trade, when there is one
        private bool _requestInFlight;
        private int _notServed;  // answers in a row saying the ids are not served
        private int _failures;   // failed pages in a row of any kind (back-off exponent, log throttling)
        private long _caughtUp;  // trades delivered from REST in this catch-up
        private long _startedAt; // timestamp of this catch-up's start
        private string? _acceptGapReason;
        private bool _upstreamDone;

        public Logic(AggTradeContinuity stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _settings = stage._settings;
            _symbol = stage._settings.Symbol.ToUpperInvariant();
            if (_settings.FromAggId is { } from)
            {
                _haveLast = true;
                _last = from - 1;
            }

            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        private DateTimeOffset Now => _settings.Time.GetUtcNow();

        public override void PreStart() => _onPage = GetAsyncCallback<Page>(OnPage);

        public override void PostStop() => _cts.Cancel();

        public void OnPush()
        {
            var e = Grab(_stage.In);
            if (e is FeedStatusEvent status)
            {
                if (status.Status == FeedStatus.Connected && _haveLast)
                {
                    // Frames in flight at the disconnect are lost: fetch whatever came after the last id.
                    // Announced before the status, so the consumer never sees "connected" with a gap open.
                    BeginCatchUp();
                }

                _ready.Enqueue(status);
            }
            else
            {
                _held.Enqueue(e);
                if (_catchingUp)
                {
                    if (_target == long.MaxValue && e is TradeEvent t && t.Trade.AggId > _last)
                    {
                        _target = t.Trade.AggId;
                    }

                    if (_held.Count > _settings.MaxHeldEvents)
                    {
                        DropHeld();
                    }
                }
                else
                {
                    Release();
                }
            }

            Emit();
            PullIfRoom();
        }

        public void OnUpstreamFinish()
        {
            _upstreamDone = true;
            CompleteIfDone();
        }

        public void OnUpstreamFailure(Exception e) => FailStage(e);

        public void OnPull()
        {
            Emit();
            PullIfRoom();
            CompleteIfDone();
        }

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        protected override void OnTimer(object timerKey) => RequestPage();

        /// <summary>Moves held events to the ready queue until a trade that skips ids starts a catch-up.</summary>
        private void Release()
        {
            while (!_catchingUp && _held.TryPeek(out var e))
            {
                if (e is TradeEvent t)
                {
                    var id = t.Trade.AggId;
                    if (_haveLast && id > _last + 1)
                    {
                        if (_acceptGapReason is { } reason)
                        {
                            _ready.Enqueue(new TradeGapEvent(_symbol, _last + 1, id - 1, reason));
                            _acceptGapReason = null;
                        }
                        else
                        {
                            BeginCatchUp();
                            _target = id;
                            return;
                        }
                    }

                    _held.Dequeue();
                    if (_haveLast && id <= _last)
                    {
                        continue; // already delivered (REST page or an earlier connection)
                    }

                    _haveLast = true;
                    _last = id;
                    _ready.Enqueue(t);
                }
                else
                {
                    _ready.Enqueue(_held.Dequeue());
                }
            }
        }

        private void BeginCatchUp()
        {
            if (_catchingUp)
            {
                return;
            }

            _catchingUp = true;
            _target = long.MaxValue;
            foreach (var e in _held)
            {
                if (e is TradeEvent t && t.Trade.AggId > _last)
                {
                    _target = t.Trade.AggId;
                    break;
                }
            }

            _notServed = 0;
            _failures = 0;
            _caughtUp = 0;
            _startedAt = _settings.Time.GetTimestamp();
            _ready.Enqueue(new TradeCatchUpEvent(_symbol, CatchUpPhase.Started, _last + 1, Live(), "fetching the missing trades from REST", Now));
            RequestPage();
        }

        private long? Live() => _target == long.MaxValue ? null : _target;

        private void RequestPage()
        {
            if (_requestInFlight || !_catchingUp)
            {
                return;
            }

            _requestInFlight = true;
            _ = FetchAsync(_last + 1);
        }

        private async Task FetchAsync(long fromId)
        {
            try
            {
                var r = await _stage._history.GetFromAsync(_symbol, fromId, _settings.CatchUpPageSize, _cts.Token).ConfigureAwait(false);
                _onPage(new Page(fromId, r, null));
            }
            catch (Exception e)
            {
                _onPage(new Page(fromId, default, e));
            }
        }

        private void OnPage(Page page)
        {
            _requestInFlight = false;
            if (!_catchingUp)
            {
                return;
            }

            if (page.Exception is not null || !page.Result.Success)
            {
                var error = page.Result.Error;
                var kind = error?.Kind switch
                {
                    null => Failure.Transient, // an exception: the history source failed, not the exchange's answer
                    BinanceErrorKind.RateLimited or BinanceErrorKind.IpBanned => Failure.RateLimited,
                    BinanceErrorKind.ServerError or BinanceErrorKind.Timeout or BinanceErrorKind.Transport
                        or BinanceErrorKind.Malformed or BinanceErrorKind.WafBlocked or BinanceErrorKind.UnknownOrderStatus => Failure.Transient,
                    _ => Failure.NotServed,
                };
                var why = page.Exception?.Message ?? error?.ToString() ?? "unknown error";
                Retry(kind, $"REST aggTrades fromId={page.FromId} failed: {why}", error?.RetryAt);
                Flush();
                return;
            }

            var trades = page.Result.Data!;
            var metLive = false;
            var progressed = false;
            foreach (var trade in trades)
            {
                if (trade.AggId <= _last)
                {
                    continue;
                }

                if (trade.AggId > _last + 1)
                {
                    // The exchange has nothing between: those ids will never come (delisted history, a data hole).
                    var lastMissing = Math.Min(trade.AggId, _target) - 1;
                    _ready.Enqueue(new TradeGapEvent(_symbol, _last + 1, lastMissing,
                        $"the exchange serves no trades with these ids (aggTrades fromId={_last + 1} answered from id {trade.AggId})"));
                    _last = lastMissing;
                    progressed = true;
                }

                if (trade.AggId >= _target)
                {
                    metLive = true;
                    break;
                }

                _last = trade.AggId;
                _haveLast = true;
                _caughtUp++;
                progressed = true;
                _ready.Enqueue(new TradeEvent(_symbol, trade));
            }

            if (progressed)
            {
                _notServed = 0;
                _failures = 0;
            }

            if (metLive || (_target != long.MaxValue && _last >= _target - 1))
            {
                EndCatchUp();
            }
            else if (trades.Count >= _settings.CatchUpPageSize)
            {
                RequestPage(); // a full page: there is more
            }
            else if (_target == long.MaxValue)
            {
                EndCatchUp(); // REST is exhausted and no live trade is held: the live stream continues from here
            }
            else
            {
                // REST has not caught up with the live trade we hold yet (or the ids do not exist): ask again.
                Retry(Failure.NotServed, $"REST aggTrades has no trades between {_last + 1} and {_target - 1} yet", null);
            }

            Flush();
        }

        private void Retry(Failure kind, string reason, DateTimeOffset? retryAt)
        {
            _failures++;
            if (kind == Failure.NotServed && ++_notServed >= _settings.MaxCatchUpAttempts)
            {
                Unfillable($"{reason} ({_notServed} answers in a row)");
                return;
            }

            var backoff = TimeSpan.FromTicks(Math.Min(
                _settings.MaxCatchUpRetryDelay.Ticks,
                _settings.CatchUpRetryDelay.Ticks * (1L << Math.Min(_failures - 1, 20))));
            var delay = kind == Failure.RateLimited
                ? (retryAt is { } at ? at - Now : _settings.MaxCatchUpRetryDelay)
                : backoff;
            if (delay < _settings.CatchUpRetryDelay)
            {
                delay = _settings.CatchUpRetryDelay;
            }

            var waiting = kind == Failure.RateLimited && retryAt is { } until
                ? $"{reason}; waiting for the exchange's Retry-After until {until:HH:mm:ss.fff}Z"
                : $"{reason}; retry {_failures} in {delay.TotalSeconds:0.###} s";
            if (_failures == 1 || _failures % WarnEvery == 0)
            {
                Log.Warning("{0}: trade catch-up from agg id {1} waiting ({2} s so far): {3}",
                    _symbol, _last + 1, (long)_settings.Time.GetElapsedTime(_startedAt).TotalSeconds, waiting);
            }

            _ready.Enqueue(new TradeCatchUpEvent(_symbol, CatchUpPhase.Waiting, _last + 1, Live(), waiting, Now));
            ScheduleOnce(RetryTimer, delay);
        }

        /// <summary>The exchange will not serve the missing ids: report the hole and continue after it.</summary>
        private void Unfillable(string reason)
        {
            CancelTimer(RetryTimer);
            if (_target != long.MaxValue)
            {
                _ready.Enqueue(new TradeGapEvent(_symbol, _last + 1, _target - 1, reason));
                _last = _target - 1;
            }
            else
            {
                _acceptGapReason = reason; // the range is known once the next live trade arrives
            }

            EndCatchUp();
        }

        /// <summary>
        /// Too many live events held while REST is slow: drop them (REST serves their trades later) so memory stays
        /// bounded; the next live trade becomes the catch-up's target.
        /// </summary>
        private void DropHeld()
        {
            var trades = 0;
            foreach (var e in _held)
            {
                if (e is TradeEvent)
                {
                    trades++;
                }
            }

            Log.Warning("{0}: {1} live events held during the trade catch-up ({2} trades): dropped; their trades come from REST, the other events are lost",
                _symbol, _held.Count, trades);
            _held.Clear();
            _target = long.MaxValue;
        }

        private void EndCatchUp()
        {
            var elapsed = _settings.Time.GetElapsedTime(_startedAt);
            if (_failures > 0 || elapsed > TimeSpan.FromSeconds(5))
            {
                Log.Info("{0}: trade catch-up done: {1} trades from REST, now at agg id {2} after {3} s",
                    _symbol, _caughtUp, _last, (long)elapsed.TotalSeconds);
            }

            _catchingUp = false;
            _target = long.MaxValue;
            CancelTimer(RetryTimer);
            _ready.Enqueue(new TradeCatchUpEvent(_symbol, CatchUpPhase.Completed, _last + 1, null, $"{_caughtUp} trades from REST", Now));
            Release();
        }

        private void Flush()
        {
            Emit();
            PullIfRoom();
            CompleteIfDone();
        }

        private void Emit()
        {
            if (_ready.Count > 0 && IsAvailable(_stage.Out))
            {
                Push(_stage.Out, _ready.Dequeue());
            }
        }

        private void PullIfRoom()
        {
            if (_upstreamDone || HasBeenPulled(_stage.In) || IsClosed(_stage.In))
            {
                return;
            }

            // While catching up keep reading (and holding) so the socket does not back up; otherwise
            // pull only when downstream has taken everything, so its back-pressure reaches the socket.
            if (_catchingUp ? _held.Count <= _settings.MaxHeldEvents : _ready.Count == 0)
            {
                Pull(_stage.In);
            }
        }

        private void CompleteIfDone()
        {
            if (_upstreamDone && !_catchingUp && _held.Count == 0 && _ready.Count == 0)
            {
                CompleteStage();
            }
        }
    }
}
