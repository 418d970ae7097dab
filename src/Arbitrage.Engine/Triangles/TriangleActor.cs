using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Streams;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.Triangles;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Supervision;
using Arbitrage.Engine.Telemetry;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Triangles;

/// <summary>
/// One venue's triangle detection (ARCHITECTURE §7), an entity of the <c>triangle</c> shard region: a
/// <see cref="TriangleDetector"/> per enabled config (<see cref="TriangleVenue"/>), fed full books
/// (<see cref="TriangleBooks"/>, a tape's or any feed's) and, live, the spot feed's <see cref="SpotBookEvent"/>s from
/// the feed it runs for its configs' pairs (<see cref="ITriangleFeedFactory"/>). The episodes each message opens or
/// closes are journaled together (tag <c>triangle</c>), then published on <c>triangles</c>; snapshots every
/// <see cref="SnapshotInterval"/> events hold the open ones. A restart has no books: episodes open in the journal close
/// (<see cref="TriangleEpisodeEnd.Restarted"/>) at the first configuration.
/// </summary>
public sealed class TriangleActor : ReceivePersistentActor
{
    public const string Tag = "triangle";

    private static readonly string[] Tags = [Tag];

    private readonly TriangleVenue _venue;
    private readonly IActorRef _mediator;
    private readonly ITriangleFeedFactory? _feeds;
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

    public TriangleActor(string venue, IActorRef mediator, ITriangleFeedFactory? feeds)
    {
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
            foreach (var book in m.Books) Apply(book);
            Record(m.Books.Count == 0 ? 0 : m.Books[^1].TimeMs, Sender, new TriangleBooksAck(m.Venue, m.Sequence));
        });
        Command<SpotBookEvent>(OnFeed);
        Command<SpotFeedEvent>(_ => { }); // tickers and connection changes: the books' events say what matters
        Command<FeedEnded>(m => _log.Warning("Triangles {0}: book feed ended ({1})", _venue.Venue, m.Reason));
        Command<GetTriangleStatus>(_ => Sender.Tell(new TriangleStatus(_venue.Venue, _venue.Open(), _venue.Status(), _venue.BookUpdates, _venue.Evaluations)));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Triangles {0}: snapshot failed; the journal still has every event", _venue.Venue));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    public static Props Props(string venue, IActorRef mediator, ITriangleFeedFactory? feeds = null) =>
        Akka.Actor.Props.Create(() => new TriangleActor(venue, mediator, feeds));

    /// <summary>
    /// The detector as the shard region runs it: under a <see cref="BufferingBackoffSupervisor"/>, so a journal that fails
    /// (a write or the recovery) stops it only until the journal answers again, with a growing backoff, and what the
    /// keeper and the feed sent meanwhile reaches it then. Restarted, it has no books and no configuration: the keeper's
    /// next resend configures it, which restarts its feed and closes the episodes the journal holds open
    /// (<see cref="TriangleEpisodeEnd.Restarted"/>).
    /// </summary>
    public static Props SupervisedProps(string venue, IActorRef mediator, ITriangleFeedFactory? feeds = null) =>
        BufferingBackoffSupervisor.Props(Props(venue, mediator, feeds), "detector");

    /// <summary>The feed's stream ended (it restarts its connections itself, so only a bug or a shutdown ends it).</summary>
    public sealed record FeedEnded(string Reason) : INoSerializationVerificationNeeded;

    protected override void PostStop()
    {
        _feed?.Shutdown();
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

        RestartFeed();
        Record(_venue.LastEventMs, Sender, new TrianglesConfigured(_venue.Venue, _venue.ConfigIds, _venue.Cycles));
    }

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
        _venue.Apply(book, _events);
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
            _mediator.Tell(new Publish(EngineTopics.Triangles, Changed(e)));
            if (--remaining > 0) return;
            _journaledLastMs = Math.Max(_journaledLastMs, timeMs);
            if (_snapshots.Due(LastSequenceNr)) SaveSnapshot(new TriangleSnapshot(_journaledOpen.Values.ToArray(), _journaledLastMs));
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
