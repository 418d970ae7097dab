using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Streams;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Supervision;
using Arbitrage.Engine.Telemetry;
using Arbitrage.Engine.Topics;
using Arbitrage.Engine.Triangles.Execution;

namespace Arbitrage.Engine.Triangles;

/// <summary>
/// One venue's triangle detection (ARCHITECTURE §7), an entity of the <c>triangle</c> shard region: a
/// <see cref="TriangleDetector"/> per enabled config (<see cref="TriangleVenue"/>), fed full books
/// (<see cref="TriangleBooks"/>, a tape's or any feed's) and, live, the spot feed's <see cref="SpotBookEvent"/>s from
/// the feed it runs for its configs' pairs (<see cref="ITriangleFeedFactory"/>). The episodes each message opens or
/// closes are journaled together (tag <c>triangle</c>), then published on <c>triangles</c>; snapshots every
/// <see cref="SnapshotInterval"/> events hold the open ones. A restart has no books: episodes open in the journal close
/// (<see cref="TriangleEpisodeEnd.Restarted"/>) at the first configuration.
/// <para>
/// Execution (paper): for a config with <c>execute</c> on, a candidate evaluation is planned and approved
/// (<see cref="TriangleAttemptDecision"/>), journaled here (<see cref="TriangleAttemptBegun"/>, the index a restart
/// resumes from at its first configuration) and run by a child <see cref="TriangleAttemptActor"/> whose legs this actor
/// sends through its <see cref="ITriangleOrderGateway"/> on its own books. While an attempt decides (between an input
/// sent to it and its journaled step) no book is applied, so a replay trades on exactly the books of its event times.
/// </para>
/// </summary>
public sealed class TriangleActor : ReceivePersistentActor, IWithTimers
{
    /// <summary>Limits of a venue's attempts when none are given: one cycle in flight, no loss or notional cap.</summary>
    public static readonly TriangleRiskLimits DefaultLimits = new(0m, 0m, 1, 0);

    public const string Tag = "triangle";

    private static readonly string[] Tags = [Tag];

    private readonly TriangleVenue _venue;
    private readonly IActorRef _mediator;
    private readonly ITriangleFeedFactory? _feeds;
    private readonly ITriangleGatewayFactory? _gateways;
    private readonly SnapshotInterval _snapshots = SnapshotInterval.From(Context.System.Settings.Config);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly KeyValuePair<string, object?> _venueTag;
    private readonly List<ITriangleEvent> _events = [];
    private Dictionary<(string ConfigId, string Cycle), TriangleEpisodeOpened> _journaledOpen = [];
    private long _journaledLastMs;
    private IKillSwitch? _feed;
    private string _feedSymbols = "";
    private long _reportedOpen;
    private long _reportedUnsynced;

    private readonly TriangleRiskLimits _limits;
    private readonly List<TriangleCandidate> _candidates = [];
    private readonly Dictionary<string, TriangleAttemptBegun> _attempts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _attemptSymbols = new(StringComparer.Ordinal);
    private readonly HashSet<string> _busy = new(StringComparer.Ordinal);
    private readonly HashSet<string> _parked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _attemptFailures = new(StringComparer.Ordinal);
    private readonly HashSet<string> _restarting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _orderOwner = new(StringComparer.Ordinal);
    private readonly List<IActorRef> _drainWaiters = [];
    private TriangleRiskState _risk = TriangleRiskState.Empty;
    private bool _tradingEnabled = true;
    private long _attemptsBegun;
    private long _attemptsFinished;
    private ITriangleOrderGateway? _gateway;
    private TriangleBooks? _batch;
    private int _batchIndex;
    private IActorRef _batchReplyTo = ActorRefs.Nobody;

    public TriangleActor(string venue, IActorRef mediator, ITriangleFeedFactory? feeds, TriangleRiskLimits? limits = null,
        ITriangleGatewayFactory? gateways = null)
    {
        _limits = limits ?? DefaultLimits;
        _gateways = gateways;
        _venue = new TriangleVenue(venue);
        _mediator = mediator;
        _feeds = feeds;
        _venueTag = new("venue", venue);
        PersistenceId = "triangle-" + venue;

        Recover<SnapshotOffer>(o =>
        {
            _snapshots.Recovered(o.Metadata.SequenceNr);
            if (o.Snapshot is TriangleSnapshot s)
            {
                _journaledOpen = s.Open.ToDictionary(e => (e.ConfigId, e.Cycle));
                _journaledLastMs = s.LastEventMs;
                _attempts.Clear();
                foreach (var a in s.Attempts ?? []) _attempts[a.AttemptId] = a;
                _attemptsBegun = s.AttemptsBegun;
                _risk = TriangleRiskState.Empty with { DayStartMs = s.DayStartMs, RealisedTodayUsd = s.RealisedTodayUsd };
                foreach (var a in _attempts.Values) _risk = _risk.Started(a.AttemptId, RiskRequestOf(a), KeepAllStarts);
            }
        });
        Recover<ITriangleEvent>(Track);
        Recover<Tagged>(t =>
        {
            // A journal that stores the tagging wrapper (the in-memory ones) replays it.
            if (t.Payload is ITriangleEvent e) Track(e);
        });

        // Under a BufferingBackoffSupervisor (SupervisedProps): what arrived while the journal was down comes now.
        Recover<RecoveryCompleted>(_ => Context.Parent.Tell(BufferingBackoffSupervisor.ChildReady.Instance));

        Command<ConfigureTriangles>(Configure);
        Command<TriangleBooks>(m =>
        {
            if (Paused)
            {
                Stash.Stash();
                return;
            }

            _batch = m;
            _batchIndex = 0;
            _batchReplyTo = Sender;
            Drain();
        });
        Command<SpotBookEvent>(OnFeed);
        Command<TriangleGatewayAnswer>(m => OnAnswer(m.Report));
        Command<TriangleAttemptStepped>(OnStepped);
        Command<AttemptsStarted>(_ => Proceed());
        Command<TriangleAttemptRecovered>(m =>
        {
            if (!_children.ContainsKey(m.AttemptId)) return;
            _attemptSymbols[m.AttemptId] = [.. m.Symbols];
            if (BooksReady(m.AttemptId))
            {
                Resume(m.AttemptId);
                return;
            }

            // Restarted without books (a node that came back): the next leg or the unwind must see the market, so the
            // attempt waits for its pairs' books — at most ResumeWait, then it resumes on what there is.
            _log.Info("Triangles {0}: attempt {1} resumes once the books of {2} are synchronised", _venue.Venue, m.AttemptId, string.Join(", ", m.Symbols));
            _parked.Add(m.AttemptId);
            Timers.StartSingleTimer("resume-" + m.AttemptId, new ResumeDeadline(m.AttemptId), ResumeWait);
        });
        Command<ResumeDeadline>(m =>
        {
            if (!_parked.Remove(m.AttemptId) || !_children.ContainsKey(m.AttemptId)) return;
            _log.Warning("Triangles {0}: attempt {1} resumes without synchronised books after {2}", _venue.Venue, m.AttemptId, ResumeWait);
            Resume(m.AttemptId);
        });
        Command<Terminated>(t =>
        {
            var id = _children.FirstOrDefault(c => c.Value.Equals(t.ActorRef)).Key;
            if (id is null) return;
            _children.Remove(id);
            _busy.Remove(id);
            _parked.Remove(id);
            if (_attempts.ContainsKey(id))
            {
                // Stopped before its end (its journal refused a write): started again after a backoff, it recovers what
                // it journaled and resumes — an order that was out is queried by client id, never resent.
                var failures = _attemptFailures[id] = _attemptFailures.GetValueOrDefault(id) + 1;
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures - 1, 7))));
                _log.Warning("Triangles {0}: attempt {1} stopped before its end (failure {2}); restarted in {3}", _venue.Venue, id, failures, delay);
                _restarting.Add(id);
                Timers.StartSingleTimer("restart-" + id, new RestartAttempt(id), delay);
            }

            Drain();
        });
        Command<RestartAttempt>(m =>
        {
            _restarting.Remove(m.AttemptId);
            if (!_attempts.TryGetValue(m.AttemptId, out var begun) || _children.ContainsKey(m.AttemptId)) return;
            _log.Info("Triangles {0}: resuming attempt {1}", _venue.Venue, m.AttemptId);
            StartChild(begun, resume: true);
        });
        Command<SetTriangleTrading>(m =>
        {
            // Idempotent: the keeper repeats the switch with every config resend; only a change to "stopped" unwinds.
            var stopping = _tradingEnabled && !m.Enabled;
            _tradingEnabled = m.Enabled;
            _risk = _risk.WithKillSwitch(!m.Enabled);
            if (stopping)
            {
                foreach (var (id, child) in _children.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    _busy.Add(id);
                    child.Tell(new TriangleAttemptInput(new TriangleSagaInput.KillSwitch(_venue.LastEventMs), BooksFor(id), _venue.LastEventMs));
                }
            }

            Sender.Tell(new TriangleTradingSet(_venue.Venue, m.Enabled, _children.Count));
        });
        Command<DrainTriangleAttempts>(_ =>
        {
            _drainWaiters.Add(Sender);
            _gateway?.Flush();
            CheckDrained();
        });
        Command<SpotFeedEvent>(_ => { }); // tickers and connection changes: the books' events say what matters
        Command<FeedEnded>(m => _log.Warning("Triangles {0}: book feed ended ({1})", _venue.Venue, m.Reason));
        Command<GetTriangleStatus>(_ => Sender.Tell(new TriangleStatus(_venue.Venue, _venue.Open(), _venue.Status(), _venue.BookUpdates, _venue.Evaluations)));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Triangles {0}: snapshot failed; the journal still has every event", _venue.Venue));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string venue, IActorRef mediator, ITriangleFeedFactory? feeds = null, TriangleRiskLimits? limits = null,
        ITriangleGatewayFactory? gateways = null) =>
        Akka.Actor.Props.Create(() => new TriangleActor(venue, mediator, feeds, limits, gateways));

    /// <summary>How long a recovered attempt waits for its pairs' books before it resumes on what there is.</summary>
    public static readonly TimeSpan ResumeWait = TimeSpan.FromSeconds(20);

    /// <summary>Books wait while a batch is being applied or an attempt decides.</summary>
    private bool Paused => _batch is not null || _busy.Count > 0;

    /// <summary>
    /// The detector as the shard region runs it: under a <see cref="BufferingBackoffSupervisor"/>, so a journal that fails
    /// (a write or the recovery) stops it only until the journal answers again, with a growing backoff, and what the
    /// keeper and the feed sent meanwhile reaches it then. Restarted, it has no books and no configuration: the keeper's
    /// next resend configures it, which restarts its feed and closes the episodes the journal holds open
    /// (<see cref="TriangleEpisodeEnd.Restarted"/>).
    /// </summary>
    public static Props SupervisedProps(string venue, IActorRef mediator, ITriangleFeedFactory? feeds = null, TriangleRiskLimits? limits = null,
        ITriangleGatewayFactory? gateways = null) =>
        BufferingBackoffSupervisor.Props(Props(venue, mediator, feeds, limits, gateways), "detector");

    private sealed record ResumeDeadline(string AttemptId) : INoSerializationVerificationNeeded;

    private sealed record RestartAttempt(string AttemptId) : INoSerializationVerificationNeeded;

    /// <summary>Attempts journaled in the last write have started: what waited for them goes on.</summary>
    private sealed class AttemptsStarted : INoSerializationVerificationNeeded
    {
        public static readonly AttemptsStarted Instance = new();
    }

    /// <summary>The feed's stream ended (it restarts its connections itself, so only a bug or a shutdown ends it).</summary>
    public sealed record FeedEnded(string Reason) : INoSerializationVerificationNeeded;

    protected override void PostStop()
    {
        _feed?.Shutdown();
        (_gateway as IDisposable)?.Dispose();
        EngineMetrics.TriangleOpenEpisodes.Add(-_reportedOpen, _venueTag);
        EngineMetrics.TriangleUnsynchronisedBooks.Add(-_reportedUnsynced, _venueTag);
        base.PostStop();
    }

    private void Configure(ConfigureTriangles m)
    {
        if (!_venue.Configured)
        {
            // Episodes the journal holds open belong to detectors that died with their books.
            foreach (var open in _journaledOpen.Values.OrderBy(o => o.StartMs).ThenBy(o => o.ConfigId, StringComparer.Ordinal).ThenBy(o => o.Cycle, StringComparer.Ordinal))
            {
                _events.Add(new TriangleEpisodeClosed(open.Venue, open.ConfigId, open.Cycle, open.StartAsset, open.Notional, open.StartMs,
                    Math.Max(open.StartMs, _journaledLastMs), 1, open.NetReturn, open.StartMs, TriangleEpisodeEnd.Restarted));
            }
        }

        try
        {
            _venue.Configure(m.Configs, m.Pairs, m.AccountTakerFee, _events);
        }
        catch (ArgumentException e)
        {
            // A config the loader accepted but this venue cannot run (an "account" fee without the account's rate).
            _log.Error("Triangles {0}: configuration refused: {1}", _venue.Venue, e.Message);
            _events.Clear();
            Sender.Tell(new Status.Failure(e));
            return;
        }

        bool first = _gateway is null;
        var executing = m.Configs.Where(c => c.Enabled && c.Venue == _venue.Venue && c.Exec.Execute).ToList();
        if (first && (executing.Count > 0 || _attempts.Count > 0))
        {
            // One paper balance sheet per venue: each asset at the first executing config (file order) that names it.
            var balances = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (var c in executing)
            {
                foreach (var (asset, amount) in c.PaperBalancesOrDefault()) balances.TryAdd(asset, amount);
            }

            var fee = executing.Count > 0 ? (decimal)TriangleDetectorSettings.For(executing[0], m.AccountTakerFee).TakerFee : 0m;
            var latency = executing.Count > 0 ? executing[0].Exec.PaperLatencyMs : 0;
            _gateway = _gateways?.Create(_venue.Venue, Self);
            if (_gateway is not null) _log.Info("Triangles {0}: attempts trade LIVE", _venue.Venue);
            else _gateway = new PaperTriangleGateway(new PaperTriangleVenue(balances, fee, latency), _venue, latency, OnAnswer);
            foreach (var a in _attempts.Values.OrderBy(a => a.AttemptId, StringComparer.Ordinal))
            {
                _log.Info("Triangles {0}: resuming attempt {1}", _venue.Venue, a.AttemptId);
                StartChild(a, resume: true);
            }
        }

        RestartFeed();
        Record(_venue.LastEventMs, Sender, new TrianglesConfigured(_venue.Venue, _venue.ConfigIds, _venue.Cycles));
    }

    /// <summary>Applies the current batch's books while no attempt decides; answers it once all are applied and journaled.</summary>
    private void Drain()
    {
        while (_batch is { } batch && _batchIndex < batch.Books.Count)
        {
            var book = batch.Books[_batchIndex];
            if (_busy.Count == 0) _gateway?.BeforeBook(book.TimeMs);
            if (_busy.Count > 0)
            {
                Record(_venue.LastEventMs, ActorRefs.Nobody, null);
                return;
            }

            _batchIndex++;
            Apply(book);
        }

        if (_busy.Count > 0)
        {
            Record(_venue.LastEventMs, ActorRefs.Nobody, null);
            return;
        }

        if (_batch is { } done)
        {
            _batch = null;
            Record(done.Books.Count == 0 ? 0 : done.Books[^1].TimeMs, _batchReplyTo, new TriangleBooksAck(done.Venue, done.Sequence));
        }

        Stash.UnstashAll();
        CheckDrained();
    }

    private void CheckDrained()
    {
        if (_drainWaiters.Count == 0 || _children.Count > 0 || _busy.Count > 0 || _restarting.Count > 0 || _batch is not null) return;
        foreach (var w in _drainWaiters) w.Tell(new TriangleAttemptsDrained(_venue.Venue, _attemptsFinished));
        _drainWaiters.Clear();
    }

    /// <summary>Candidates of the last book: planned, approved, started (journaled first) or marked missed with the reason.</summary>
    private void DecideCandidates()
    {
        foreach (var c in _candidates)
        {
            var available = _gateway?.Available(c.Cycle.StartAsset);
            var r = TriangleAttemptDecision.Decide(c, _venue, _limits, _risk, _venue.Venue, available, _attemptsBegun, _gateway is { } g ? g.Filters : null);
            if (r.Start is not { } start)
            {
                _venue.Mark(c.Config.Id, c.Cycle.Index, TriangleEpisodeRecord.Missed, r.Reason);
                EngineMetrics.TriangleMissed.Add(1, _venueTag, new("reason", r.Reason));
                continue;
            }

            _venue.Mark(c.Config.Id, c.Cycle.Index, TriangleEpisodeRecord.Taken, string.Empty);
            _risk = _risk.Started(start.AttemptId, r.Request!, c.Config.Exec.CooldownMs);
            _attemptsBegun++;
            var symbols = start.Cycle.Legs.Select(l => l.Symbol).ToArray();
            _attemptSymbols[start.AttemptId] = symbols;
            _busy.Add(start.AttemptId);

            // The saga's first step, decided here and journaled with the attempt in this actor's one write: leg 1 goes
            // out as soon as it is journaled (the attempt actor journals the same two events after, off this path).
            var first = TriangleSagaLogic.Decide(TriangleSagaState.Empty, start, _venue);
            var started = first.Events.OfType<TriangleAttemptStarted>().Single();
            var leg1 = first.Events.OfType<TriangleLegIntended>().Single();
            _events.Add(new TriangleAttemptBegun(_venue.Venue, c.Config.Id, c.Cycle.Id, c.TimeMs, start.AttemptId, r.Request!.NotionalUsd,
                c.Config.Exec.LegTimeoutMs, started, leg1));
        }

        _candidates.Clear();
    }

    /// <summary>
    /// Starts the attempt actor of <paramref name="begun"/> and gives it its first step (when the event carries it):
    /// <paramref name="resume"/> after a restart or a stop, so it resumes once it has its start.
    /// </summary>
    private void StartChild(TriangleAttemptBegun begun, bool resume)
    {
        var child = Context.ActorOf(TriangleAttemptActor.Props(begun.AttemptId, Self, begun.LegTimeoutMs), "attempt-" + Uri.EscapeDataString(begun.AttemptId));
        Context.Watch(child);
        _children[begun.AttemptId] = child;
        if (begun is { Started: { } started, FirstLeg: { } leg1 }) child.Tell(new TriangleAttemptAdopt(started, leg1, resume));
    }

    private void SendLeg(string attemptId, TriangleOrderRequest request, long timeMs)
    {
        _orderOwner[request.ClientOrderId] = attemptId;
        EngineMetrics.TriangleLegsSent.Add(1, _venueTag);
        _gateway?.Send(request, timeMs);
    }

    /// <summary>Books, batches and drains go on once no attempt decides.</summary>
    private void Proceed()
    {
        if (_batch is not null) Drain();
        else
        {
            Record(_venue.LastEventMs, ActorRefs.Nobody, null);
            if (_busy.Count == 0) Stash.UnstashAll();
            CheckDrained();
        }
    }

    /// <summary>A gateway's answer goes to its attempt with the books of the moment.</summary>
    private void OnAnswer(TriangleSagaInput.LegReport report)
    {
        if (!_orderOwner.TryGetValue(report.ClientOrderId, out var id) || !_children.TryGetValue(id, out var child)) return;
        _busy.Add(id);
        child.Tell(new TriangleAttemptInput(report, BooksFor(id), Math.Max(report.TimeMs, _venue.LastEventMs)));
    }

    private void OnStepped(TriangleAttemptStepped m)
    {
        _busy.Remove(m.AttemptId);
        // A leg goes out at its intent's time: after the previous leg's answer, which may be later than the last book.
        var sendMs = Math.Max(_venue.LastEventMs, m.NowMs);
        foreach (var c in m.Commands)
        {
            switch (c)
            {
                case TriangleSagaCommand.SendOrder s:
                    SendLeg(m.AttemptId, s.Request, sendMs);
                    break;
                case TriangleSagaCommand.QueryOrder q:
                    _orderOwner[q.ClientOrderId] = m.AttemptId;
                    _gateway?.Query(q.Symbol, q.ClientOrderId, sendMs);
                    break;
            }
        }

        if (_drainWaiters.Count > 0) _gateway?.Flush();
        if (m.Ended is { } result)
        {
            _children.Remove(m.AttemptId);
            _busy.Remove(m.AttemptId);
            _attemptSymbols.Remove(m.AttemptId);
            _attemptFailures.Remove(m.AttemptId);
            if (_attempts.TryGetValue(m.AttemptId, out var begun))
            {
                _risk = _risk.Ended(m.AttemptId, result.PnlUsd, result.EndMs);
                _events.Add(new TriangleAttemptFinished(_venue.Venue, begun.ConfigId, begun.Cycle, begun.StartMs, m.AttemptId, result));
                var outcome = new KeyValuePair<string, object?>("outcome", EnumCodes.Of(result.Outcome));
                EngineMetrics.TriangleAttempts.Add(1, _venueTag, outcome);
                EngineMetrics.TrianglePnlUsd.Record((double)result.PnlUsd, _venueTag, outcome);
                EngineMetrics.TriangleSlippageBps.Record(result.SlippageBps, _venueTag);
                foreach (var l in result.LegLatenciesMs) EngineMetrics.TriangleLegLatencyMs.Record(l, _venueTag);
            }

            foreach (var cid in _orderOwner.Where(o => o.Value == m.AttemptId).Select(o => o.Key).ToList()) _orderOwner.Remove(cid);
        }

        Proceed();
    }

    private bool BooksReady(string attemptId) =>
        _attemptSymbols.TryGetValue(attemptId, out var symbols) && symbols.All(s => _venue.Book(s) is { Synchronised: true });

    /// <summary>A recovered attempt goes on: killed first when trading stopped while it was down, then resumed.</summary>
    private void Resume(string attemptId)
    {
        if (!_children.TryGetValue(attemptId, out var child)) return;
        _busy.Add(attemptId);
        if (!_tradingEnabled)
        {
            // Trading stopped while it was down: killed first (no new leg; what is held unwinds), then resumed
            // (an order that was out is queried, never resent).
            child.Tell(new TriangleAttemptInput(new TriangleSagaInput.KillSwitch(_venue.LastEventMs), BooksFor(attemptId), _venue.LastEventMs));
        }

        child.Tell(new TriangleAttemptInput(null, BooksFor(attemptId), _venue.LastEventMs));
    }

    /// <summary>Recovered attempts whose books are now synchronised resume.</summary>
    private void ResumeParked()
    {
        foreach (var id in _parked.Where(BooksReady).Order(StringComparer.Ordinal).ToList())
        {
            _parked.Remove(id);
            Timers.Cancel("resume-" + id);
            Resume(id);
        }
    }

    private TriangleBookSet BooksFor(string attemptId) =>
        Snapshot(_attemptSymbols.TryGetValue(attemptId, out var symbols) ? symbols : _venue.Symbols.ToArray());

    /// <summary>A copy of the books of <paramref name="symbols"/> now: an attempt decides on them after this actor moves on.</summary>
    private TriangleBookSet Snapshot(IEnumerable<string> symbols)
    {
        var set = new TriangleBookSet();
        foreach (var s in symbols)
        {
            if (_venue.Book(s) is { } b) set.Set(s, b);
        }

        return set;
    }

    /// <summary>Recovery prunes no cycle's last start: the cooldowns in force before a restart still hold after it.</summary>
    private const long KeepAllStarts = long.MaxValue;

    private static TriangleRiskRequest RiskRequestOf(TriangleAttemptBegun a) => new(a.Venue, a.Cycle, string.Empty, 0m, a.NotionalUsd, null, a.StartMs);

    private void RestartFeed()
    {
        if (_feeds is null) return;
        var symbols = _venue.Symbols.Order(StringComparer.Ordinal).ToArray();
        var key = string.Join(',', symbols);
        if (key == _feedSymbols) return;
        _feed?.Shutdown();
        _feed = null;
        _feedSymbols = key;
        if (symbols.Length == 0) return;
        _feed = _feeds.Start(_venue.Venue, symbols, Self, Context.Materializer());
        if (_feed is not null) _log.Info("Triangles {0}: book feed started for {1} pair(s)", _venue.Venue, symbols.Length);
    }

    private void OnFeed(SpotBookEvent e)
    {
        if (!_venue.TryGetSymbol(e.Symbol, out var symbol)) return;
        var time = e.EventTimeMs > 0 ? e.EventTimeMs : _venue.LastEventMs;
        if (!Paused) _gateway?.BeforeBook(time);
        if (Paused)
        {
            Stash.Stash();
            return;
        }

        var book = e.IsSynced
            ? new TriangleBook(symbol, time, Levels(e.Bids), Levels(e.Asks))
            : new TriangleBook(symbol, time, [], [], Synchronised: false);
        Apply(book);
        Record(time, ActorRefs.Nobody, null);
    }

    private static BookLevel[] Levels(IReadOnlyList<Core.Books.PriceLevel> levels)
    {
        var result = new BookLevel[levels.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new BookLevel((double)levels[i].Price, (double)levels[i].Quantity);
        }

        return result;
    }

    /// <summary>One book through the detectors, timed from taking it to their decision.</summary>
    private void Apply(TriangleBook book)
    {
        if (!_venue.Uses(book.Symbol)) return;
        long start = Stopwatch.GetTimestamp();
        _venue.Apply(book, _events, _candidates);
        if (_candidates.Count > 0) DecideCandidates();
        if (_parked.Count > 0) ResumeParked();
        EngineMetrics.TriangleDecisionUs.Record(Stopwatch.GetElapsedTime(start).TotalMicroseconds, _venueTag);
        EngineMetrics.TriangleBookUpdates.Add(1, _venueTag);
        if (_venue.LastEvaluations > 0) EngineMetrics.TriangleEvaluations.Add(_venue.LastEvaluations, _venueTag);
    }

    /// <summary>Journals the events of this message in one write, then publishes them and answers.</summary>
    private void Record(long timeMs, IActorRef replyTo, object? reply)
    {
        ReportGauges();
        if (_events.Count == 0)
        {
            if (reply is not null) replyTo.Tell(reply);
            return;
        }

        var events = _events.ToArray();
        _events.Clear();
        int remaining = events.Length;
        PersistAll(events.Select(e => new Tagged(e, Tags)), tagged =>
        {
            var e = (ITriangleEvent)tagged.Payload;
            Track(e);
            switch (e)
            {
                case TriangleAttemptBegun b:
                    if (b.FirstLeg is { } leg1 && _busy.Remove(b.AttemptId))
                    {
                        // Journaled: the attempt actor takes over its first step, and leg 1 goes out now (after the
                        // adopt, so an answer given at once reaches the attempt after it).
                        StartChild(b, resume: false);
                        SendLeg(b.AttemptId, leg1.ToRequest(), Math.Max(_venue.LastEventMs, leg1.TimeMs));
                        if (_drainWaiters.Count > 0) _gateway?.Flush();
                        Self.Tell(AttemptsStarted.Instance);
                    }

                    break;
                case TriangleAttemptFinished f:
                    _attemptsFinished++;
                    _mediator.Tell(new Publish(EngineTopics.Triangles, new TriangleAttemptChanged(f.ConfigId, f.Result)));
                    break;
                default:
                    _mediator.Tell(new Publish(EngineTopics.Triangles, Changed(e)));
                    break;
            }

            if (--remaining > 0) return;
            _journaledLastMs = Math.Max(_journaledLastMs, timeMs);
            if (_snapshots.Due(LastSequenceNr)) SaveSnapshot(new TriangleSnapshot(_journaledOpen.Values.ToArray(), _journaledLastMs,
                _attempts.Values.ToArray(), _attemptsBegun, _risk.DayStartMs, _risk.RealisedTodayUsd));
            if (reply is not null) replyTo.Tell(reply);
        });
    }

    private void Track(ITriangleEvent e)
    {
        switch (e)
        {
            case TriangleEpisodeOpened o:
                _journaledOpen[(o.ConfigId, o.Cycle)] = o;
                _journaledLastMs = Math.Max(_journaledLastMs, o.StartMs);
                break;
            case TriangleEpisodeClosed c:
                _journaledOpen.Remove((c.ConfigId, c.Cycle));
                _journaledLastMs = Math.Max(_journaledLastMs, c.EndMs);
                break;
            case TriangleAttemptBegun b:
                _attempts[b.AttemptId] = b;
                if (IsRecovering)
                {
                    _attemptsBegun++;
                    _risk = _risk.Started(b.AttemptId, RiskRequestOf(b), KeepAllStarts);
                }

                break;
            case TriangleAttemptFinished f:
                _attempts.Remove(f.AttemptId);
                if (IsRecovering) _risk = _risk.Ended(f.AttemptId, f.Result.PnlUsd, f.Result.EndMs);
                break;
        }
    }

    private static TriangleEpisodeChanged Changed(ITriangleEvent e) => e switch
    {
        TriangleEpisodeOpened o => new TriangleEpisodeChanged(o.ConfigId, new TriangleEpisodeRecord(o.StartMs, null, o.Venue, o.Cycle, o.StartAsset, o.Notional, 1, o.NetReturn, o.StartMs), Open: true),
        TriangleEpisodeClosed c => new TriangleEpisodeChanged(c.ConfigId, c.ToRecord(), Open: false),
        _ => throw new InvalidOperationException($"unknown triangle event {e.GetType().Name}"),
    };

    private void ReportGauges()
    {
        long open = _venue.OpenEpisodes;
        long unsynced = _venue.UnsynchronisedPairs;
        if (open != _reportedOpen) EngineMetrics.TriangleOpenEpisodes.Add(open - _reportedOpen, _venueTag);
        if (unsynced != _reportedUnsynced) EngineMetrics.TriangleUnsynchronisedBooks.Add(unsynced - _reportedUnsynced, _venueTag);
        _reportedOpen = open;
        _reportedUnsynced = unsynced;
    }
}
