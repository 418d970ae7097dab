using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Topics;
using Arbitrage.Engine.Triangles;
using Arbitrage.Node.Auth;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Live;

/// <summary>The <c>triangles</c> stream carries the episodes a detector actor journals, as they open and close.</summary>
[Collection(BridgeHostCollection.Name)]
public sealed class TriangleStreamTests(BridgeHost host)
{
    [Fact]
    public async Task A_detector_episode_reaches_the_triangles_stream_when_it_opens_and_when_it_closes()
    {
        await using var sse = await SseClient.OpenAsync(host.Http, "/api/stream?topics=triangles", host.Tokens[Roles.Viewer]);
        Assert.Equal("ready", (await sse.NextAsync()).Type);

        var venue = "sse-" + Guid.NewGuid().ToString("N")[..8];
        var events = BookTape.Parse("gemini", File.ReadAllBytes(Path.Combine(RepoPaths.Fixtures, "gemini_BTCUSD_ETHUSD_ETHBTC_books_2021-04-17T1645Z_30s.top20.jsonl"))).Take(20).ToList();
        var config = new TriangleConfig("all", venue, null, [new StartAsset("USD", 1000m)], 0m, -0.5m);
        var actor = host.System.ActorOf(TriangleActor.Props(venue, host.Mediator));
        await actor.Ask<TrianglesConfigured>(new ConfigureTriangles(venue, [config], ["BTC/USD", "ETH/USD", "ETH/BTC"], null), TimeSpan.FromSeconds(20));
        await actor.Ask<TriangleBooksAck>(new TriangleBooks(venue, events.Select(e => new TriangleBook(e.Symbol, e.TimeMs, e.Bids, e.Asks)).ToArray(), 0), TimeSpan.FromSeconds(20));

        var opened = await sse.NextAsync();
        Assert.Equal("TriangleEpisodeChanged", opened.Type);
        var body = JsonDocument.Parse(opened.Data).RootElement;
        Assert.True(body.GetProperty("open").GetBoolean());
        Assert.Equal(venue, body.GetProperty("episode").GetProperty("venue").GetString());
        await sse.NextAsync(); // the other direction's episode

        await actor.Ask<TriangleBooksAck>(new TriangleBooks(venue, [new TriangleBook("ETH/BTC", events[^1].TimeMs + 1, [], [], Synchronised: false)], 1), TimeSpan.FromSeconds(20));
        var closed = JsonDocument.Parse((await sse.NextAsync()).Data).RootElement;
        Assert.False(closed.GetProperty("open").GetBoolean());
        Assert.Equal(events[^1].TimeMs + 1, closed.GetProperty("episode").GetProperty("endMs").GetInt64());
        host.System.Stop(actor);
    }

    [Fact]
    public async Task An_attempts_end_reaches_the_triangles_stream()
    {
        await using var sse = await SseClient.OpenAsync(host.Http, "/api/stream?topics=triangles", host.Tokens[Roles.Viewer]);
        Assert.Equal("ready", (await sse.NextAsync()).Type);

        var id = "sse-attempt-" + Guid.NewGuid().ToString("N")[..8];
        var result = new TriangleAttemptResult(id, "paper", "USD>BTC>ETH", "USD", TriangleAttemptOutcome.Unwound, 1_000, 1_400, 100m, 99.7m, -0.3m, -0.3m,
            0.2m, 1.5, 1, [12, 30], new Dictionary<string, decimal>(), "leg 2 expired; unwound");
        host.Mediator.Tell(new Publish(EngineTopics.Triangles, new TriangleAttemptChanged("tri", result)));

        var e = await sse.NextAsync();
        Assert.Equal("TriangleAttemptChanged", e.Type);
        var body = JsonDocument.Parse(e.Data).RootElement;
        Assert.Equal("tri", body.GetProperty("configId").GetString());
        var r = body.GetProperty("result");
        Assert.Equal((id, "unwound", 1, "leg 2 expired; unwound"),
            (r.GetProperty("attemptId").GetString(), r.GetProperty("outcome").GetString(), r.GetProperty("legsFilled").GetInt32(), r.GetProperty("detail").GetString()));
    }
}
