using Akka.Actor;
using Arbitrage.Engine.Persistence;
using Arbitrage.Node.Alerts;
using Arbitrage.Node.Alerts.Channels;
using Arbitrage.Testing;
using Xunit.Abstractions;

namespace Arbitrage.Node.Tests.Alerts;

/// <summary>
/// The outbox on SQLite and PostgreSQL: written before any send, one row per (channel, dedup key), and an alert written
/// but not delivered when the alerts actor stops (a crash between write and send) is delivered once by the next one.
/// </summary>
public sealed class AlertOutboxTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_duplicate_key_is_written_once_per_channel_and_marks_leave_only_the_unsent_pending(string backend)
    {
        await using var db = await TestDb.CreateAsync(backend);
        var outbox = new AlertOutbox(db.Database);
        await outbox.EnsureSchemaAsync();
        await outbox.EnsureSchemaAsync(); // idempotent, as every node start runs it
        var alert = AlertTemplates.From(AlertEvents.Kill(), AlertEvents.T0)!;

        var first = await outbox.AddAsync(alert, ["discord", "telegram"], AlertEvents.T0);
        var again = await outbox.AddAsync(alert, ["discord", "telegram", "email"], AlertEvents.T0 + 1);

        Assert.Equal(["discord", "telegram"], first.Select(e => e.Channel));
        Assert.Equal(["email"], again.Select(e => e.Channel)); // only the channel that did not have it yet
        await outbox.MarkAsync([first[0].Id], AlertOutbox.Sent, AlertEvents.T0 + 2);
        var pending = await outbox.PendingAsync();
        Assert.Equal(["telegram", "email"], pending.Select(e => e.Channel));
        Assert.Equal(alert, pending[0].Alert); // read back whole
        Assert.Equal(1, await outbox.PruneAsync(AlertEvents.T0 + 3));
        Assert.Equal(2, (await outbox.RowsAsync()).Count);
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task An_alert_written_but_not_sent_before_a_stop_is_delivered_once_after_the_restart(string backend)
    {
        await using var db = await TestDb.CreateAsync(backend);
        var outbox = new AlertOutbox(db.Database);
        await outbox.EnsureSchemaAsync();
        await using var sink = await AlertSink.StartAsync();
        sink.Default = AlertSink.Reply.ServerError(); // down: written, never delivered
        var settings = AlertDeliveryTests.Fast();

        var first = Start(outbox, sink, settings);
        first.Tell(AlertEvents.Closed("sig-1"));
        first.Tell(AlertEvents.Kill());
        await AwaitConditionAsync(async () => (await outbox.PendingAsync()).Count == 2 && sink.Requests.Count >= 1, Deadline);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);
        Assert.Empty(sink.Delivered);

        // The receiver is back, at a new address: a retry of the stopped instance still in flight reaches the old (still
        // failing) one, so only the restarted instance can deliver.
        await using var back = await AlertSink.StartAsync();
        var second = Start(outbox, back, settings);
        second.Tell(AlertEvents.Closed("sig-1")); // the same event again (a re-publish): not a second delivery
        second.Tell(AlertEvents.Closed("sig-3"));

        await AwaitConditionAsync(() => Task.FromResult(back.Delivered.Count >= 3), Deadline);
        await AwaitConditionAsync(async () => (await outbox.PendingAsync()).Count == 0, Deadline);
        Assert.Empty(sink.Delivered);
        // Ordered per channel: a duplicate would have come before sig-3.
        Assert.Equal(["trade_closed:sig-1", "kill_switch:" + AlertEvents.T0, "trade_closed:sig-3"],
            back.Delivered.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("dedup_key").GetString()));
        Assert.All(await outbox.RowsAsync(), r => Assert.Equal(AlertOutbox.Sent, r.Status));
    }

    private IActorRef Start(AlertOutbox outbox, AlertSink sink, AlertsSettings settings) =>
        Sys.ActorOf(AlertsActor.Props(
            [new AlertChannel(AlertRoute.From("webhook", new WebhookAlertOptions()), new WebhookSender(new Uri(sink.BaseUrl, "/in"), new HttpClient()))],
            outbox, mediator: null, settings));

    /// <summary>A fresh SQLite file or PostgreSQL schema, removed at dispose.</summary>
    private sealed class TestDb : IAsyncDisposable
    {
        private readonly FreshPostgresSchema? _schema;
        private readonly string? _directory;

        private TestDb(Database database, FreshPostgresSchema? schema, string? directory)
        {
            Database = database;
            _schema = schema;
            _directory = directory;
        }

        public Database Database { get; }

        public static async Task<TestDb> CreateAsync(string backend)
        {
            if (backend == "postgres")
            {
                var schema = await FreshPostgresSchema.CreateAsync();
                return new TestDb(schema.Database, schema, null);
            }

            var database = TestDatabases.NewSqliteFile(out var directory);
            await database.PrepareAsync(TimeSpan.FromSeconds(10));
            return new TestDb(database, null, directory);
        }

        public async ValueTask DisposeAsync()
        {
            if (_schema is not null)
            {
                await _schema.DisposeAsync();
            }

            TestDatabases.DeleteQuietly(_directory);
        }
    }
}
