using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Core.Books;
using static Arbitrage.Binance.Streams.FeedEvent;

namespace Arbitrage.Binance.Streams;

/// <summary>
/// Keeps a <see cref="LocalOrderBook"/> from a depth-diff socket and REST snapshots, the way Binance
/// prescribes: on every (re)connect and on every sequence gap it buffers the diffs, fetches a
/// snapshot, applies it and replays the buffer (futures: <c>U ≤ lastUpdateId ≤ u</c>, then
/// <c>pu</c> = previous <c>u</c>; spot: <c>U ≤ lastUpdateId+1 ≤ u</c>, then <c>U</c> = previous
/// <c>u</c>+1). A snapshot older than the buffered diffs is fetched again. Emits the top of the book
/// after every applied diff, plus resync/synced/status events.
/// </summary>
/// <remarks>Live diffs are parsed into a reused <see cref="DepthLevelBuffer"/> and applied in place; only buffered diffs are copied.</remarks>
public sealed class OrderBookSync : GraphStage<FlowShape<WsEvent, FeedEvent>>
{
    private readonly OrderBookFeedSettings _settings;
    private readonly IDepthSnapshotSource _snapshots;
    private readonly FrameErrorCounter _errors;
    private readonly string _connection;

    public OrderBookSync(OrderBookFeedSettings settings, IDepthSnapshotSource snapshots, FrameErrorCounter errors, string connection = "public")
    {
        _settings = settings;
        _snapshots = snapshots;
        _errors = errors;
        _connection = connection;
        Shape = new FlowShape<WsEvent, FeedEvent>(In, Out);
    }

    public Inlet<WsEvent> In { get; } = new("OrderBookSync.in");

    public Outlet<FeedEvent> Out { get; } = new("OrderBookSync.out");

    public override FlowShape<WsEvent, FeedEvent> Shape { get; }

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private readonly record struct SnapshotAnswer(int Generation, BinanceResult<DepthSnapshot> Result, Exception? Exception);

    private sealed class Logic : TimerGraphStageLogic, IInHandler, IOutHandler
    {
        private const string SnapshotTimer = "snapshot";

        private readonly OrderBookSync _stage;
        private readonly OrderBookFeedSettings _settings;
        private readonly string _symbol;
        private readonly BookSynchronizer _sync;
        private readonly DepthLevelBuffer _levels = new();
        private readonly SymbolTable _symbols = SymbolTable.Shared;
        private readonly Queue<FeedEvent> _ready = new();
        private readonly CancellationTokenSource _cts = new();
        private Action<SnapshotAnswer> _onSnapshot = _ => { };
        private bool _everConnected;
        private bool _upstreamDone;

        public Logic(OrderBookSync stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _settings = stage._settings;
            _symbol = _settings.Symbol.ToUpperInvariant();
            _sync = new BookSynchronizer(_symbol, _settings.Rule, _settings.MaxBufferedDiffs);
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        private DateTimeOffset Now => _settings.Time.GetUtcNow();

        public override void PreStart() => _onSnapshot = GetAsyncCallback<SnapshotAnswer>(OnSnapshot);

        public override void PostStop() => _cts.Cancel();

        public void OnPush()
        {
            switch (Grab(_stage.In))
            {
                case WsConnected c:
                    _ready.Enqueue(new FeedStatusEvent(_symbol, FeedStatus.Connected, _stage._connection, null, $"connected to {c.Url} (attempt {c.Attempt})", c.Time));
                    BeginSync(_everConnected ? BookResyncReason.Reconnect : BookResyncReason.Initial, "new connection");
                    _everConnected = true;
                    break;
                case WsDisconnected d:
                    _ready.Enqueue(new FeedStatusEvent(_symbol, FeedStatus.Disconnected, _stage._connection, d.Kind, d.Reason, d.Time));
                    _sync.Disconnect(); // a snapshot still in flight belongs to the dead connection
                    CancelTimer(SnapshotTimer);
                    break;
                case WsFrame f:
                    using (f)
                    {
                        OnFrame(f.Span);
                    }

                    break;
            }

            Emit();
            PullIfRoom();
        }

        public void OnUpstreamFinish()
        {
            _upstreamDone = true;
            if (_ready.Count == 0)
            {
                CompleteStage();
            }
        }

        public void OnUpstreamFailure(Exception e) => FailStage(e);

        public void OnPull()
        {
            Emit();
            if (_upstreamDone && _ready.Count == 0)
            {
                CompleteStage();
                return;
            }

            PullIfRoom();
        }

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        protected override void OnTimer(object timerKey) => RequestSnapshot();

        private void OnFrame(ReadOnlySpan<byte> frame)
        {
            var kind = MarketFrame.Classify(frame);
            if (kind != FrameKind.DepthUpdate)
            {
                if (kind == FrameKind.Unknown)
                {
                    _stage._errors.Record(ParseError.Malformed("e"), frame);
                }

                return;
            }

            if (!DepthUpdateFrame.TryParse(frame, _symbols, _levels, out var d, out var error))
            {
                _stage._errors.Record(error, frame);
                return;
            }

            if (!string.Equals(d.Symbol, _symbol, StringComparison.Ordinal))
            {
                return;
            }

            switch (_sync.OnDiff(d, _levels.Bids, _levels.Asks, out var gapDetail))
            {
                case DiffOutcome.Applied:
                    _ready.Enqueue(Top(d.EventTimeMs));
                    break;
                case DiffOutcome.Gap:
                    Resynced(BookResyncReason.Gap, gapDetail!, TimeSpan.Zero);
                    break;
                case DiffOutcome.Overflowed:
                    Resynced(BookResyncReason.StaleSnapshot, $"more than {_settings.MaxBufferedDiffs} diffs buffered while waiting for a snapshot", TimeSpan.Zero);
                    break;
            }
        }

        private void BeginSync(BookResyncReason reason, string detail)
        {
            _sync.Begin();
            Resynced(reason, detail, TimeSpan.Zero);
        }

        /// <summary>The synchronizer waits for a snapshot: say so, and fetch one now or after <paramref name="delay"/>.</summary>
        private void Resynced(BookResyncReason reason, string detail, TimeSpan delay)
        {
            _ready.Enqueue(new BookResyncEvent(_symbol, reason, detail, _sync.GapResyncs, Now));
            if (reason is BookResyncReason.Gap or BookResyncReason.StaleSnapshot)
            {
                Log.Info("{0} book resync ({1}): {2}", _symbol, reason, detail);
            }

            CancelTimer(SnapshotTimer);
            if (delay > TimeSpan.Zero)
            {
                ScheduleOnce(SnapshotTimer, delay);
            }
            else
            {
                RequestSnapshot();
            }
        }

        private void RequestSnapshot()
        {
            if (_sync.Mode != BookSyncMode.Syncing)
            {
                return;
            }

            _sync.CountSnapshotRequest();
            _ = FetchAsync(_sync.Generation);
        }

        private async Task FetchAsync(int generation)
        {
            try
            {
                var r = await _stage._snapshots.GetAsync(_symbol, _settings.SnapshotLimit, _cts.Token).ConfigureAwait(false);
                _onSnapshot(new SnapshotAnswer(generation, r, null));
            }
            catch (Exception e)
            {
                _onSnapshot(new SnapshotAnswer(generation, default, e));
            }
        }

        private void OnSnapshot(SnapshotAnswer answer)
        {
            if (!_sync.Wants(answer.Generation))
            {
                return; // superseded by a disconnect or a newer resync
            }

            if (answer.Exception is not null || !answer.Result.Success)
            {
                var why = answer.Exception?.Message ?? answer.Result.Error?.ToString() ?? "unknown error";
                Log.Warning("{0} depth snapshot failed (attempt {1}): {2}", _symbol, _sync.SnapshotAttempts, why);
                ScheduleOnce(SnapshotTimer, RetryDelay());
                return;
            }

            var s = answer.Result.Data!;
            if (_sync.OnSnapshot(s, out var eventTime, out var stale) == SnapshotOutcome.Stale)
            {
                Resynced(BookResyncReason.StaleSnapshot, stale!, RetryDelay());
            }
            else
            {
                _ready.Enqueue(new BookSyncedEvent(_symbol, s.LastUpdateId, _sync.Book.LastUpdateId, _sync.SnapshotsApplied, Now));
                _ready.Enqueue(Top(eventTime));
            }

            Emit();
            PullIfRoom();
        }

        private TimeSpan RetryDelay() => _sync.RetryDelay(_settings.SnapshotRetryDelay, _settings.MaxSnapshotRetryDelay);

        private BookUpdateEvent Top(long eventTimeMs)
        {
            var (bids, asks) = _sync.Top(_settings.TopLevels);
            return new BookUpdateEvent(_symbol, _sync.Book.LastUpdateId, eventTimeMs, bids, asks);
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

            // While syncing keep reading so diffs are buffered rather than left in the socket.
            if (_sync.Mode == BookSyncMode.Syncing || _ready.Count == 0)
            {
                Pull(_stage.In);
            }
        }
    }
}
