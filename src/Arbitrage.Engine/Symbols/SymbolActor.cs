using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using Akka.Streams;
using Akka.Streams.Dsl;
using Arbitrage.Core.Indicators;
using Arbitrage.Core.MarketData;
using Arbitrage.Engine.Recording;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Symbols;

/// <summary>How a SymbolActor persists and is fed.</summary>
/// <param name="SnapshotEveryMs">Save an Akka snapshot whenever this much event time passed since the last one; 0 = only on request.</param>
/// <param name="Feed">The stream it owns (live); null when trades are pushed to it (replay, tests).</param>
/// <param name="HeartbeatInterval">Wall-clock interval of the event-time heartbeat for a silent live feed.</param>
/// <param name="RecorderPath">Actor path of the local <c>agg_trades</c> recorder (live); null = no recording.</param>
public sealed record SymbolSettings(long SnapshotEveryMs = 300_000, ISymbolFeedFactory? Feed = null, TimeSpan? HeartbeatInterval = null, string? RecorderPath = null);

/// <summary>
/// One symbol's indicator state (ARCHITECTURE §2, §4): ingests trades exactly once in agg-id order,
/// evaluates every 15 s event-time tick and publishes the ticks of each ingest (a trade batch, a feed element, a clock
/// advance) as one message: an <see cref="IndicatorSnapshot"/> for one tick, an <see cref="IndicatorSnapshotBatch"/> for
/// several (a replay's batch of trades, a live catch-up), so the pub-sub hop is paid per ingest, not per tick.
/// Persistent through snapshots only: the indicator state is the state, trades are not journaled
/// (they live in the agg_trades table), so recovery is one read however long the window. With a recorder,
/// a snapshot is saved only once the recorder has stored every trade up to its agg-id cursor, so after a
/// crash the feed resumes from an id whose predecessors are all in agg_trades.
/// While the feed is down or catching up on missing ids the heartbeat holds event time: no tick is
/// evaluated past a gap before the gap is filled.
/// </summary>
public sealed class SymbolActor : ReceivePersistentActor, ITickSink, IWithTimers
{
    private sealed record FeedInit : INoSerializationVerificationNeeded;

    private sealed record FeedAck : INoSerializationVerificationNeeded;

    private sealed record FeedCompleted : INoSerializationVerificationNeeded;

    private sealed record FeedFailed(Exception Cause) : INoSerializationVerificationNeeded;

    private sealed record Heartbeat : INoSerializationVerificationNeeded;

    private readonly string _symbol;
    private readonly SymbolSettings _settings;
    private readonly IActorRef _mediator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IndicatorValues> _ticks = new(8);
    private SymbolIndicators _indicators = new();
    private long _lastAggId = long.MinValue;
    private long _trades;
    private long _lastSnapshotEventMs = long.MinValue;
    private long _lastEventMs = long.MinValue;
    private DateTime _lastEventWallUtc = DateTime.MinValue;
    private string _feedStatus = "pushed";
    private bool _feedUp;
    private bool _outageReported;
    private string? _catchingUp; // what the trade catch-up waits for, while ids are missing
    private long _tradeGaps;
    private long _missingTrades;
    private string? _lastTradeGap;
    private UniqueKillSwitch? _feedKillSwitch;
    private long _snapshotStarted;
    private SymbolActorState? _snapshotAwaitingRecorder;
    private readonly List<IActorRef> _snapshotRequesters = [];

    public SymbolActor(string symbol, SymbolSettings settings, IActorRef mediator)
    {
        _symbol = symbol;
        _settings = settings;
        _mediator = mediator;
        PersistenceId = "symbol-" + symbol;

        Recover<SnapshotOffer>(offer =>
        {
            var state = (SymbolActorState)offer.Snapshot;
            _indicators = SymbolIndicators.Restore(state.Indicators);
            _lastAggId = state.LastAggId;
            _trades = state.Trades;
            _lastSnapshotEventMs = _indicators.Last?.TimeMs ?? long.MinValue;
        });
        Recover<RecoveryCompleted>(_ => StartFeed());

        Command<TradeBatch>(batch =>
        {
            var ticks = Ingest(batch.Trades.AsSpan(0, batch.Count));
            Sender.Tell(new TradeBatchAck(_symbol, batch.Sequence, ticks, _lastAggId));
        });
        Command<AdvanceClock>(a => Advance(a.NowMs));
        Command<EndOfFeed>(e =>
        {
            var ended = new IndicatorStreamEnded(_symbol, _trades);
            _mediator.Tell(new Publish(EngineTopics.Indicators, ended));
            _mediator.Tell(new Publish(EngineTopics.IndicatorsOf(_symbol), ended));
            Sender.Tell(e);
        });
        Command<TakeSnapshot>(_ =>
        {
            _snapshotRequesters.Add(Sender);
            SaveState();
        });
        Command<TradesRecorded>(r =>
        {
            if (_snapshotAwaitingRecorder is { } state && r.AggId >= state.LastAggId)
            {
                _snapshotAwaitingRecorder = null;
                Save(state);
            }
        });
        Command<GetSymbolIndicators>(_ => Sender.Tell(new SymbolIndicatorsReply(
            _symbol, _indicators.Last, _trades, _lastAggId, FeedStatus, _tradeGaps, _missingTrades, _lastTradeGap)));
        Command<SaveSnapshotSuccess>(_ =>
        {
            if (_snapshotStarted != 0)
            {
                Telemetry.EngineMetrics.JournalWriteMs.Record(
                    System.Diagnostics.Stopwatch.GetElapsedTime(_snapshotStarted).TotalMilliseconds, new KeyValuePair<string, object?>("writer", "symbol-snapshot"));
                _snapshotStarted = 0;
            }
        });
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of {0} failed; will retry at the next interval", _symbol));

        // The owned stream (live): Sink.ActorRefWithAck gives back-pressure one element at a time.
        Command<FeedInit>(_ => Sender.Tell(new FeedAck()));
        Command<FeedTrades>(t =>
        {
            Ingest(t.Trades.AsSpan(0, t.Count));
            Sender.Tell(new FeedAck());
        });
        Command<FeedMarketEvent>(m =>
        {
            _mediator.Tell(new Publish(EngineTopics.MarketEvents, m.Event));
            Sender.Tell(new FeedAck());
        });
        Command<FeedStatusChanged>(s =>
        {
            _feedUp = s.Connected;
            _feedStatus = s.Connected ? "connected" : "down: " + s.Reason;
            ReportConnection(s.Connected, s.Reason);
            Sender.Tell(new FeedAck());
        });
        Command<FeedCatchUp>(c =>
        {
            _catchingUp = c.Active ? $"agg ids from {c.NextId}; {c.Detail}" : null;
            Sender.Tell(new FeedAck());
        });
        Command<FeedTradeGap>(g =>
        {
            var missing = g.LastMissingId - g.FirstMissingId + 1;
            _tradeGaps++;
            _missingTrades += missing;
            _lastTradeGap = $"ids {g.FirstMissingId}-{g.LastMissingId} ({missing} trades): {g.Reason}";
            _log.Error("{0}: agg ids {1}-{2} ({3} trades) are missing for good: {4}. The indicators' windows and agg_trades lack them",
                _symbol, g.FirstMissingId, g.LastMissingId, missing, g.Reason);
            var tag = new KeyValuePair<string, object?>("symbol", _symbol);
            Telemetry.EngineMetrics.TradeGaps.Add(1, tag);
            Telemetry.EngineMetrics.MissingTrades.Add(missing, tag);
            _mediator.Tell(new Publish(EngineTopics.MarketEvents, new Binance.Streams.FeedEvent.TradeGapEvent(_symbol, g.FirstMissingId, g.LastMissingId, g.Reason)));
            Sender.Tell(new FeedAck());
        });
        Command<FeedCompleted>(_ =>
        {
            _feedUp = false;
            _feedStatus = "completed";
        });
        Command<FeedFailed>(f =>
        {
            _feedUp = false;
            _feedStatus = "failed: " + f.Cause.Message;
            ReportConnection(false, "the stream failed: " + f.Cause.Message);
            _log.Error(f.Cause, "Market-data stream of {0} failed", _symbol);
        });
        Command<Heartbeat>(_ =>
        {
            // A silent live market still moves event time, so ticks and stale-data rules fire. Not while the feed
            // is down or catching up: trades before "now" may still come, and a tick must not be evaluated without them.
            if (_lastEventMs != long.MinValue && _feedUp && _catchingUp is null)
            {
                var now = _lastEventMs + (long)(DateTime.UtcNow - _lastEventWallUtc).TotalMilliseconds;
                Advance(now);
            }
        });
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Publishes a feed outage and its recovery, for the alerts: transitions only, so a flapping connection is one message
    /// per change and the first connection at start is none.
    /// </summary>
    private void ReportConnection(bool up, string detail)
    {
        if (up != _outageReported)
        {
            return; // up and no outage reported, or down and already reported
        }

        _outageReported = !up;
        _mediator.Tell(new Publish(EngineTopics.Connections,
            new ConnectionChanged(ConnectionChanged.Feed, _symbol, up, detail, _lastEventMs == long.MinValue ? null : _lastEventMs)));
    }

    private string FeedStatus => _feedUp && _catchingUp is { } why ? "catching up: " + why : _feedStatus;

    public static Props Props(string symbol, SymbolSettings settings, IActorRef mediator) =>
        Akka.Actor.Props.Create(() => new SymbolActor(symbol, settings, mediator));

    void ITickSink.OnTick(in IndicatorValues values) => _ticks.Add(values);

    protected override void PostStop()
    {
        _feedKillSwitch?.Shutdown();
        base.PostStop();
    }

    private int Ingest(ReadOnlySpan<Trade> trades)
    {
        // Exactly once: skip anything at or below the cursor (a replayed batch, a reconnect overlap).
        var start = 0;
        while (start < trades.Length && trades[start].AggId <= _lastAggId)
        {
            start++;
        }

        if (start == trades.Length)
        {
            return 0;
        }

        var fresh = trades[start..];
        if (_settings.RecorderPath is { } recorder)
        {
            Context.ActorSelection(recorder).Tell(new RecordTrades(_symbol, fresh.ToArray()));
        }

        _indicators.OnTrades(fresh, this);
        _lastAggId = fresh[^1].AggId;
        _trades += fresh.Length;
        _lastEventMs = Math.Max(_lastEventMs, fresh[^1].TimeMs);
        _lastEventWallUtc = DateTime.UtcNow;
        return PublishTicks();
    }

    private void Advance(long nowMs)
    {
        _indicators.AdvanceTo(nowMs, this);
        PublishTicks();
    }

    private int PublishTicks()
    {
        var n = _ticks.Count;
        if (n > 0)
        {
            object published;
            if (n == 1)
            {
                published = new IndicatorSnapshot(_symbol, _ticks[0]);
            }
            else
            {
                var snapshots = new IndicatorSnapshot[n];
                for (var i = 0; i < n; i++)
                {
                    snapshots[i] = new IndicatorSnapshot(_symbol, _ticks[i]);
                }

                published = new IndicatorSnapshotBatch(_symbol, snapshots);
            }

            _mediator.Tell(new Publish(EngineTopics.Indicators, published));
            _mediator.Tell(new Publish(EngineTopics.IndicatorsOf(_symbol), published));
            var lastTick = _ticks[^1].TimeMs;
            _ticks.Clear();
            if (_settings.SnapshotEveryMs > 0 && (_lastSnapshotEventMs == long.MinValue || lastTick - _lastSnapshotEventMs >= _settings.SnapshotEveryMs))
            {
                SaveState();
            }
        }

        return n;
    }

    private void SaveState()
    {
        _lastSnapshotEventMs = _indicators.Last?.TimeMs ?? _lastSnapshotEventMs;
        var state = new SymbolActorState(_symbol, _lastAggId, _trades, _indicators.Capture());
        if (_settings.RecorderPath is { } recorder && _lastAggId != long.MinValue)
        {
            // The cursor must never pass a trade agg_trades does not hold yet: saved once the recorder has stored it.
            _snapshotAwaitingRecorder = state;
            Context.ActorSelection(recorder).Tell(new ConfirmRecorded(_symbol, _lastAggId));
            return;
        }

        Save(state);
    }

    private void Save(SymbolActorState state)
    {
        _snapshotStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        SaveSnapshot(state);
        foreach (var requester in _snapshotRequesters)
        {
            requester.Tell(new SnapshotTaken(_symbol, state.LastAggId, state.Trades));
        }

        _snapshotRequesters.Clear();
    }

    private void StartFeed()
    {
        if (_settings.Feed is null)
        {
            return;
        }

        _feedStatus = "connecting";
        var (killSwitch, _) = _settings.Feed.Create(_symbol, _lastAggId)
            .ViaMaterialized(KillSwitches.Single<SymbolFeedItem>(), Keep.Right)
            .ToMaterialized(
                Sink.ActorRefWithAck<SymbolFeedItem>(Self, new FeedInit(), new FeedAck(), new FeedCompleted(), e => new FeedFailed(e)),
                Keep.Both)
            .Run(Context.Materializer());
        _feedKillSwitch = killSwitch;
        Timers.StartPeriodicTimer("heartbeat", new Heartbeat(), _settings.HeartbeatInterval ?? TimeSpan.FromSeconds(1));
    }
}
