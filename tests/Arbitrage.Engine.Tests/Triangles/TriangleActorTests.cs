using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Arbitrage.Core.Triangles;
using Arbitrage.Engine.Tests.Symbols;
using Arbitrage.Engine.Topics;
using Arbitrage.Engine.Triangles;
using Arbitrage.Testing;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Triangles;

/// <summary>
/// The venue's detector actor on a SQLite journal, fed the real Gemini and bitFlyer books (tests/fixtures): its
/// episodes (closed ones as published, open ones as it reports them) are the Core reference run's, journaled before
/// they are published; a lost book closes episodes; a restart closes what the journal holds open.
/// </summary>
public sealed class TriangleActorTests(ITestOutputHelper output)
    : SqliteTestKit(output, ConfigurationFactory.ParseString("arbitrage.persistence.snapshot-every = 5"))
{
    public const string Gemini = "gemini_BTCUSD_ETHUSD_ETHBTC_books_2021-04-17T1645Z_30s.top20.jsonl";
    public const string BitFlyer = "bitflyer_BTC_JPY_ETH_JPY_ETH_BTC_books_2021-07-22T2229Z_30s.top20.jsonl";

    public static IReadOnlyList<BookTapeEvent> Load(string fixture) =>
        BookTape.Parse(fixture, File.ReadAllBytes(Path.Combine(RepoPaths.Fixtures, fixture)));

    public static TriangleConfig TriangleConfigOf(string id, string venue, IReadOnlyList<string>? symbols, (string Asset, decimal Notional)[] starts, decimal? fee, decimal min, long staleness = 5000) =>
        new(id, venue, symbols, starts.Select(s => new StartAsset(s.Asset, s.Notional)).ToArray(), fee, min, staleness);

    public static TheoryData<string, int> Cases() => new()
    {
        { Gemini, 1 },
        { Gemini, 64 },
        { BitFlyer, 1 },
        { BitFlyer, 50 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Episodes_on_the_real_tapes_equal_the_core_reference_run(string fixture, int batch)
    {
        var events = Load(fixture);
        var pairs = events.Select(e => e.Symbol).Distinct().ToArray();
        var configs = fixture == Gemini
            ? new[]
            {
                TriangleConfigOf("near", "gemini", ["BTC/USD", "ETH/USD", "ETH/BTC"], [("USD", 1000m), ("BTC", 0.016m), ("ETH", 0.42m)], 0.001m, -0.005m),
                TriangleConfigOf("deep", "gemini", null, [("USD", 240_000m), ("BTC", 4m)], null, -0.01m, 2000),
            }
            : new[]
            {
                TriangleConfigOf("near", "bitflyer", null, [("JPY", 110_000m), ("BTC", 0.031m), ("ETH", 0.5m)], 0.001m, -0.006m, 300),
                TriangleConfigOf("zero", "bitflyer", ["BTC/JPY", "ETH/JPY", "ETH/BTC"], [("JPY", 1_000_000m)], 0m, -0.002m, 1000),
            };
        var venue = configs[0].Venue;
        const double accountFee = 0.00075;
        var expected = configs.SelectMany(c => TriangleTapeDetection.Run(c, events, accountFee)).ToList();
        Assert.True(expected.Count(e => e.EndMs is not null) > 3, "the case must close episodes");

        var mediator = CreateTestProbe();
        var actor = Sys.ActorOf(TriangleActor.Props(venue, mediator.Ref));
        actor.Tell(new ConfigureTriangles(venue, configs, pairs, accountFee));
        var configured = ExpectMsg<TrianglesConfigured>();
        Assert.Equal(["near", configs[1].Id], configured.ConfigIds);

        long sequence = 0;
        foreach (var chunk in events.Chunk(batch))
        {
            actor.Tell(new TriangleBooks(venue, chunk.Select(e => new TriangleBook(e.Symbol, e.TimeMs, e.Bids, e.Asks)).ToArray(), sequence));
            Assert.Equal(sequence++, ExpectMsg<TriangleBooksAck>().Sequence);
        }

        var published = mediator.ReceiveWhile(TimeSpan.FromMilliseconds(500), m => (Publish)m);
        Assert.All(published, p => Assert.Equal(EngineTopics.Triangles, p.Topic));
        var changes = published.Select(p => (TriangleEpisodeChanged)p.Message).ToList();
        actor.Tell(new GetTriangleStatus(venue));
        var status = ExpectMsg<TriangleStatus>();
        var actual = changes.Where(c => !c.Open).Select(c => c.Episode).Concat(status.Open).ToList();

        Assert.Equal(TriangleEpisodesCsv.Format(expected), TriangleEpisodesCsv.Format(actual));
        Assert.Equal(expected.Count, changes.Count(c => c.Open)); // every episode was published when it opened
        Assert.Equal(events.Count, status.BookUpdates);
        Assert.True(status.Evaluations > events.Count);
    }

    [Fact]
    public void A_lost_book_closes_the_episodes_through_it_and_its_cycles_wait_for_a_new_book()
    {
        var events = Load(Gemini).Take(60).ToList();
        var config = TriangleConfigOf("all", "gemini", null, [("USD", 1000m)], 0m, -0.5m); // every evaluation opens or extends an episode
        var mediator = CreateTestProbe();
        var actor = Sys.ActorOf(TriangleActor.Props("gemini", mediator.Ref));
        actor.Tell(new ConfigureTriangles("gemini", [config], ["BTC/USD", "ETH/USD", "ETH/BTC"], null));
        ExpectMsg<TrianglesConfigured>();
        actor.Tell(new TriangleBooks("gemini", events.Select(e => new TriangleBook(e.Symbol, e.TimeMs, e.Bids, e.Asks)).ToArray(), 0));
        ExpectMsg<TriangleBooksAck>();
        actor.Tell(new GetTriangleStatus("gemini"));
        var before = ExpectMsg<TriangleStatus>();
        Assert.Equal(2, before.Open.Count); // USD>BTC>ETH and USD>ETH>BTC

        var lostAt = events[^1].TimeMs + 10;
        actor.Tell(new TriangleBooks("gemini", [new TriangleBook("ETH/BTC", lostAt, [], [], Synchronised: false)], 1));
        ExpectMsg<TriangleBooksAck>();
        actor.Tell(new GetTriangleStatus("gemini"));
        var after = ExpectMsg<TriangleStatus>();
        Assert.Empty(after.Open);
        Assert.Equal(1, Assert.Single(after.Configs).UnsynchronisedPairs);
        var closed = mediator.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => (TriangleEpisodeChanged)((Publish)m).Message).Where(c => !c.Open).ToList();
        Assert.Equal(2, closed.Count);
        Assert.All(closed, c => Assert.Equal(lostAt, c.Episode.EndMs));
    }

    [Fact]
    public void A_restarted_detector_closes_the_episodes_its_journal_holds_open_and_a_reload_closes_a_changed_configs_episodes()
    {
        var events = Load(Gemini).Take(200).ToList();
        var config = TriangleConfigOf("all", "gemini", null, [("USD", 1000m)], 0m, -0.5m);
        var pairs = new[] { "BTC/USD", "ETH/USD", "ETH/BTC" };
        var first = Sys.ActorOf(TriangleActor.Props("gemini", CreateTestProbe().Ref));
        first.Tell(new ConfigureTriangles("gemini", [config], pairs, null));
        ExpectMsg<TrianglesConfigured>();
        long seq = 0;
        foreach (var e in events)
        {
            first.Tell(new TriangleBooks("gemini", [new TriangleBook(e.Symbol, e.TimeMs, e.Bids, e.Asks)], seq++));
            ExpectMsg<TriangleBooksAck>();
        }

        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        var mediator = CreateTestProbe();
        var second = Sys.ActorOf(TriangleActor.Props("gemini", mediator.Ref));
        second.Tell(new ConfigureTriangles("gemini", [config], pairs, null));
        ExpectMsg<TrianglesConfigured>();
        var restarted = mediator.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => (TriangleEpisodeChanged)((Publish)m).Message).ToList();
        Assert.Equal(2, restarted.Count);
        Assert.All(restarted, c => Assert.False(c.Open));
        // They end at the latest time the journal knows: books that changed no episode are not journaled.
        Assert.All(restarted, c => Assert.Equal(c.Episode.StartMs, c.Episode.EndMs));
        Assert.All(restarted, c => Assert.True(c.Episode.StartMs < events[^1].TimeMs));

        // Books again, then the config changes: its open episodes close at the latest event time.
        second.Tell(new TriangleBooks("gemini", events.TakeLast(10).Select(e => new TriangleBook(e.Symbol, e.TimeMs, e.Bids, e.Asks)).ToArray(), 0));
        ExpectMsg<TriangleBooksAck>();
        Assert.Equal(2, mediator.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => (TriangleEpisodeChanged)((Publish)m).Message).Count(c => c.Open));
        second.Tell(new ConfigureTriangles("gemini", [config with { MinNetReturn = -0.4m }], pairs, null));
        ExpectMsg<TrianglesConfigured>();
        var reconfigured = mediator.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => (TriangleEpisodeChanged)((Publish)m).Message).ToList();
        Assert.Equal(2, reconfigured.Count(c => !c.Open));

        // An unchanged config keeps its detector: nothing closes.
        second.Tell(new ConfigureTriangles("gemini", [config with { MinNetReturn = -0.4m }], pairs, null));
        ExpectMsg<TrianglesConfigured>();
        mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
