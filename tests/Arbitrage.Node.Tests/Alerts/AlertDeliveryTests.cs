using System.Text.Json;
using Akka.Actor;
using Arbitrage.Engine.Persistence;
using Arbitrage.Node.Alerts;
using Arbitrage.Node.Alerts.Channels;
using Arbitrage.Testing;
using Xunit.Abstractions;

namespace Arbitrage.Node.Tests.Alerts;

/// <summary>
/// The delivery promises against local HTTP sinks (127.0.0.1): routing, 429 honoured, 5xx retried then delivered in order,
/// a slow channel that delays no other, a flood coalesced, metrics per channel.
/// </summary>
public sealed class AlertDeliveryTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output), IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly List<AlertSink> _sinks = [];
    private Database _database = null!;
    private string? _directory;

    public static AlertsSettings Fast(int floodThreshold = 100, TimeSpan? floodWindow = null) =>
        new(floodThreshold, floodWindow ?? TimeSpan.FromMinutes(1), TimeSpan.FromDays(30), new AlertBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)), ClusterEvents: false);

    public async Task InitializeAsync()
    {
        _database = TestDatabases.NewSqliteFile(out _directory);
        await _database.PrepareAsync(TimeSpan.FromSeconds(10));
        await new AlertOutbox(_database).EnsureSchemaAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var sink in _sinks)
        {
            await sink.DisposeAsync();
        }

        TestDatabases.DeleteQuietly(_directory);
    }

    [Fact]
    public async Task Routing_and_min_severity_decide_which_channel_gets_what_and_the_webhook_json_has_the_contract_fields()
    {
        var ops = await SinkAsync();
        var trader = await SinkAsync();
        var alerts = Start(
            Webhook(ops, "webhook-route-ops", new WebhookAlertOptions { MinSeverity = "critical" }),
            Webhook(trader, "webhook-route-trader", new WebhookAlertOptions { Events = ["signal", "trade_closed"] }));

        alerts.Tell(AlertEvents.Signal("sig-1"));
        alerts.Tell(AlertEvents.Closed("sig-0"));
        alerts.Tell(AlertEvents.Breaker());

        await AwaitConditionAsync(() => Task.FromResult(ops.Delivered.Count == 1 && trader.Delivered.Count == 2), Deadline);
        var body = JsonDocument.Parse(ops.Delivered[0].Body).RootElement;
        Assert.Equal("circuit_broken", body.GetProperty("kind").GetString());
        Assert.Equal("critical", body.GetProperty("severity").GetString());
        Assert.Equal(AlertEvents.T0, body.GetProperty("time_ms").GetInt64());
        Assert.Contains("daily_loss", body.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("circuit_broken:daily_loss:" + AlertEvents.T0, body.GetProperty("dedup_key").GetString());
        Assert.Equal(["signal", "trade_closed"], trader.Delivered.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("kind").GetString()));
        Assert.Equal(1, AlertMetrics.Sent.WithLabels("webhook-route-ops").Value);
    }

    [Fact]
    public async Task Discord_429_retry_after_is_honoured_before_the_next_send_and_an_empty_bucket_pauses_the_next_alert()
    {
        var discord = await SinkAsync();
        discord.Script(
            AlertSink.Reply.TooManyRequests(0.6),
            new AlertSink.Reply(204, Headers: new Dictionary<string, string> { ["X-RateLimit-Remaining"] = "0", ["X-RateLimit-Reset-After"] = "0.5" }));
        var alerts = Start(new AlertChannel(AlertRoute.From("discord", new DiscordAlertOptions()), new DiscordSender(new Uri(discord.BaseUrl, "/api/webhooks/1/tok"), new HttpClient())));

        alerts.Tell(AlertEvents.Kill());
        alerts.Tell(AlertEvents.Breaker());

        await AwaitConditionAsync(() => Task.FromResult(discord.Delivered.Count == 2), Deadline);
        var r = discord.Requests;
        Assert.Equal([429, 204, 200], r.Select(x => x.Status));
        Assert.True(r[1].At - r[0].At >= TimeSpan.FromMilliseconds(600), $"retried after {(r[1].At - r[0].At).TotalMilliseconds} ms, before retry_after");
        Assert.True(r[2].At - r[1].At >= TimeSpan.FromMilliseconds(500), $"next sent after {(r[2].At - r[1].At).TotalMilliseconds} ms, before the bucket's reset");
        Assert.Equal(r[0].Body, r[1].Body); // the same alert again
        Assert.Contains("KILL SWITCH", JsonDocument.Parse(r[1].Body).RootElement.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Contains("Circuit breaker", JsonDocument.Parse(r[2].Body).RootElement.GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sink_answering_5xx_gets_every_alert_later_in_order_and_the_outbox_marks_them_sent()
    {
        var sink = await SinkAsync();
        sink.Script(AlertSink.Reply.ServerError(), AlertSink.Reply.ServerError(), AlertSink.Reply.ServerError());
        var alerts = Start(Webhook(sink, "webhook-5xx", new WebhookAlertOptions()));

        for (var i = 1; i <= 5; i++)
        {
            alerts.Tell(AlertEvents.Closed("sig-" + i));
        }

        await AwaitConditionAsync(() => Task.FromResult(sink.Delivered.Count == 5), Deadline);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => "trade_closed:sig-" + i), sink.Delivered.Select(DedupKey));
        Assert.Equal(3, sink.Requests.Count(r => r.Status == 503));
        Assert.All(sink.Requests.Take(4), r => Assert.Equal("trade_closed:sig-1", DedupKey(r))); // the head, retried, before any other
        Assert.Equal(3, AlertMetrics.Retried.WithLabels("webhook-5xx").Value);
        await AwaitConditionAsync(async () => (await new AlertOutbox(_database).PendingAsync()).Count == 0, Deadline);
    }

    /// <summary>
    /// The receiver gone for a minute (its port closed: every send refused at once). The channel keeps retrying the head
    /// with backoff (capped at 2 s here) without skipping it; when the receiver is back at its address every alert arrives,
    /// in order, once, and the outbox is empty.
    /// </summary>
    [Fact]
    public async Task A_sink_down_for_a_minute_gets_every_alert_later_in_order()
    {
        var sink = await AlertSink.StartAsync();
        var address = sink.BaseUrl;
        await sink.DisposeAsync(); // down
        var channel = new AlertChannel(AlertRoute.From("webhook-down", new WebhookAlertOptions()),
            new NamedSender("webhook-down", new WebhookSender(new Uri(address, "/in"), new HttpClient { Timeout = TimeSpan.FromSeconds(30) })));
        var settings = Fast() with { Backoff = new AlertBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2)) };
        var alerts = Start(settings, channel);
        for (var i = 1; i <= 5; i++)
        {
            alerts.Tell(AlertEvents.Closed("sig-" + i));
        }

        // The scenario is a minute of outage: the wait is its length, and the channel must keep trying all along.
        var down = System.Diagnostics.Stopwatch.StartNew();
        await AwaitConditionAsync(() => Task.FromResult(down.Elapsed >= TimeSpan.FromMinutes(1)), TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(1));
        var retried = AlertMetrics.Retried.WithLabels("webhook-down").Value;
        Assert.True(retried >= 20, $"retried {retried} times in a minute (backoff capped at 2 s)");
        Assert.Equal(5, (await new AlertOutbox(_database).PendingAsync()).Count);

        await using var back = await AlertSink.StartAsync(address.Port);
        await AwaitConditionAsync(() => Task.FromResult(back.Delivered.Count == 5), Deadline);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => "trade_closed:sig-" + i), back.Delivered.Select(DedupKey));
        await AwaitConditionAsync(async () => (await new AlertOutbox(_database).PendingAsync()).Count == 0, Deadline);
        Assert.Equal(5, back.Requests.Count); // each once
    }

    [Fact]
    public async Task A_slow_channel_delays_no_other_channel()
    {
        var slow = await SinkAsync();
        var hang = new TaskCompletionSource();
        slow.Default = new AlertSink.Reply(200, Hold: hang.Task);
        var fast = await SinkAsync();
        var alerts = Start(Webhook(slow, "webhook-slow", new WebhookAlertOptions()), Webhook(fast, "webhook-fast", new WebhookAlertOptions()));

        for (var i = 1; i <= 3; i++)
        {
            alerts.Tell(AlertEvents.Closed("sig-" + i));
        }

        await AwaitConditionAsync(() => Task.FromResult(fast.Delivered.Count == 3), Deadline);
        Assert.Empty(slow.Requests); // its first answer is still pending
        hang.SetResult();
        await AwaitConditionAsync(() => Task.FromResult(slow.Delivered.Count == 3), Deadline);
    }

    [Fact]
    public async Task A_flood_is_coalesced_into_one_summary_and_the_outbox_marks_the_folded_alerts()
    {
        var sink = await SinkAsync();
        var alerts = Start(Fast(floodThreshold: 3, floodWindow: TimeSpan.FromMilliseconds(500)), Webhook(sink, "webhook-flood", new WebhookAlertOptions { Events = ["signal"] }));

        for (var i = 1; i <= 15; i++)
        {
            alerts.Tell(AlertEvents.Signal("sig-" + i));
        }

        await AwaitConditionAsync(() => Task.FromResult(sink.Delivered.Count == 4), Deadline);
        var texts = sink.Delivered.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("text").GetString()!).ToList();
        Assert.Equal(["signal:sig-1", "signal:sig-2", "signal:sig-3"], sink.Delivered.Take(3).Select(DedupKey));
        Assert.StartsWith("12 more signals in the last", texts[3], StringComparison.Ordinal);
        Assert.Equal(12, AlertMetrics.Coalesced.WithLabels("webhook-flood").Value);
        await AwaitConditionAsync(async () =>
        {
            var rows = await new AlertOutbox(_database).RowsAsync();
            return rows.Count(r => r.Status == AlertOutbox.Coalesced) == 12 && rows.Count(r => r.Status == AlertOutbox.Sent) == 3;
        }, Deadline);
    }

    [Fact]
    public async Task A_4xx_refusal_is_marked_failed_and_the_channel_goes_on()
    {
        var sink = await SinkAsync();
        sink.Script(new AlertSink.Reply(400, "{\"message\":\"bad\"}"));
        var alerts = Start(Webhook(sink, "webhook-400", new WebhookAlertOptions()));

        alerts.Tell(AlertEvents.Closed("sig-1"));
        alerts.Tell(AlertEvents.Closed("sig-2"));

        await AwaitConditionAsync(() => Task.FromResult(sink.Delivered.Count == 1), Deadline);
        Assert.Equal("trade_closed:sig-2", DedupKey(sink.Delivered[0]));
        Assert.Equal(1, AlertMetrics.Dropped.WithLabels("webhook-400").Value);
        await AwaitConditionAsync(async () => (await new AlertOutbox(_database).RowsAsync()).Any(r => r.DedupKey == "trade_closed:sig-1" && r.Status == AlertOutbox.Failed), Deadline);
    }

    private static string DedupKey(AlertSink.Request r) => JsonDocument.Parse(r.Body).RootElement.GetProperty("dedup_key").GetString()!;

    private IActorRef Start(params AlertChannel[] channels) => Start(Fast(), channels);

    private IActorRef Start(AlertsSettings settings, params AlertChannel[] channels) =>
        Sys.ActorOf(AlertsActor.Props(channels, new AlertOutbox(_database), mediator: null, settings));

    private async Task<AlertSink> SinkAsync()
    {
        var sink = await AlertSink.StartAsync();
        _sinks.Add(sink);
        return sink;
    }

    /// <summary>A webhook channel under its own name (metrics are per name; each test uses its own).</summary>
    private static AlertChannel Webhook(AlertSink sink, string name, WebhookAlertOptions options) =>
        new(AlertRoute.From(name, options), new NamedSender(name, new WebhookSender(new Uri(sink.BaseUrl, "/in"), new HttpClient { Timeout = TimeSpan.FromSeconds(30) })));

    private sealed class NamedSender(string name, IAlertSender inner) : IAlertSender
    {
        public string Name => name;

        public TimeSpan MinInterval => inner.MinInterval;

        public Task<SendOutcome> SendAsync(OutboxEntry entry, CancellationToken ct) => inner.SendAsync(entry, ct);
    }
}
