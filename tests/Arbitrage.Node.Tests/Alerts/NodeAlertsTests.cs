using System.Text.Json;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Alerts;

/// <summary>
/// The alerts singleton in a real node process, configured only by ARB__Alerts__* environment variables: an operator's
/// kill switch reaches the webhook and Discord (routing by Events and MinSeverity), and neither URL appears in the logs.
/// </summary>
public sealed class NodeAlertsTests : IDisposable
{
    private const string Invite = "alerts-invite-0123456789";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-alerts-" + Guid.NewGuid().ToString("N"));

    public NodeAlertsTests() => Directory.CreateDirectory(_work);

    public void Dispose() => TestDatabases.DeleteQuietly(_work);

    [Fact]
    public async Task Kill_and_resume_reach_the_channels_that_take_them_and_no_secret_is_logged()
    {
        await using var webhook = await AlertSink.StartAsync();
        await using var discord = await AlertSink.StartAsync();
        var env = NodeProcess.TestEnvironment(_work, Invite);
        env["ARB__Alerts__Webhook__Url"] = new Uri(webhook.BaseUrl, "/in/webhook-secret-token").ToString();
        env["ARB__Alerts__Webhook__Events"] = "kill_switch,kill_switch_released";
        env["ARB__Alerts__Discord__WebhookUrl"] = new Uri(discord.BaseUrl, "/api/webhooks/1/discord-secret-token").ToString();
        env["ARB__Alerts__Discord__MinSeverity"] = "critical";
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        await using var node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", tape, "--speed", "max");
        using var client = new NodeClient(await node.WaitListeningAsync(Deadline));
        await client.RegisterAndLoginAsync(Invite);

        var (killed, _) = await client.PostAsync("/api/ops/kill", new { reason = "alerts test" });
        Assert.True((int)killed < 300, $"kill: {killed}");
        await webhook.WaitForAsync(s => s.Delivered.Count >= 1, Deadline, "kill alert on the webhook");
        await discord.WaitForAsync(s => s.Delivered.Count >= 1, Deadline, "kill alert on Discord");

        var (resumed, _) = await client.PostAsync("/api/ops/resume");
        Assert.True((int)resumed < 300, $"resume: {resumed}");
        await webhook.WaitForAsync(s => s.Delivered.Count >= 2, Deadline, "release alert on the webhook");

        Assert.Equal(["kill_switch", "kill_switch_released"], webhook.Delivered.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("kind").GetString()));
        var content = JsonDocument.Parse(Assert.Single(discord.Delivered).Body).RootElement.GetProperty("content").GetString();
        Assert.Contains("KILL SWITCH engaged by admin: alerts test", content, StringComparison.Ordinal); // the release is a warning: below critical
        // The sink counts a delivery when it answers; the node counts it when the answer reaches it: wait for both counters.
        var metrics = "";
        var deadline = DateTime.UtcNow + Deadline;
        while (!(metrics.Contains("arb_alerts_sent_total{channel=\"webhook\"} 2", StringComparison.Ordinal)
                 && metrics.Contains("arb_alerts_sent_total{channel=\"discord\"} 1", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the node's alert counters never reached webhook 2 / discord 1:\n" + metrics);
            metrics = await client.Http.GetStringAsync("/metrics");
        }
        var logs = node.Stdout + node.Stderr + string.Concat(Directory.GetFiles(Path.Combine(_work, "logs")).Select(f => ReadShared(f)));
        Assert.Contains("Alerts: channels webhook, discord", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_killed_between_the_outbox_write_and_the_send_delivers_the_alert_once_after_its_restart()
    {
        await using var webhook = await AlertSink.StartAsync();
        webhook.Default = AlertSink.Reply.ServerError(); // the receiver is down: the alert is written, not delivered
        var env = NodeProcess.TestEnvironment(_work, Invite);
        env["ARB__Alerts__Webhook__Url"] = new Uri(webhook.BaseUrl, "/in").ToString();
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        string killKey;
        await using (var node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", tape, "--speed", "max"))
        {
            using var client = new NodeClient(await node.WaitListeningAsync(Deadline));
            await client.RegisterAndLoginAsync(Invite);
            var (killed, _) = await client.PostAsync("/api/ops/kill", new { reason = "crash test" });
            Assert.True((int)killed < 300, $"kill: {killed}");
            await webhook.WaitForAsync(s => s.Requests.Count >= 1, Deadline, "a first (refused) send");
            killKey = JsonDocument.Parse(webhook.Requests[0].Body).RootElement.GetProperty("dedup_key").GetString()!;
            node.Kill(); // SIGKILL: no graceful stop, the outbox row is still unsent
            await node.WaitExitAsync(Deadline);
        }

        Assert.Empty(webhook.Delivered);
        webhook.Default = AlertSink.Reply.Ok();
        await using (var node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", tape, "--speed", "max"))
        {
            using var client = new NodeClient(await node.WaitListeningAsync(Deadline));
            await client.LoginAsync();
            await webhook.WaitForAsync(s => s.Delivered.Count >= 1, Deadline, "the alert after the restart");

            // Once: a resume after it is the next and only other delivery (the channel is ordered; a duplicate would come first).
            var (resumed, _) = await client.PostAsync("/api/ops/resume");
            Assert.True((int)resumed < 300, $"resume: {resumed}");
            await webhook.WaitForAsync(s => s.Delivered.Count >= 2, Deadline, "the release alert");
            Assert.Equal([killKey, "kill_switch_released"], webhook.Delivered.Select(r =>
            {
                var key = JsonDocument.Parse(r.Body).RootElement.GetProperty("dedup_key").GetString()!;
                return key.StartsWith("kill_switch_released:", StringComparison.Ordinal) ? "kill_switch_released" : key;
            }));
        }
    }

    [Fact]
    public async Task Telegram_commands_obey_allow_listed_chats_by_their_users_roles_audited_via_telegram()
    {
        const long viewerChat = 111, operatorChat = 222, strangerChat = 333;
        await using var api = await AlertSink.StartAsync();
        api.Default = AlertSink.Reply.Ok("""{"ok":true,"result":{"message_id":1,"date":1760000000,"chat":{"id":1,"type":"private"},"text":"x"}}""");
        var env = NodeProcess.TestEnvironment(_work, Invite);
        env["ARB__Alerts__Telegram__BotToken"] = "123456:cmd-secret-token";
        env["ARB__Alerts__Telegram__ApiBaseUrl"] = api.BaseUrl.ToString();
        env["ARB__Alerts__Telegram__ChatIds"] = "999";
        env["ARB__Alerts__Telegram__Events"] = "kill_switch"; // alerts go to chat 999, command replies to the commanding chat
        env[$"ARB__Alerts__Telegram__Commands__{viewerChat}"] = "vera";
        env[$"ARB__Alerts__Telegram__Commands__{operatorChat}"] = "otto";
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        await using var node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", tape, "--speed", "max");
        var url = await node.WaitListeningAsync(Deadline);
        using var admin = new NodeClient(url);
        await admin.RegisterAndLoginAsync(Invite);
        foreach (var (username, role) in new[] { ("vera", "viewer"), ("otto", "operator") })
        {
            var (created, invite) = await admin.PostAsync("/api/admin/invites", new { role });
            Assert.True((int)created < 300, $"invite: {created}");
            using var user = new NodeClient(url);
            await user.RegisterAndLoginAsync(invite.GetProperty("code").GetString()!, username);
        }

        string[] RepliesTo(long chat) => [.. api.Delivered.Where(r => r.Path.EndsWith("/sendMessage", StringComparison.Ordinal))
            .Select(r => JsonDocument.Parse(r.Body).RootElement).Where(b => b.GetProperty("chat_id").GetInt64() == chat).Select(b => b.GetProperty("text").GetString()!)];

        // A stranger's chat first, then the viewer's: the viewer's answer proves the stranger's update was handled (ignored).
        api.PushMessage(strangerChat, "/kill stranger-words");
        api.PushMessage(viewerChat, "/kill viewer tries");
        await api.WaitForAsync(_ => RepliesTo(viewerChat).Length >= 1, Deadline, "the reply to the viewer");
        Assert.Equal("refused: your role (viewer) cannot kill", RepliesTo(viewerChat)[0]);
        Assert.Empty(RepliesTo(strangerChat));
        var (_, risk) = await admin.GetAsync("/api/risk");
        Assert.False(risk.GetProperty("killSwitch").GetBoolean());

        api.PushMessage(viewerChat, "/status");
        await api.WaitForAsync(_ => RepliesTo(viewerChat).Length >= 2, Deadline, "the status reply");
        Assert.Matches("^node .+; cluster Up, 1 member\\(s\\); risk: running, ", RepliesTo(viewerChat)[1]);

        api.PushMessage(operatorChat, "/kill telegram drill");
        await api.WaitForAsync(_ => RepliesTo(operatorChat).Length >= 1, Deadline, "the reply to the kill");
        Assert.StartsWith("kill: done: ", RepliesTo(operatorChat)[0], StringComparison.Ordinal);
        (_, risk) = await admin.GetAsync("/api/risk");
        Assert.True(risk.GetProperty("killSwitch").GetBoolean());
        Assert.Equal("otto", risk.GetProperty("killedBy").GetString());
        Assert.Equal("telegram drill", risk.GetProperty("killReason").GetString());

        api.PushMessage(operatorChat, "/resume");
        await api.WaitForAsync(_ => RepliesTo(operatorChat).Length >= 2, Deadline, "the reply to the resume");
        Assert.StartsWith("resume: done: ", RepliesTo(operatorChat)[1], StringComparison.Ordinal);
        (_, risk) = await admin.GetAsync("/api/risk");
        Assert.False(risk.GetProperty("killSwitch").GetBoolean());

        // Audited like the HTTP ops, with the user and via telegram; the viewer's refusal is not (HTTP's 403 is not either).
        var audit = await admin.WaitForAsync("/api/audit?user=otto", (_, b) => b.GetProperty("items").GetArrayLength() >= 2
            && b.GetProperty("items").EnumerateArray().All(r => r.GetProperty("completedMs").ValueKind == JsonValueKind.Number), Deadline); // the projection follows
        var rows = audit.GetProperty("items").EnumerateArray().Reverse().ToList();
        Assert.Equal(["otto kill", "otto resume"], rows.Select(r => $"{r.GetProperty("user").GetString()} {r.GetProperty("command").GetString()}"));
        Assert.All(rows, r => Assert.Equal("telegram", r.GetProperty("arguments").GetProperty("via").GetString()));
        Assert.Equal("telegram drill", rows[0].GetProperty("arguments").GetProperty("reason").GetString());
        Assert.All(rows, r => Assert.StartsWith("done: ", r.GetProperty("result").GetString(), StringComparison.Ordinal));
        await api.WaitForAsync(_ => RepliesTo(999).Length >= 1, Deadline, "the kill alert in the alert chat");
        Assert.Contains("KILL SWITCH engaged by otto: telegram drill", Assert.Single(RepliesTo(999)), StringComparison.Ordinal);

        // The reads answer what GET /api/positions and /api/risk return; a banned user is refused at the next command.
        api.PushMessage(viewerChat, "/positions");
        api.PushMessage(viewerChat, "/risk");
        await api.WaitForAsync(_ => RepliesTo(viewerChat).Length >= 4, Deadline, "the positions and risk replies");
        var (_, positions) = await admin.GetAsync("/api/positions");
        var symbols = positions.EnumerateArray().Select(p => p.GetProperty("symbol").GetString()!).ToArray();
        Assert.Equal(symbols.Length == 0 ? "positions: none open" : "positions: " + symbols[0] + " since ",
            symbols.Length == 0 ? RepliesTo(viewerChat)[2] : RepliesTo(viewerChat)[2][..("positions: " + symbols[0] + " since ").Length]);
        Assert.StartsWith("risk: running, trading on, ", RepliesTo(viewerChat)[3], StringComparison.Ordinal);
        var (banned, _) = await admin.PostAsync("/api/admin/users/vera/ban");
        Assert.True((int)banned < 300, $"ban: {banned}");
        api.PushMessage(viewerChat, "/status");
        await api.WaitForAsync(_ => RepliesTo(viewerChat).Length >= 5, Deadline, "the reply to a banned user");
        Assert.Equal("refused: user vera is banned", RepliesTo(viewerChat)[4]);

        var logs = node.Stdout + node.Stderr + string.Concat(Directory.GetFiles(Path.Combine(_work, "logs")).Select(f => ReadShared(f)));
        Assert.Contains($"a message from chat {strangerChat}, which is not allow-listed, ignored", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("stranger-words", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("cmd-secret-token", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_telegram_command_handled_before_a_crash_is_not_handled_again_after_the_restart()
    {
        const long viewerChat = 111;
        await using var api = await AlertSink.StartAsync();
        api.Default = AlertSink.Reply.Ok("""{"ok":true,"result":{"message_id":1,"date":1760000000,"chat":{"id":1,"type":"private"},"text":"x"}}""");
        var env = NodeProcess.TestEnvironment(_work, Invite);
        env["ARB__Alerts__Telegram__BotToken"] = "123456:offset-secret-token";
        env["ARB__Alerts__Telegram__ApiBaseUrl"] = api.BaseUrl.ToString();
        env["ARB__Alerts__Telegram__ChatIds"] = "999";
        env["ARB__Alerts__Telegram__Events"] = "kill_switch";
        env[$"ARB__Alerts__Telegram__Commands__{viewerChat}"] = "vera";
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        string[] Replies() => [.. api.Delivered.Where(r => r.Path.EndsWith("/sendMessage", StringComparison.Ordinal))
            .Select(r => JsonDocument.Parse(r.Body).RootElement).Where(b => b.GetProperty("chat_id").GetInt64() == viewerChat).Select(b => b.GetProperty("text").GetString()!)];

        await using (var node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", tape, "--speed", "max"))
        {
            var url = await node.WaitListeningAsync(Deadline);
            using var admin = new NodeClient(url);
            await admin.RegisterAndLoginAsync(Invite);
            var (created, invite) = await admin.PostAsync("/api/admin/invites", new { role = "viewer" });
            Assert.True((int)created < 300, $"invite: {created}");
            using (var user = new NodeClient(url))
            {
                await user.RegisterAndLoginAsync(invite.GetProperty("code").GetString()!, "vera");
            }

            api.PushMessage(viewerChat, "/status");
            await api.WaitForAsync(_ => Replies().Length >= 1, Deadline, "the reply before the crash");
            node.Kill(); // SIGKILL right after the answer: Telegram (the sink) still holds update 1 for a poll without an offset
            await node.WaitExitAsync(Deadline);
        }

        await using (var node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", tape, "--speed", "max"))
        {
            await node.WaitListeningAsync(Deadline);
            api.PushMessage(viewerChat, "/risk");
            await api.WaitForAsync(_ => Replies().Length >= 2, Deadline, "the reply after the restart");
            var replies = Replies();
            Assert.StartsWith("risk: ", replies[1], StringComparison.Ordinal); // update 2 next: update 1 was not handled again
            var polls = api.Requests.Where(r => r.Path.EndsWith("/getUpdates", StringComparison.Ordinal)).Select(r => r.Body).ToArray();
            Assert.Contains(polls, b => b.Contains("\"offset\":2", StringComparison.Ordinal));
        }

        Assert.Equal(2, Replies().Length);
    }

    [Fact]
    public async Task Fills_and_a_feed_outage_with_its_recovery_reach_the_channel()
    {
        await using var webhook = await AlertSink.StartAsync();
        // The real 20,000-trade COIN-M tape at 1000× from the standalone simulator: ATR is there after ≈ 4 s, trades follow.
        await using var sim = await SimulatorProcess.StartAsync("--tape", MultiNode.ClusterTestFiles.Tape, "--speed", "1000", "--start", "manual");
        var env = NodeProcess.TestEnvironment(_work, Invite);
        sim.PointNodeAt(env, "BTCUSD_PERP");
        env["ARB__Paths__Strategies"] = MultiNode.ClusterTestFiles.Strategies(_work);
        env["ARB__Alerts__Webhook__Url"] = new Uri(webhook.BaseUrl, "/in/fills").ToString();
        env["ARB__Alerts__Webhook__Events"] = "order_filled,feed";
        await using var node = NodeProcess.Start(_work, env);
        await node.WaitListeningAsync(Deadline);
        await Testing.Faults.FaultDrills.UntilAsync(
            async () => (await sim.StateAsync()).GetProperty("streams").EnumerateArray().Any(s => s.GetString() == "btcusd_perp@aggTrade"),
            "the node's market stream subscribed", Deadline, node);
        await sim.PostAsync("/sim/control/play");

        var longDeadline = TimeSpan.FromSeconds(120);
        await webhook.WaitForAsync(s => Alerts(s).Any(a => Kind(a) == "order_filled"), longDeadline, "a fill alert");
        var fill = Alerts(webhook).First(a => Kind(a) == "order_filled");
        Assert.Equal("BTCUSD_PERP", fill.GetProperty("symbol").GetString());
        Assert.Equal("info", fill.GetProperty("severity").GetString());
        Assert.Contains("BTCUSD_PERP entry ", fill.GetProperty("text").GetString(), StringComparison.Ordinal); // a trade starts with its entry
        Assert.StartsWith("order_filled:", fill.GetProperty("dedup_key").GetString(), StringComparison.Ordinal);

        // The exchange drops every WebSocket: the feed's outage is one alert, its reconnection another.
        await sim.PostAsync("/sim/control/drop-websockets");
        await webhook.WaitForAsync(s => Alerts(s).Count(a => Kind(a) == "feed") >= 2, Deadline, "the outage and the recovery");
        var feed = Alerts(webhook).Where(a => Kind(a) == "feed").ToArray();
        Assert.Equal(("critical", "info"), (feed[0].GetProperty("severity").GetString(), feed[1].GetProperty("severity").GetString()));
        Assert.Contains("BTCUSD_PERP: market data DOWN", feed[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("BTCUSD_PERP: market data is back", feed[1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.All(Alerts(webhook), a => Assert.Contains(Kind(a), new[] { "order_filled", "feed" })); // routing kept the rest out
    }

    private static JsonElement[] Alerts(AlertSink sink) => [.. sink.Delivered.Select(r => JsonDocument.Parse(r.Body).RootElement)];

    private static string Kind(JsonElement alert) => alert.GetProperty("kind").GetString()!;

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
