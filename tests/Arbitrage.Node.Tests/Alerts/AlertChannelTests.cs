using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Akka.Actor;
using Arbitrage.Engine.Persistence;
using Arbitrage.Node.Alerts;
using Arbitrage.Node.Alerts.Channels;
using Arbitrage.Testing;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using Xunit.Abstractions;

namespace Arbitrage.Node.Tests.Alerts;

/// <summary>Telegram (Telegram.Bot against a loopback Bot API) and e-mail (MailKit against an in-process SmtpServer).</summary>
public sealed class AlertChannelTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output), IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private Database _database = null!;
    private string? _directory;

    public async Task InitializeAsync()
    {
        _database = TestDatabases.NewSqliteFile(out _directory);
        await _database.PrepareAsync(TimeSpan.FromSeconds(10));
        await new AlertOutbox(_database).EnsureSchemaAsync();
    }

    public Task DisposeAsync()
    {
        TestDatabases.DeleteQuietly(_directory);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Telegram_sends_to_every_chat_at_most_once_a_second_per_chat_and_honours_429_retry_after()
    {
        await using var api = await AlertSink.StartAsync();
        api.Default = AlertSink.Reply.Ok("""{"ok":true,"result":{"message_id":1,"date":1760000000,"chat":{"id":42,"type":"private"},"text":"x"}}""");
        api.Script(new AlertSink.Reply(429, """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"""));
        var options = new TelegramAlertOptions { BotToken = "123456:test-token", ApiBaseUrl = api.BaseUrl.ToString(), ChatIds = ["42", "-100777"] };
        var alerts = Start(new AlertChannel(AlertRoute.From("telegram", options), new TelegramSender(options, new HttpClient())));

        alerts.Tell(AlertEvents.Kill());
        alerts.Tell(AlertEvents.Closed("sig-1"));

        await AwaitConditionAsync(() => Task.FromResult(api.Delivered.Count == 4), Deadline);
        var requests = api.Requests;
        Assert.All(requests, r => Assert.Equal("/bot123456:test-token/sendMessage", r.Path));
        Assert.Equal(429, requests[0].Status);
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(1), "retried before retry_after");
        var sent = api.Delivered.Select(r => JsonDocument.Parse(r.Body).RootElement).Select(b => (Chat: b.GetProperty("chat_id").GetInt64(), Text: b.GetProperty("text").GetString()!)).ToList();
        Assert.Equal([42L, -100777L, 42L, -100777L], sent.Select(s => s.Chat)); // the retry did not skip or repeat a chat
        Assert.Contains("KILL SWITCH", sent[0].Text, StringComparison.Ordinal);
        Assert.Contains("BTCUSDT Long closed", sent[2].Text, StringComparison.Ordinal);
        var toChat42 = api.Delivered.Where((_, i) => sent[i].Chat == 42).ToList();
        Assert.True(toChat42[1].At - toChat42[0].At >= TimeSpan.FromSeconds(1), "two messages to one chat within a second");
    }

    [Fact]
    public async Task Email_goes_over_smtp_to_every_recipient_with_subject_and_dedup_header()
    {
        var store = new CollectingStore();
        var services = new ServiceProvider();
        services.Add(store);
        var port = FreePort();
        var server = new SmtpServer.SmtpServer(
            new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build(),
            services);
        using var stop = new CancellationTokenSource();
        var running = server.StartAsync(stop.Token);
        try
        {
            var options = new EmailAlertOptions { Host = "127.0.0.1", Port = port, From = "node@example.org", To = ["ops@example.org", "cto@example.org"], Security = "None" };
            var alerts = Start(new AlertChannel(AlertRoute.From("email", options), new EmailSender(options)));

            alerts.Tell(AlertEvents.Breaker());

            await AwaitConditionAsync(() => Task.FromResult(store.Messages.Count == 1), Deadline);
            var message = store.Messages.Single();
            Assert.Equal("[critical] circuit broken", message.Subject);
            Assert.Equal(["ops@example.org", "cto@example.org"], message.To.Mailboxes.Select(m => m.Address));
            Assert.Equal("circuit_broken:daily_loss:" + AlertEvents.T0, message.Headers[EmailSender.DedupHeader]);
            Assert.Contains("daily loss -3.20%", message.TextBody, StringComparison.Ordinal);
            await AwaitConditionAsync(async () => (await new AlertOutbox(_database).PendingAsync()).Count == 0, Deadline);
        }
        finally
        {
            await stop.CancelAsync();
            server.Shutdown();
            await server.ShutdownTask;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private IActorRef Start(params AlertChannel[] channels) =>
        Sys.ActorOf(AlertsActor.Props(channels, new AlertOutbox(_database), mediator: null, AlertDeliveryTests.Fast()));

    private sealed class CollectingStore : MessageStore
    {
        private readonly List<MimeMessage> _messages = [];

        public IReadOnlyList<MimeMessage> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            lock (_messages)
            {
                _messages.Add(message);
            }

            return SmtpResponse.Ok;
        }
    }
}
