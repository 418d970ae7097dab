using System.Net;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Topics;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Tests.Live;

[Collection(BridgeHostCollection.Name)]
public sealed class LiveStreamTests(BridgeHost host)
{
    private static SignalEmitted Signal(string id, string symbol) =>
        new(id, "live-test", "1", symbol, Direction.Long, 1_700_000_000_000, 70, 60, 100, 2, 97, 103, 106, [new SignalContributionRecord("rsi", 10, 1, "ok", 28)]);

    [Fact]
    public async Task Published_signal_reaches_the_stream_and_other_symbols_are_filtered_out()
    {
        await using var sse = await SseClient.OpenAsync(host.Http, "/api/stream?topics=signals&symbol=BTCUSDT", host.Tokens[Roles.Viewer]);
        var ready = await sse.NextAsync();
        Assert.Equal("ready", ready.Type);

        var id = Guid.NewGuid().ToString("N");
        host.Mediator.Tell(new Publish(EngineTopics.Signals, Signal("eth-" + id, "ETHUSDT")));
        host.Mediator.Tell(new Publish(EngineTopics.Signals, Signal("btc-" + id, "BTCUSDT")));

        // Same publisher, same topic: ordered. Had ETH passed the filter it would come first.
        var e = await sse.NextAsync();
        Assert.Equal("SignalEmitted", e.Type);
        var data = JsonDocument.Parse(e.Data).RootElement;
        Assert.Equal("btc-" + id, data.GetProperty("signalId").GetString());
        Assert.Equal("BTCUSDT", data.GetProperty("symbol").GetString());
        Assert.Equal(10, data.GetProperty("breakdown")[0].GetProperty("points").GetDouble());
    }

    [Fact]
    public async Task Risk_events_without_a_symbol_pass_a_symbol_filter_and_streams_not_asked_for_do_not()
    {
        await using var sse = await SseClient.OpenAsync(host.Http, "/api/stream?topics=risk&symbol=BTCUSDT", host.Tokens[Roles.Viewer]);
        Assert.Equal("ready", (await sse.NextAsync()).Type);

        host.Mediator.Tell(new Publish(EngineTopics.Signals, Signal("ignored", "BTCUSDT")));
        host.Mediator.Tell(new Publish(RiskTopics.Risk, new KillSwitchEngaged("ops", "test", 42)));

        var e = await sse.NextAsync();
        Assert.Equal("KillSwitchEngaged", e.Type);
        Assert.Equal("ops", JsonDocument.Parse(e.Data).RootElement.GetProperty("by").GetString());
    }

    [Fact]
    public async Task A_symbol_filter_on_a_symbol_that_is_not_configured_is_404_naming_it()
    {
        using var r = await host.SendAsync(HttpMethod.Get, "/api/stream?topics=indicators&symbol=ZZPROBE0", host.Tokens[Roles.Viewer]);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var problem = await BridgeHost.JsonAsync(r);
        Assert.Contains("ZZPROBE0 is not configured", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(BridgeHost.ConfiguredSymbols.Order(StringComparer.Ordinal), problem.GetProperty("configured").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Strategy_file_events_reach_the_strategies_stream()
    {
        await using var sse = await SseClient.OpenAsync(host.Http, "/api/stream?topics=strategies", host.Tokens[Roles.Viewer]);
        Assert.Equal("ready", (await sse.NextAsync()).Type);

        host.Mediator.Tell(new Publish(EngineTopics.StrategyEvents, new StrategyFileRemoved("/s/gone.json", "gone", "3")));
        var e = await sse.NextAsync();
        Assert.Equal("StrategyFileRemoved", e.Type);
        Assert.Equal("gone", JsonDocument.Parse(e.Data).RootElement.GetProperty("strategyId").GetString());
    }

    [Fact]
    public async Task Idle_stream_sends_heartbeat_comments()
    {
        await using var sse = await SseClient.OpenAsync(host.Http, "/api/stream?topics=trades&symbol=ZZZUSDT", host.Tokens[Roles.Viewer]);
        Assert.Equal("ready", (await sse.NextAsync()).Type);
        Assert.Equal(("comment", "heartbeat"), await sse.NextAsync(comments: true, seconds: 10));
    }

    [Fact]
    public async Task Disconnect_stops_the_connection_actor()
    {
        var sse = await SseClient.OpenAsync(host.Http, "/api/stream?topics=indicators&symbol=DISCUSDT", host.Tokens[Roles.Viewer]);
        Assert.Equal("ready", (await sse.NextAsync()).Type);
        Assert.NotEmpty(await LiveActorsAsync());

        await sse.DisposeAsync();
        await BridgeHost.EventuallyAsync(async () => (await LiveActorsAsync()).Count == 0, "connection actor stopped after disconnect");
    }

    /// <summary>The per-connection actors under /user (other tests' streams are closed by then: the collection runs serially).</summary>
    private async Task<List<string>> LiveActorsAsync()
    {
        using var r = await host.SendAsync(HttpMethod.Get, "/api/diag/actors?depth=1", host.Tokens[Roles.Admin]);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var user = (await BridgeHost.JsonAsync(r)).GetProperty("roots").EnumerateArray().Single(n => n.GetProperty("path").GetString() == "/user");
        return user.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).Where(n => n.StartsWith("live-", StringComparison.Ordinal)).ToList();
    }

    [Theory]
    [InlineData("/api/stream?topics=signals,bogus", "topics")]
    [InlineData("/api/stream?symbol=btc'--", "symbol")]
    [InlineData("/api/stream?symbol=BTCUSDT&symbol=ETHUSDT", "symbol")]
    public async Task Bad_parameters_are_400_naming_the_field(string path, string field)
    {
        using var r = await host.SendAsync(HttpMethod.Get, path, host.Tokens[Roles.Viewer]);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True((await BridgeHost.JsonAsync(r)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Stream_needs_a_token()
    {
        using var r = await host.SendAsync(HttpMethod.Get, "/api/stream");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }
}
