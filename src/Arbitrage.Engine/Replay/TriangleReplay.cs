using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Topics;
using Arbitrage.Engine.Triangles;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// The triangle side of a replay (<c>--triangles-out</c>): the book tapes' events, in event time, through the
/// <c>triangle</c> shard region as the node's feeds drive it (one <see cref="TriangleActor"/> per venue of the enabled
/// configs of <c>DIR/triangles/*.json</c>). A JSONL tape names no venue: its books go to every venue with a config
/// whose symbols hold them (or <c>"*"</c>, whose pairs are the tapes'), and episodes carry that config's venue. The
/// closed episodes are watched on topic <c>triangles</c>, the open ones asked of the actors at the end.
/// </summary>
internal static class TriangleReplay
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The enabled and disabled configs of <c>DIR/triangles/*.json</c>; <see cref="InvalidDataException"/> with every error when one is invalid.</summary>
    public static IReadOnlyList<TriangleConfig> LoadConfigs(string strategiesDirectory)
    {
        var dir = Path.Combine(strategiesDirectory, "triangles");
        if (!Directory.Exists(dir))
        {
            throw new InvalidDataException($"{dir}: no triangle configs (--triangles-out reads strategies/triangles/*.json)");
        }

        var files = Directory.GetFiles(dir, "*.json").Select(f => (f, File.ReadAllText(f)));
        var load = TriangleConfigLoader.LoadSet(files);
        if (!load.IsValid)
        {
            throw new InvalidDataException(string.Join(Environment.NewLine, load.Errors.Select(e => $"{e} [{e.Rule}]")));
        }

        return load.Configs;
    }

    /// <summary>
    /// Runs the books through the detectors; returns every episode (closed, then open at the end) and every attempt of
    /// the configs with <c>execute</c> on (each venue's attempts run to their end after its last book).
    /// </summary>
    public static async Task<(List<TriangleEpisodeRecord> Episodes, List<TriangleAttemptResult> Attempts)> RunAsync(
        ActorSystem system, IActorRef region, IActorRef mediator, IReadOnlyList<TriangleConfig> configs, IReadOnlyList<BookTapeEvent> events,
        double accountTakerFee, int batchSize, CancellationToken ct)
    {
        var pairs = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (seen.Add(e.Symbol)) pairs.Add(e.Symbol);
        }

        var venues = configs.Where(c => c.Enabled).GroupBy(c => c.Venue, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var collector = system.ActorOf(Props.Create(() => new Collector(mediator)), "triangle-replay-collector");
        try
        {
            await collector.Ask<SubscribeAck>(Collector.Start.Instance, Timeout, ct).ConfigureAwait(false);
            var open = new List<TriangleEpisodeRecord>();
            foreach (var venue in venues)
            {
                var venueConfigs = venue.ToList();
                await region.Ask<TrianglesConfigured>(new ConfigureTriangles(venue.Key, venueConfigs, pairs, accountTakerFee), Timeout, ct).ConfigureAwait(false);
                var batch = new List<TriangleBook>(batchSize);
                long sequence = 0;
                foreach (var e in events)
                {
                    if (!venueConfigs.Any(c => c.Includes(e.Symbol))) continue;
                    batch.Add(new TriangleBook(e.Symbol, e.TimeMs, e.Bids, e.Asks));
                    if (batch.Count == batchSize)
                    {
                        await region.Ask<TriangleBooksAck>(new TriangleBooks(venue.Key, batch, sequence++), Timeout, ct).ConfigureAwait(false);
                        batch = new List<TriangleBook>(batchSize);
                    }
                }

                if (batch.Count > 0)
                {
                    await region.Ask<TriangleBooksAck>(new TriangleBooks(venue.Key, batch, sequence), Timeout, ct).ConfigureAwait(false);
                }

                await region.Ask<TriangleAttemptsDrained>(new DrainTriangleAttempts(venue.Key), Timeout, ct).ConfigureAwait(false);
                var status = await region.Ask<TriangleStatus>(new GetTriangleStatus(venue.Key), Timeout, ct).ConfigureAwait(false);
                open.AddRange(status.Open);
            }

            // Every episode the actors published before their last answer reaches the collector before this flush.
            var (closed, attempts) = await collector.Ask<(List<TriangleEpisodeRecord>, List<TriangleAttemptResult>)>(Collector.Flush.Instance, Timeout, ct).ConfigureAwait(false);
            closed.AddRange(open);
            return (closed, attempts);
        }
        finally
        {
            system.Stop(collector);
        }
    }

    /// <summary>Closed episodes published on <c>triangles</c>.</summary>
    private sealed class Collector : ReceiveActor
    {
        private readonly List<TriangleEpisodeRecord> _closed = [];
        private readonly List<TriangleAttemptResult> _attempts = [];
        private IActorRef? _flushFor;

        public Collector(IActorRef mediator)
        {
            Receive<Start>(_ =>
            {
                _flushFor = Sender;
                mediator.Tell(new Subscribe(EngineTopics.Triangles, Self));
            });
            Receive<SubscribeAck>(ack => _flushFor?.Tell(ack));
            Receive<TriangleEpisodeChanged>(c =>
            {
                if (!c.Open) _closed.Add(c.Episode);
            });
            Receive<TriangleAttemptChanged>(c => _attempts.Add(c.Result));
            Receive<Flush>(_ =>
            {
                _flushFor = Sender;
                mediator.Tell(new Publish(EngineTopics.Triangles, new Flushed()));
            });
            Receive<Flushed>(_ => _flushFor?.Tell((_closed.ToList(), _attempts.ToList())));
        }

        public sealed class Start : INoSerializationVerificationNeeded
        {
            public static Start Instance { get; } = new();
        }

        public sealed class Flush : INoSerializationVerificationNeeded
        {
            public static Flush Instance { get; } = new();
        }

        private sealed class Flushed : INoSerializationVerificationNeeded;
    }
}
