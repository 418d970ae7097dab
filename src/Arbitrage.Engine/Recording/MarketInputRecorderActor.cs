using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Arbitrage.Binance.Streams;
using Arbitrage.Binance.Tapes;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Recording;

/// <summary>How the live node records the strategies' market inputs (<c>Recording:Inputs</c>).</summary>
/// <param name="Directory">Where the input tapes go: <c>SYMBOL-futures-metrics-5m.jsonl</c> and <c>SYMBOL-funding.jsonl</c>
/// (the backfill's files, so a replay takes them as they are).</param>
/// <param name="Interval">How often Binance's 5-minute statistics and settled funding are fetched.</param>
/// <param name="Lookback">How far back the first fetch of a symbol without a file reaches.</param>
public sealed record InputRecordingSettings(string Directory, IReadOnlyList<string> Symbols, TimeSpan Interval, TimeSpan Lookback)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultLookback = TimeSpan.FromHours(1);
}

/// <summary>
/// Records every input a strategy reads, with its event time (issue 19): subscribed to <c>market-events</c>, it writes each
/// mark price, liquidation, 5-minute statistic and settled funding to <c>market_inputs</c> (<see cref="MarketInputStore"/>,
/// batched, idempotent); every <see cref="InputRecordingSettings.Interval"/> it fetches Binance's <c>/futures/data/*</c>
/// statistics and the settled funding of the traded symbols into the input tapes (<see cref="FuturesInputBackfill"/>:
/// resumable, nothing written twice) and publishes the new points on <c>market-events</c>, where the strategies' inputs
/// (<c>MarketInputsActor</c>) fold them at their event time — the same events a replay of those tapes feeds. The mark
/// price and liquidation frames themselves are in the live JSONL tape (<c>Recording:Tape</c>). A failed fetch or write is
/// logged and retried at the next round; trading never waits for it.
/// </summary>
public sealed class MarketInputRecorderActor : ReceiveActor, IWithTimers
{
    private const int MaxBatch = 500;

    private readonly IActorRef _mediator;
    private readonly MarketInputStore _store;
    private readonly FuturesInputBackfill? _backfill;
    private readonly InputRecordingSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<FeedEvent> _pending = [];
    private readonly Dictionary<string, long> _published = new(StringComparer.Ordinal);
    private bool _writing;
    private bool _fetching;
    private bool _schemaReady;

    public MarketInputRecorderActor(IActorRef mediator, MarketInputStore store, FuturesInputBackfill? backfill, InputRecordingSettings settings, TimeProvider clock)
    {
        _mediator = mediator;
        _store = store;
        _backfill = backfill;
        _settings = settings;
        _clock = clock;
        Receive<SchemaReady>(_ =>
        {
            _schemaReady = true;
            Flush();
        });
        Receive<Status.Failure>(f =>
        {
            _log.Error(f.Cause, "Input recording: the market_inputs table could not be prepared; retrying in 30 s");
            Timers.StartSingleTimer("schema", new PrepareSchema(), TimeSpan.FromSeconds(30));
        });
        Receive<PrepareSchema>(_ => PrepareSchemaAsync());
        Receive<FeedEvent>(e =>
        {
            if (MarketInputStore.RowOf(e) is null)
            {
                return;
            }

            _pending.Add(e);
            if (_pending.Count >= MaxBatch)
            {
                Flush();
            }
        });
        Receive<FlushTick>(_ => Flush());
        Receive<Written>(w =>
        {
            _writing = false;
            if (w.Error is { } error)
            {
                _log.Warning("Input recording: {0} input event(s) not written to market_inputs ({1}); retrying", w.Batch.Count, error.Message);
                _pending.InsertRange(0, w.Batch);
            }

            if (_pending.Count >= MaxBatch)
            {
                Flush();
            }
        });
        Receive<Fetch>(_ => FetchAsync());
        Receive<Fetched>(f =>
        {
            _fetching = false;
            foreach (var e in f.Events)
            {
                _mediator.Tell(new Publish(EngineTopics.MarketEvents, e));
            }

            foreach (var (symbol, last) in f.Published)
            {
                _published[symbol] = last;
            }
        });
        Receive<SubscribeAck>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef mediator, MarketInputStore store, FuturesInputBackfill? backfill, InputRecordingSettings settings, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new MarketInputRecorderActor(mediator, store, backfill, settings, clock ?? TimeProvider.System));

    protected override void PreStart()
    {
        _mediator.Tell(new Subscribe(EngineTopics.MarketEvents, Self));
        Self.Tell(new PrepareSchema());
        Timers.StartPeriodicTimer("flush", FlushTick.Instance, TimeSpan.FromSeconds(1));
        if (_backfill is not null)
        {
            Self.Tell(Fetch.Instance);
            Timers.StartPeriodicTimer("fetch", Fetch.Instance, _settings.Interval);
        }

        _log.Info("Input recording: market_inputs table; statistics and funding of {0} every {1} into {2}",
            string.Join(", ", _settings.Symbols), _settings.Interval, Path.GetFullPath(_settings.Directory));
    }

    private void PrepareSchemaAsync() => _store.EnsureSchemaAsync().ContinueWith(
        t => t.IsCompletedSuccessfully ? (object)new SchemaReady() : new Status.Failure(t.Exception!.GetBaseException()),
        TaskScheduler.Default).PipeTo(Self);

    private void Flush()
    {
        if (_writing || !_schemaReady || _pending.Count == 0)
        {
            return;
        }

        var batch = _pending.ToArray();
        _pending.Clear();
        _writing = true;
        _store.InsertAsync(batch).ContinueWith(
            t => new Written(batch, t.IsCompletedSuccessfully ? null : t.Exception!.GetBaseException()),
            TaskScheduler.Default).PipeTo(Self);
    }

    private void FetchAsync()
    {
        if (_fetching || _backfill is null)
        {
            return;
        }

        _fetching = true;
        var backfill = _backfill;
        var settings = _settings;
        var published = new Dictionary<string, long>(_published, StringComparer.Ordinal);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var log = _log;
        Task.Run(async () =>
        {
            var events = new List<FeedEvent>();
            var reached = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var symbol in settings.Symbols)
            {
                try
                {
                    var result = await backfill.RunAsync(symbol, now - (long)settings.Lookback.TotalMilliseconds, now, settings.Directory).ConfigureAwait(false);
                    // New points since the last round (at start: the last two periods, so changes are defined at once).
                    var since = published.TryGetValue(symbol, out var p) ? p : now - (long)settings.Lookback.TotalMilliseconds;
                    var fresh = MarketInputFrames.Read(result.MetricsFile).Concat(MarketInputFrames.Read(result.FundingFile))
                        .Where(e => MarketInputFrames.TimeOf(e) > since)
                        .OrderBy(MarketInputFrames.TimeOf)
                        .ToList();
                    events.AddRange(fresh);
                    if (fresh.Count > 0)
                    {
                        reached[symbol] = fresh.Max(MarketInputFrames.TimeOf);
                    }
                }
                catch (Exception e) when (e is BackfillException or HttpRequestException or IOException or TaskCanceledException)
                {
                    log.Warning("Input recording: {0}: statistics/funding not fetched ({1}); next try in {2}", symbol, e.Message, settings.Interval);
                }
            }

            return new Fetched(events, reached);
        }).PipeTo(Self);
    }

    private sealed record PrepareSchema : INoSerializationVerificationNeeded;

    private sealed record SchemaReady : INoSerializationVerificationNeeded;

    private sealed record FlushTick : INoSerializationVerificationNeeded
    {
        public static readonly FlushTick Instance = new();
    }

    private sealed record Written(IReadOnlyList<FeedEvent> Batch, Exception? Error) : INoSerializationVerificationNeeded;

    private sealed record Fetch : INoSerializationVerificationNeeded
    {
        public static readonly Fetch Instance = new();
    }

    private sealed record Fetched(IReadOnlyList<FeedEvent> Events, IReadOnlyDictionary<string, long> Published) : INoSerializationVerificationNeeded;
}
