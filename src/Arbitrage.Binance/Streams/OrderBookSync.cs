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

    private sealed record BufferedDiff(long First, long Final, long Prev, long EventTimeMs, PriceLevel[] Bids, PriceLevel[] Asks);

    private readonly record struct SnapshotAnswer(int Generation, BinanceResult<DepthSnapshot> Result, Exception? Exception);

    private enum Mode
    {
        Disconnected,
        Syncing,
        Live,
    }

    private sealed class Logic : TimerGraphStageLogic, IInHandler, IOutHandler
    {
        private const string SnapshotTimer = "snapshot";

        private readonly OrderBookSync _stage;
        private readonly OrderBookFeedSettings _settings;
        private readonly string _symbol;
        private readonly LocalOrderBook _book;
        private readonly DepthLevelBuffer _levels = new();
        private readonly SymbolTable _symbols = SymbolTable.Shared;
        private readonly Queue<FeedEvent> _ready = new();
        private readonly List<BufferedDiff> _pending = [];
        private readonly CancellationTokenSource _cts = new();
        private Action<SnapshotAnswer> _onSnapshot = _ => { };
        private Mode _mode = Mode.Disconnected;
        private int _generation;
        private int _snapshotAttempts;
        private int _snapshotsApplied;
        private int _gapResyncs;
        private bool _everConnected;
        private DepthSnapshot? _snapshot; // kept until the first diff after it has been applied
        private bool _bridged;
        private bool _upstreamDone;

        public Logic(OrderBookSync stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _settings = stage._settings;
            _symbol = _settings.Symbol.ToUpperInvariant();
            _book = new LocalOrderBook(_settings.Rule);
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
                    _mode = Mode.Disconnected;
                    _generation++; // a snapshot still in flight belongs to the dead connection
                    _pending.Clear();
                    _book.Reset();
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

            switch (_mode)
            {
                case Mode.Syncing:
                    Buffer(d);
                    break;
                case Mode.Live:
                    var r = Apply(d.FirstUpdateId, d.FinalUpdateId, d.PrevFinalUpdateId, _levels.Bids, _levels.Asks);
                    if (r == BookApplyResult.Applied)
                    {
                        _ready.Enqueue(Top(d.EventTimeMs));
                    }
                    else if (r == BookApplyResult.Gap)
                    {
                        var detail = _settings.Rule == DepthSequenceRule.Futures
                            ? $"diff U={d.FirstUpdateId} u={d.FinalUpdateId} pu={d.PrevFinalUpdateId} after u={_book.LastUpdateId}"
                            : $"diff U={d.FirstUpdateId} u={d.FinalUpdateId} after u={_book.LastUpdateId}";
                        _gapResyncs++;
                        BeginSync(BookResyncReason.Gap, detail);
                        Buffer(d); // the diff after the gap is still news; the snapshot decides whether it applies
                    }

                    break;
            }
        }

        private void Buffer(in DepthUpdateEvent d)
        {
            if (_pending.Count >= _settings.MaxBufferedDiffs)
            {
                // A snapshot that slow is useless anyway: start over with a fresh one.
                _pending.Clear();
                Resync(BookResyncReason.StaleSnapshot, $"more than {_settings.MaxBufferedDiffs} diffs buffered while waiting for a snapshot", TimeSpan.Zero);
            }

            _pending.Add(new BufferedDiff(d.FirstUpdateId, d.FinalUpdateId, d.PrevFinalUpdateId, d.EventTimeMs, _levels.Bids.ToArray(), _levels.Asks.ToArray()));
        }

        private void BeginSync(BookResyncReason reason, string detail)
        {
            _pending.Clear();
            _book.Reset();
            _snapshotAttempts = 0;
            Resync(reason, detail, TimeSpan.Zero);
        }

        private void Resync(BookResyncReason reason, string detail, TimeSpan delay)
        {
            _mode = Mode.Syncing;
            _generation++;
            _ready.Enqueue(new BookResyncEvent(_symbol, reason, detail, _gapResyncs, Now));
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
            if (_mode != Mode.Syncing)
            {
                return;
            }

            _snapshotAttempts++;
            _ = FetchAsync(_generation);
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
            if (answer.Generation != _generation || _mode != Mode.Syncing)
            {
                return; // superseded by a disconnect or a newer resync
            }

            if (answer.Exception is not null || !answer.Result.Success)
            {
                var why = answer.Exception?.Message ?? answer.Result.Error?.ToString() ?? "unknown error";
                Log.Warning("{0} depth snapshot failed (attempt {1}): {2}", _symbol, _snapshotAttempts, why);
                ScheduleOnce(SnapshotTimer, RetryDelay());
                return;
            }

            var s = answer.Result.Data!;
            _snapshot = s;
            _bridged = false;
            _book.ApplySnapshot(s.LastUpdateId, ToLevels(s.Bids), ToLevels(s.Asks));
            _snapshotsApplied++;
            long eventTime = s.EventTime;
            foreach (var d in _pending)
            {
                var r = Apply(d.First, d.Final, d.Prev, d.Bids, d.Asks);
                if (r == BookApplyResult.Gap)
                {
                    // The snapshot is older than the first buffered diff (or the buffer itself broke): a newer one fixes both.
                    Resync(BookResyncReason.StaleSnapshot, $"snapshot lastUpdateId={s.LastUpdateId} does not bridge to buffered diff U={d.First} u={d.Final}", RetryDelay());
                    Emit();
                    PullIfRoom();
                    return;
                }

                if (r == BookApplyResult.Applied)
                {
                    eventTime = d.EventTimeMs;
                }
            }

            _pending.Clear();
            _mode = Mode.Live;
            _ready.Enqueue(new BookSyncedEvent(_symbol, s.LastUpdateId, _book.LastUpdateId, _snapshotsApplied, Now));
            _ready.Enqueue(Top(eventTime));
            Emit();
            PullIfRoom();
        }

        /// <summary>
        /// <see cref="LocalOrderBook.ApplyDiff"/>, plus one case its futures rule rejects: a snapshot taken
        /// exactly at a diff boundary (lastUpdateId = u of a diff we never see) followed by the next diff,
        /// <c>pu</c> = lastUpdateId but <c>U</c> &gt; lastUpdateId. That diff continues the snapshot, so it
        /// is bridged by re-basing the (untouched) snapshot on <c>U</c>, instead of resyncing for nothing.
        /// </summary>
        private BookApplyResult Apply(long first, long final, long prev, ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks)
        {
            var r = _book.ApplyDiff(first, final, prev, bids, asks);
            if (r == BookApplyResult.Gap && !_bridged && _snapshot is { } s && _settings.Rule == DepthSequenceRule.Futures
                && prev == s.LastUpdateId && first > s.LastUpdateId)
            {
                _book.ApplySnapshot(first, ToLevels(s.Bids), ToLevels(s.Asks));
                r = _book.ApplyDiff(first, final, prev, bids, asks);
            }

            if (r == BookApplyResult.Applied && !_bridged)
            {
                _bridged = true;
                _snapshot = null;
            }

            return r;
        }

        private TimeSpan RetryDelay() => TimeSpan.FromTicks(Math.Min(
            _settings.MaxSnapshotRetryDelay.Ticks,
            _settings.SnapshotRetryDelay.Ticks * (1L << Math.Clamp(_snapshotAttempts - 1, 0, 20))));

        private BookUpdateEvent Top(long eventTimeMs)
        {
            var bids = new PriceLevel[Math.Min(_settings.TopLevels, _book.BidCount)];
            var asks = new PriceLevel[Math.Min(_settings.TopLevels, _book.AskCount)];
            _book.CopyBids(bids);
            _book.CopyAsks(asks);
            return new BookUpdateEvent(_symbol, _book.LastUpdateId, eventTimeMs, bids, asks);
        }

        private static ReadOnlySpan<PriceLevel> ToLevels(IReadOnlyList<PriceLevel> levels)
        {
            if (levels is PriceLevel[] array)
            {
                return array;
            }

            var result = new PriceLevel[levels.Count];
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = levels[i];
            }

            return result;
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
            if (_mode == Mode.Syncing || _ready.Count == 0)
            {
                Pull(_stage.In);
            }
        }
    }
}
