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
/// place relative to the live trades; status events pass through at once.
/// </summary>
/// <remarks>
/// If REST keeps failing (or has nothing between the last id and the live stream) past
/// <see cref="SymbolFeedSettings.MaxCatchUpAttempts"/>, the hole is reported as a
/// <see cref="TradeGapEvent"/> and the live stream is accepted after it.
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

    private sealed class Logic : TimerGraphStageLogic, IInHandler, IOutHandler
    {
        private const string RetryTimer = "catch-up-retry";

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
        private int _attempts;
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

        public override void PreStart() => _onPage = GetAsyncCallback<Page>(OnPage);

        public override void PostStop() => _cts.Cancel();

        public void OnPush()
        {
            var e = Grab(_stage.In);
            if (e is FeedStatusEvent status)
            {
                _ready.Enqueue(status);
                if (status.Status == FeedStatus.Connected && _haveLast)
                {
                    // Frames in flight at the disconnect are lost: fetch whatever came after the last id.
                    BeginCatchUp();
                }
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
                        GiveUp($"more than {_settings.MaxHeldEvents} live events held during catch-up");
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

            _attempts = 0;
            RequestPage();
        }

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
                var why = page.Exception?.Message ?? page.Result.Error?.ToString() ?? "unknown error";
                Retry($"REST aggTrades fromId={page.FromId} failed: {why}");
                return;
            }

            var trades = page.Result.Data!;
            var metLive = false;
            foreach (var trade in trades)
            {
                if (trade.AggId <= _last)
                {
                    continue;
                }

                if (trade.AggId >= _target)
                {
                    metLive = true;
                    break;
                }

                _last = trade.AggId;
                _haveLast = true;
                _ready.Enqueue(new TradeEvent(_symbol, trade));
            }

            if (metLive || (_target != long.MaxValue && _last >= _target - 1))
            {
                EndCatchUp();
            }
            else if (trades.Count >= _settings.CatchUpPageSize)
            {
                _attempts = 0;
                RequestPage(); // a full page: there is more
            }
            else if (_target == long.MaxValue)
            {
                EndCatchUp(); // REST is exhausted and no live trade is held: the live stream continues from here
            }
            else
            {
                // REST has not caught up with the live trade we hold yet (or the ids do not exist): ask again.
                Retry($"REST aggTrades has no trades between {_last + 1} and {_target - 1}");
            }

            Emit();
            PullIfRoom();
            CompleteIfDone();
        }

        private void Retry(string reason)
        {
            _attempts++;
            if (_attempts >= _settings.MaxCatchUpAttempts)
            {
                GiveUp(reason);
                Emit();
                PullIfRoom();
                CompleteIfDone();
                return;
            }

            var delay = TimeSpan.FromTicks(Math.Min(
                _settings.MaxCatchUpRetryDelay.Ticks,
                _settings.CatchUpRetryDelay.Ticks * (1L << Math.Min(_attempts - 1, 20))));
            Log.Warning("{0}: {1}; retry {2} in {3}", _symbol, reason, _attempts, delay);
            ScheduleOnce(RetryTimer, delay);
        }

        private void GiveUp(string reason)
        {
            Log.Error("{0}: trade catch-up abandoned after {1} attempts: {2}", _symbol, _attempts, reason);
            _catchingUp = false;
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

            _target = long.MaxValue;
            Release();
        }

        private void EndCatchUp()
        {
            _catchingUp = false;
            _target = long.MaxValue;
            CancelTimer(RetryTimer);
            Release();
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
