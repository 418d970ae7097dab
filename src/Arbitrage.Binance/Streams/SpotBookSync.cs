using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Core.Books;

namespace Arbitrage.Binance.Streams;

/// <summary>
/// The books of one spot connection's pairs (<see cref="SpotConnectionPlan"/>), each a <see cref="BookSynchronizer"/>
/// under the spot rule: after the connection opens, a pair's diffs are buffered and its snapshot requested once the
/// first diff is in (or after <see cref="SpotBookFeedSettings.QuietSyncAfter"/>); the snapshot is applied, the buffer
/// replayed, and the pair reported <see cref="SpotBookEventKind.Synced"/>. A broken diff sequence reports it
/// <see cref="SpotBookEventKind.Unsynced"/> (<see cref="SpotUnsyncedReason.Gap"/>) and resyncs that pair alone; a dropped
/// connection reports every synced pair on it Unsynced (<see cref="SpotUnsyncedReason.Disconnected"/>) and the reconnect
/// resyncs them all. bookTicker frames pass through as <see cref="SpotTickerEvent"/>s.
/// </summary>
/// <remarks>Diffs are parsed into one reused <see cref="DepthLevelBuffer"/> and applied in place; only buffered diffs are copied.</remarks>
internal sealed class SpotBookSync : GraphStage<FlowShape<WsEvent, SpotFeedEvent>>
{
    private static readonly object QuietTimer = new();

    private readonly SpotConnectionPlan _plan;
    private readonly SpotBookFeedSettings _settings;
    private readonly IDepthSnapshotSource _snapshots;
    private readonly FrameErrorCounter _errors;

    public SpotBookSync(SpotConnectionPlan plan, SpotBookFeedSettings settings, IDepthSnapshotSource snapshots, FrameErrorCounter errors)
    {
        _plan = plan;
        _settings = settings;
        _snapshots = snapshots;
        _errors = errors;
        Shape = new FlowShape<WsEvent, SpotFeedEvent>(In, Out);
    }

    public Inlet<WsEvent> In { get; } = new("SpotBookSync.in");

    public Outlet<SpotFeedEvent> Out { get; } = new("SpotBookSync.out");

    public override FlowShape<WsEvent, SpotFeedEvent> Shape { get; }

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private readonly record struct SnapshotAnswer(Pair Pair, int Generation, BinanceResult<DepthSnapshot> Result, Exception? Exception);

    /// <summary>One pair's synchronizer, which generation its snapshot has been asked for, and that request.</summary>
    private sealed class Pair(string symbol, SpotBookFeedSettings settings)
    {
        public readonly BookSynchronizer Sync = new(symbol, DepthSequenceRule.Spot, settings.MaxBufferedDiffs);
        public int RequestedGeneration = -1;
        private CancellationTokenSource? _fetch;

        public string Symbol => Sync.Symbol;

        /// <summary>The cancellation of a new request (its fetch disposes it); the previous request, if still waiting, is cancelled.</summary>
        public CancellationTokenSource NewFetch(CancellationToken stage)
        {
            CancelFetch();
            _fetch = CancellationTokenSource.CreateLinkedTokenSource(stage);
            return _fetch;
        }

        /// <summary>A request of an older generation would only spend request weight on an answer nobody reads.</summary>
        public void CancelFetch()
        {
            try
            {
                _fetch?.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // that fetch has finished
            }

            _fetch = null;
        }
    }

    private sealed class Logic : TimerGraphStageLogic, IInHandler, IOutHandler
    {
        private readonly SpotBookSync _stage;
        private readonly SpotBookFeedSettings _settings;
        private readonly Dictionary<string, Pair> _pairs = new(StringComparer.Ordinal);
        private readonly DepthLevelBuffer _levels = new();
        private readonly SymbolTable _symbols = SymbolTable.Shared;
        private readonly Queue<SpotFeedEvent> _ready = new();
        private readonly CancellationTokenSource _cts = new();
        private Action<SnapshotAnswer> _onSnapshot = _ => { };
        private long _eventTimeMs; // the latest exchange time seen on this connection
        private DateTimeOffset _receivedAt;
        private bool _upstreamDone;

        public Logic(SpotBookSync stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _settings = stage._settings;
            foreach (var s in stage._plan.Symbols)
            {
                // Interned like the parser's symbols, so events carry one string per pair.
                var symbol = _symbols.GetOrAdd(s);
                _pairs[symbol] = new Pair(symbol, _settings);
            }

            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        private int Connection => _stage._plan.Index;

        public override void PreStart() => _onSnapshot = GetAsyncCallback<SnapshotAnswer>(OnSnapshot);

        public override void PostStop()
        {
            _cts.Cancel();
            foreach (var p in _pairs.Values)
            {
                p.CancelFetch();
            }
        }

        public void OnPush()
        {
            switch (Grab(_stage.In))
            {
                case WsConnected c:
                    _receivedAt = c.Time;
                    _ready.Enqueue(new SpotConnectionEvent(Connection, true, _stage._plan.Symbols, $"connected to {c.Url} (attempt {c.Attempt})", c.Time));
                    foreach (var p in _pairs.Values)
                    {
                        p.Sync.Begin();
                    }

                    if (_settings.QuietSyncAfter > TimeSpan.Zero)
                    {
                        ScheduleOnce(QuietTimer, _settings.QuietSyncAfter);
                    }
                    else
                    {
                        RequestQuietPairs();
                    }

                    break;
                case WsDisconnected d:
                    _receivedAt = d.Time;
                    _ready.Enqueue(new SpotConnectionEvent(Connection, false, _stage._plan.Symbols, $"{d.Kind}: {d.Reason}", d.Time));
                    CancelTimer(QuietTimer);
                    foreach (var p in _pairs.Values)
                    {
                        if (p.Sync.Mode == BookSyncMode.Live)
                        {
                            _ready.Enqueue(Unsynced(p, SpotUnsyncedReason.Disconnected, $"connection {Connection} dropped ({d.Kind}: {d.Reason})"));
                        }

                        p.Sync.Disconnect(); // a snapshot still in flight belongs to the dead connection
                        p.CancelFetch();
                        CancelTimer(p);
                    }

                    break;
                case WsFrame f:
                    using (f)
                    {
                        _receivedAt = f.Time;
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

        protected override void OnTimer(object timerKey)
        {
            if (timerKey == QuietTimer)
            {
                RequestQuietPairs();
            }
            else if (timerKey is Pair p && p.Sync.Mode == BookSyncMode.Syncing)
            {
                Fetch(p); // a retry of this generation's request
            }

            Emit();
            PullIfRoom();
        }

        private void OnFrame(ReadOnlySpan<byte> frame)
        {
            switch (MarketFrame.Classify(frame))
            {
                case FrameKind.DepthUpdate:
                    OnDiff(frame);
                    break;
                case FrameKind.BookTicker:
                    if (!BookTickerFrame.TryParse(frame, _symbols, out var t, out var tickerError))
                    {
                        _stage._errors.Record(tickerError, frame);
                    }
                    else if (_pairs.ContainsKey(t.Symbol))
                    {
                        _ready.Enqueue(new SpotTickerEvent(t.Symbol, t.UpdateId, t.BidPrice, t.BidQuantity, t.AskPrice, t.AskQuantity, t.EventTimeMs, _receivedAt));
                    }

                    break;
                case FrameKind.Unknown:
                    _stage._errors.Record(ParseError.Malformed("e"), frame);
                    break;
            }
        }

        private void OnDiff(ReadOnlySpan<byte> frame)
        {
            if (!DepthUpdateFrame.TryParse(frame, _symbols, _levels, out var d, out var error))
            {
                _stage._errors.Record(error, frame);
                return;
            }

            if (!_pairs.TryGetValue(d.Symbol, out var p))
            {
                return;
            }

            _eventTimeMs = Math.Max(_eventTimeMs, d.EventTimeMs);
            switch (p.Sync.OnDiff(d, _levels.Bids, _levels.Asks, out var gapDetail))
            {
                case DiffOutcome.Applied:
                    var (bids, asks) = p.Sync.Top(_settings.TopLevels);
                    _ready.Enqueue(new SpotBookEvent(SpotBookEventKind.Update, p.Symbol, d.EventTimeMs, p.Sync.Book.LastUpdateId, bids, asks, _receivedAt)
                    {
                        Snapshots = p.Sync.SnapshotsApplied,
                    });
                    break;
                case DiffOutcome.Buffered:
                    Request(p); // the first diff since the (re)connect or gap is in: the snapshot cannot predate the stream now
                    break;
                case DiffOutcome.Overflowed:
                    Log.Warning("{0} book: more than {1} diffs buffered while waiting for a snapshot; starting over", p.Symbol, _settings.MaxBufferedDiffs);
                    Request(p);
                    break;
                case DiffOutcome.Gap:
                    Log.Info("{0} book resync (gap): {1}", p.Symbol, gapDetail);
                    _ready.Enqueue(Unsynced(p, SpotUnsyncedReason.Gap, gapDetail!));
                    Request(p);
                    break;
            }
        }

        /// <summary>Asks for this generation's snapshot unless it has been asked for already.</summary>
        private void Request(Pair p)
        {
            if (p.Sync.Mode != BookSyncMode.Syncing || p.RequestedGeneration == p.Sync.Generation)
            {
                return;
            }

            p.RequestedGeneration = p.Sync.Generation;
            p.Sync.CountSnapshotRequest();
            CancelTimer(p);
            Fetch(p);
        }

        private void RequestQuietPairs()
        {
            foreach (var p in _pairs.Values)
            {
                Request(p);
            }
        }

        private void Fetch(Pair p) => _ = FetchAsync(p, p.Sync.Generation, p.NewFetch(_cts.Token));

        private async Task FetchAsync(Pair p, int generation, CancellationTokenSource cancel)
        {
            try
            {
                var r = await _stage._snapshots.GetAsync(p.Symbol, _settings.SnapshotLimit, cancel.Token).ConfigureAwait(false);
                _onSnapshot(new SnapshotAnswer(p, generation, r, null));
            }
            catch (Exception e)
            {
                _onSnapshot(new SnapshotAnswer(p, generation, default, e));
            }
            finally
            {
                cancel.Dispose();
            }
        }

        private void OnSnapshot(SnapshotAnswer answer)
        {
            var p = answer.Pair;
            if (!p.Sync.Wants(answer.Generation))
            {
                return; // superseded by a disconnect or a newer resync
            }

            if (answer.Exception is not null || !answer.Result.Success)
            {
                var why = answer.Exception?.Message ?? answer.Result.Error?.ToString() ?? "unknown error";
                var delay = RetryDelay(p);
                if (answer.Result.Error?.RetryAt is { } at && at - _settings.Time.GetUtcNow() > delay)
                {
                    delay = at - _settings.Time.GetUtcNow(); // a 429: nothing goes out before Binance's Retry-After
                }

                Log.Warning("{0} depth snapshot failed (attempt {1}), retrying in {2} ms: {3}", p.Symbol, p.Sync.SnapshotAttempts, (long)delay.TotalMilliseconds, why);
                p.Sync.CountSnapshotRequest();
                ScheduleOnce(p, delay);
                return;
            }

            var s = answer.Result.Data!;
            if (p.Sync.OnSnapshot(s, out var eventTime, out var stale) == SnapshotOutcome.Stale)
            {
                Log.Info("{0} book resync (stale snapshot): {1}", p.Symbol, stale);
                p.RequestedGeneration = p.Sync.Generation;
                p.Sync.CountSnapshotRequest();
                ScheduleOnce(p, RetryDelay(p));
            }
            else
            {
                var (bids, asks) = p.Sync.Top(_settings.TopLevels);
                var at = _settings.Time.GetUtcNow();
                _ready.Enqueue(new SpotBookEvent(SpotBookEventKind.Synced, p.Symbol, eventTime != 0 ? eventTime : _eventTimeMs, p.Sync.Book.LastUpdateId, bids, asks, at)
                {
                    Snapshots = p.Sync.SnapshotsApplied,
                });
            }

            Emit();
            PullIfRoom();
        }

        private SpotBookEvent Unsynced(Pair p, SpotUnsyncedReason reason, string detail) =>
            new(SpotBookEventKind.Unsynced, p.Symbol, _eventTimeMs, 0, [], [], _receivedAt)
            {
                Reason = reason,
                Detail = detail,
                Snapshots = p.Sync.SnapshotsApplied,
            };

        private TimeSpan RetryDelay(Pair p) => p.Sync.RetryDelay(_settings.SnapshotRetryDelay, _settings.MaxSnapshotRetryDelay);

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

            // Keep reading while the consumer keeps up (or nearly): diffs belong in the books, not in the socket.
            if (_ready.Count < _settings.MaxQueuedEvents)
            {
                Pull(_stage.In);
            }
        }
    }
}
