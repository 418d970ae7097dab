using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Arbitrage.Core.Funding;

namespace Arbitrage.Engine.Funding;

/// <summary>
/// One symbol's funding view (ARCHITECTURE §6): keeps the latest mark/index/predicted rate, detects
/// settlements and the interval with Core <see cref="FundingRoll"/> (the next funding time rolls forward → a settlement
/// at the old time with the last predicted rate, estimated until the REST history confirms it) and stores downsampled snapshots in
/// <c>funding_snapshots</c> in batches. Not persistent: its durable output is the tables.
/// </summary>
public sealed class FundingActor : ReceiveActor, IWithTimers
{
    private sealed record FlushTick : INoSerializationVerificationNeeded;

    private sealed record Written(int Rows) : INoSerializationVerificationNeeded;

    private sealed record WriteFailed(Exception Cause, int Rows) : INoSerializationVerificationNeeded;

    private readonly string _symbol;
    private readonly FundingStore _store;
    private readonly FundingSettings _settings;
    private readonly IActorRef? _mediator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly FundingDownsampler _downsampler;
    private readonly List<FundingSettlementDetected> _settlements = [];
    private List<FundingSnapshotRow> _pending = new(64);
    private readonly List<IActorRef> _flushWaiters = [];
    private readonly List<FundingSettlementDetected> _settlementsToStore = [];
    private (int Hours, long AtMs)? _intervalToStore;
    private MarkPriceUpdate? _latest;
    private int? _observedIntervalHours;
    private long _updates;
    private long _rowsWritten;
    private long _lastThinMs = long.MinValue;
    private bool _writing;
    private string? _lastWriteError;

    public FundingActor(string symbol, FundingStore store, FundingSettings settings, IActorRef? mediator)
    {
        if (settings.Validate() is { } problem) throw new ArgumentException(problem, nameof(settings));
        _symbol = symbol;
        _store = store;
        _settings = settings;
        _mediator = mediator;
        _downsampler = new FundingDownsampler(symbol, settings.Tiers);

        Receive<MarkPriceUpdate>(OnUpdate);
        Receive<FlushFundingSnapshots>(_ =>
        {
            _downsampler.AddOpenRows(_pending);
            _flushWaiters.Add(Sender);
            WriteIfIdle(force: true);
        });
        Receive<FlushTick>(_ => WriteIfIdle(force: true));
        Receive<Written>(w =>
        {
            _writing = false;
            _rowsWritten += w.Rows;
            _lastWriteError = null;
            AfterWrite();
        });
        Receive<WriteFailed>(f =>
        {
            // Rows of a failed batch are dropped (the next buckets carry on): a database outage must not grow memory without bound.
            _writing = false;
            _lastWriteError = f.Cause.Message;
            _log.Warning(f.Cause, "Funding snapshots of {0}: a batch of {1} rows was not written", _symbol, f.Rows);
            AfterWrite();
        });
        Receive<GetFundingState>(_ => Sender.Tell(new FundingStateReply(
            _symbol, _latest, _latest?.Basis, _observedIntervalHours, _settlements.ToArray(), _updates, _rowsWritten, _lastWriteError)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string symbol, FundingStore store, FundingSettings? settings = null, IActorRef? mediator = null) =>
        Akka.Actor.Props.Create(() => new FundingActor(symbol, store, settings ?? FundingSettings.Default, mediator));

    protected override void PreStart()
    {
        if (_settings.FlushInterval is { } every)
        {
            Timers.StartPeriodicTimer("flush", new FlushTick(), every);
        }
    }

    private void OnUpdate(MarkPriceUpdate u)
    {
        var previous = _latest;
        if (previous is not null && u.EventTimeMs <= previous.EventTimeMs)
        {
            return; // stale or duplicate (a reconnect overlap): the view only moves strictly forward in event time
        }

        _latest = u;
        _updates++;
        if (previous is not null && u.RollAfter(previous) is { } roll)
        {
            OnRoll(previous, roll, u);
        }

        _downsampler.Add(u, _pending);
        if (_pending.Count >= _settings.BatchRows)
        {
            WriteIfIdle(force: false);
        }
    }

    private void OnRoll(MarkPriceUpdate before, FundingRoll roll, MarkPriceUpdate after)
    {
        var settlement = FundingSettlementDetected.Of(before, roll);
        _settlements.Add(settlement);
        if (_mediator is not null)
        {
            _mediator.Tell(new Publish(FundingTopics.Settlements, settlement));
            _mediator.Tell(new Publish(FundingTopics.SettlementsOf(_symbol), settlement));
        }

        if (roll.IntervalHours is { } hours)
        {
            _observedIntervalHours = hours;
            _intervalToStore = (hours, after.EventTimeMs);
        }

        _settlementsToStore.Add(settlement);
        WriteIfIdle(force: true);
    }

    private void WriteIfIdle(bool force)
    {
        if (_writing)
        {
            return;
        }

        var due = _pending.Count >= _settings.BatchRows || (force && _pending.Count > 0) || _settlementsToStore.Count > 0 || _intervalToStore is not null;
        if (!due)
        {
            AfterWrite();
            return;
        }

        var rows = _pending;
        _pending = new List<FundingSnapshotRow>(Math.Max(64, rows.Count));
        var settlements = _settlementsToStore.ToArray();
        _settlementsToStore.Clear();
        var interval = _intervalToStore;
        _intervalToStore = null;
        long? thinAt = null;
        if (_latest is { } latest && (_lastThinMs == long.MinValue || latest.EventTimeMs - _lastThinMs >= _settings.ThinEveryMs))
        {
            thinAt = _lastThinMs = latest.EventTimeMs;
        }

        _writing = true;
        WriteAsync(rows, settlements, interval, thinAt).PipeTo(Self,
            success: n => new Written(n),
            failure: e => new WriteFailed(e, rows.Count));
    }

    // One write at a time, in order: snapshots, detected settlements, the observed interval, then thinning.
    private async Task<int> WriteAsync(List<FundingSnapshotRow> rows, FundingSettlementDetected[] settlements, (int Hours, long AtMs)? interval, long? thinAt)
    {
        var n = await _store.WriteSnapshotsAsync(rows).ConfigureAwait(false);
        foreach (var s in settlements)
        {
            await _store.RecordEstimatedSettlementAsync(s.Symbol, s.TimeMs, s.Rate).ConfigureAwait(false);
        }

        if (interval is { } i)
        {
            await _store.SetIntervalAsync(_symbol, i.Hours, IntervalSources.Stream, i.AtMs).ConfigureAwait(false);
        }

        if (thinAt is { } now)
        {
            await _store.ThinAsync(_symbol, _settings.Tiers, now).ConfigureAwait(false);
        }

        return n;
    }

    private void AfterWrite()
    {
        if (_pending.Count >= _settings.BatchRows || _settlementsToStore.Count > 0 || (_pending.Count > 0 && _flushWaiters.Count > 0))
        {
            WriteIfIdle(force: true);
            return;
        }

        if (!_writing && _flushWaiters.Count > 0)
        {
            foreach (var waiter in _flushWaiters)
            {
                waiter.Tell(new FundingSnapshotsFlushed(_symbol, _rowsWritten));
            }

            _flushWaiters.Clear();
        }
    }
}
