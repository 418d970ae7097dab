using Arbitrage.Core.Execution;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Topics;
using Arbitrage.Node.Alerts;
using Arbitrage.Node.Hosting;
using Microsoft.Extensions.Configuration;

namespace Arbitrage.Node.Tests.Alerts;

/// <summary>Routing rules, templates, the flood gate and the configuration keys (issue 20's contract).</summary>
public sealed class AlertRoutingTests
{
    private static Alert Of(object e) => AlertTemplates.From(e, AlertEvents.T0)!;

    [Fact]
    public void Star_takes_every_kind_but_signals_which_a_channel_must_name()
    {
        var star = AlertRoute.From("discord", new DiscordAlertOptions());
        var phone = AlertRoute.From("telegram", new TelegramAlertOptions { Events = ["signal", "kill_switch"] });

        Assert.True(star.Takes(Of(AlertEvents.Breaker())));
        Assert.True(star.Takes(Of(AlertEvents.Closed("s1"))));
        Assert.False(star.Takes(Of(AlertEvents.Signal("s2"))));
        Assert.True(phone.Takes(Of(AlertEvents.Signal("s2"))));
        Assert.True(phone.Takes(Of(AlertEvents.Kill())));
        Assert.False(phone.Takes(Of(AlertEvents.Closed("s1"))));
    }

    [Fact]
    public void MinSeverity_symbols_and_strategies_filter()
    {
        var critical = AlertRoute.From("webhook", new WebhookAlertOptions { MinSeverity = "critical" });
        Assert.True(critical.Takes(Of(AlertEvents.Breaker())));
        Assert.False(critical.Takes(Of(AlertEvents.Closed("s1")))); // a loss is a warning

        var btc = AlertRoute.From("webhook", new WebhookAlertOptions { Symbols = ["BTCUSDT"], Strategies = ["momentum"] });
        Assert.True(btc.Takes(Of(AlertEvents.Closed("s1", symbol: "BTCUSDT"))));
        Assert.False(btc.Takes(Of(AlertEvents.Closed("s2", symbol: "ETHUSDT"))));
        Assert.True(btc.Takes(Of(AlertEvents.Kill()))); // about no symbol: always
        var other = AlertRoute.From("webhook", new WebhookAlertOptions { Strategies = ["carry"] });
        Assert.False(other.Takes(Of(AlertEvents.Closed("s1"))));
    }

    [Fact]
    public void Templates_carry_symbol_direction_pnl_in_usd_and_r_the_rule_and_the_breakdown()
    {
        var closed = Of(AlertEvents.Closed("sig-7", pnlUsd: -12.5m, pnlR: -1m));
        Assert.Equal("trade_closed", closed.Kind);
        Assert.Equal("trade_closed:sig-7", closed.DedupKey);
        Assert.Equal(AlertSeverity.Warning, closed.Severity);
        Assert.Contains("BTCUSDT Long", closed.Text, StringComparison.Ordinal);
        Assert.Contains("-$12.50", closed.Text, StringComparison.Ordinal);
        Assert.Contains("-1.00 R", closed.Text, StringComparison.Ordinal);
        Assert.Contains("stop_loss", closed.Text, StringComparison.Ordinal);

        var breaker = Of(AlertEvents.Breaker());
        Assert.Equal(AlertSeverity.Critical, breaker.Severity);
        Assert.Contains("daily_loss", breaker.Text, StringComparison.Ordinal);
        Assert.Contains("-3.20%", breaker.Text, StringComparison.Ordinal);

        var signal = Of(AlertEvents.Signal("sig-9"));
        Assert.Equal("signal:sig-9", signal.DedupKey);
        Assert.Contains("ETHUSDT Short", signal.Text, StringComparison.Ordinal);
        Assert.Contains("rsi +20", signal.Text, StringComparison.Ordinal);
        Assert.Contains("funding -5", signal.Text, StringComparison.Ordinal);

        // The same event gives the same key (a second publish is deduplicated by the outbox).
        Assert.Equal(Of(AlertEvents.Closed("sig-7")).DedupKey, closed.DedupKey);
        Assert.Null(AlertTemplates.From(new ExecutorReadyLike(), AlertEvents.T0));
    }

    [Fact]
    public void Fills_feed_outages_and_the_exchange_connection_have_their_kinds_severities_and_keys()
    {
        var fill = Of(new OrderFillReported("sig-7-1", "sig-7", "BTCUSDT", "momentum", OrderLeg.TakeProfit1, Side.Sell, 0.005m, 61_200m, 0.12m, 0.005m, 0.005m, AlertEvents.T0));
        Assert.Equal(("order_filled", AlertSeverity.Info, "BTCUSDT", "momentum"), (fill.Kind, fill.Severity, fill.Symbol, fill.Strategy));
        Assert.Equal("order_filled:sig-7-1:0.005", fill.DedupKey); // a partial fill's cumulative quantity tells the fills of one order apart
        Assert.Contains("BTCUSDT take-profit 1 SELL filled 0.005 @ 61200 (fee $0.12; 0.005 of 0.005 filled)", fill.Text, StringComparison.Ordinal);
        var btcOnly = AlertRoute.From("webhook", new WebhookAlertOptions { Symbols = ["ETHUSDT"] });
        Assert.False(btcOnly.Takes(fill));

        var down = Of(new ConnectionChanged(ConnectionChanged.Feed, "ETHUSDT", false, "market: reset", AlertEvents.T0 - 1_000));
        Assert.Equal(("feed", AlertSeverity.Critical, "ETHUSDT"), (down.Kind, down.Severity, down.Symbol));
        Assert.Contains("ETHUSDT: market data DOWN (market: reset)", down.Text, StringComparison.Ordinal);
        Assert.Contains("last trade at 2025-10-09 08:53:19 UTC", down.Text, StringComparison.Ordinal);
        var back = Of(new ConnectionChanged(ConnectionChanged.Feed, "ETHUSDT", true, "market: up", AlertEvents.T0));
        Assert.Equal(AlertSeverity.Info, back.Severity);
        Assert.NotEqual(down.DedupKey, back.DedupKey);
        Assert.True(AlertRoute.From("discord", new DiscordAlertOptions()).Takes(down)); // `*` takes outages

        var exchange = Of(new ConnectionChanged(ConnectionChanged.Exchange, null, false, "the exchange account's connection is down", null));
        Assert.Equal(("exchange_connection", AlertSeverity.Critical, (string?)null), (exchange.Kind, exchange.Severity, exchange.Symbol));
    }

    [Fact]
    public void Flood_gate_passes_the_threshold_then_one_summary_stands_for_the_rest()
    {
        var gate = new FloodGate(3, TimeSpan.FromMinutes(1));
        var admitted = 0;
        long end = 0;
        for (var i = 0; i < 15; i++)
        {
            if (gate.Admit(new OutboxEntry(i + 1, "telegram", Of(AlertEvents.Signal("s" + i))), AlertEvents.T0 + i, out end))
            {
                admitted++;
            }
        }

        Assert.Equal(3, admitted);
        Assert.Null(gate.Close("signal", "telegram", end - 1)); // not before the window ends
        var summary = gate.Close("signal", "telegram", end)!;
        Assert.StartsWith("12 more signals in the last minute", summary.Alert.Text, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(4, 12).Select(i => (long)i), summary.Covers);
        Assert.True(gate.Admit(new OutboxEntry(99, "telegram", Of(AlertEvents.Signal("next"))), end + 1, out _)); // a new window
    }

    [Fact]
    public void Configuration_keys_bind_lists_from_comma_separated_values_and_validate_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Alerts:Discord:WebhookUrl"] = "http://127.0.0.1:9/hook",
            ["Alerts:Discord:Events"] = "kill_switch, circuit_broken",
            ["Alerts:Discord:MinSeverity"] = "warning",
            ["Alerts:Telegram:BotToken"] = "123:abc",
            ["Alerts:Telegram:ApiBaseUrl"] = "http://127.0.0.1:9",
            ["Alerts:Telegram:ChatIds"] = "42,-100123",
            ["Alerts:Telegram:Commands:42"] = "otto",
            ["Alerts:Telegram:Commands:-100123"] = "vera",
            ["Alerts:Email:Host"] = "127.0.0.1",
            ["Alerts:Email:Port"] = "2525",
            ["Alerts:Email:From"] = "node@example.org",
            ["Alerts:Email:To:0"] = "ops@example.org",
            ["Alerts:Email:To:1"] = "cto@example.org",
            ["Alerts:Webhook:Url"] = "http://127.0.0.1:9/in",
            ["Alerts:Webhook:Events"] = "*",
        }).Build();
        var options = NodeConfiguration.Bind(configuration).Alerts;

        Assert.Null(options.Validate());
        Assert.Equal(["kill_switch", "circuit_broken"], options.Discord.Events);
        Assert.Equal(["42", "-100123"], options.Telegram.ChatIds);
        Assert.Equal(new Dictionary<long, string> { [42] = "otto", [-100123] = "vera" }, TelegramCommands.ChatsOf(options.Telegram));
        Assert.Equal(["ops@example.org", "cto@example.org"], options.Email.To);
        Assert.Equal(2525, options.Email.Port);
        Assert.Equal(["webhook", "discord", "telegram", "email"], options.Channels().Select(c => c.Name));

        Assert.Equal("Alerts:Discord:MinSeverity must be info, warning or critical, not 'loud'",
            (options with { Discord = options.Discord with { MinSeverity = "loud" } }).Validate());
        Assert.StartsWith("Alerts:Webhook:Events: unknown event kind 'fills'",
            (options with { Webhook = options.Webhook with { Events = ["fills"] } }).Validate(), StringComparison.Ordinal);
        Assert.Equal("Alerts:Email:Events is empty: name event kinds, or * for all but signal",
            (options with { Email = options.Email with { Events = [] } }).Validate());
        Assert.Equal("Alerts:Telegram:ChatIds: 'ops' is not a numeric chat id",
            (options with { Telegram = options.Telegram with { ChatIds = ["ops"] } }).Validate());
        Assert.Equal("Alerts:Telegram:Commands:ops: 'ops' is not a numeric chat id",
            (options with { Telegram = options.Telegram with { Commands = new() { ["ops"] = "otto" } } }).Validate());
        Assert.Equal("Alerts:Telegram:Commands:7: no username (the bridge user this chat acts as)",
            (options with { Telegram = options.Telegram with { Commands = new() { ["7"] = " " } } }).Validate());
        var badUrl = (options with { Discord = options.Discord with { WebhookUrl = "not a url/secret-token" } }).Validate()!;
        Assert.StartsWith("Alerts:Discord:WebhookUrl", badUrl, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", badUrl, StringComparison.Ordinal); // a secret never in a message
    }

    [Fact]
    public void A_secret_in_appsettings_json_is_refused_naming_the_variable_to_use()
    {
        var dir = Directory.CreateTempSubdirectory("arb-alerts-");
        try
        {
            var file = Path.Combine(dir.FullName, "appsettings.json");
            File.WriteAllText(file, """{ "Alerts": { "Telegram": { "BotToken": "123:secret" } } }""");
            var inFile = new ConfigurationBuilder().AddJsonFile(file).Build();
            var error = AlertsConfiguration.SecretInFile(inFile);
            Assert.NotNull(error);
            Assert.StartsWith("Alerts:Telegram:BotToken is a secret", error, StringComparison.Ordinal);
            Assert.Contains("ARB__Alerts__Telegram__BotToken", error, StringComparison.Ordinal);
            Assert.DoesNotContain("123:secret", error, StringComparison.Ordinal);

            var inEnvironment = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Alerts:Telegram:BotToken"] = "123:secret" }).Build();
            Assert.Null(AlertsConfiguration.SecretInFile(inEnvironment));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_readme_alerts_section_names_every_event_kind_metric_and_secret()
    {
        var readme = File.ReadAllText(Path.Combine(Arbitrage.Testing.RepoPaths.Root, "README.md"));
        var start = readme.IndexOf("\n## Alerts\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no '## Alerts' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..end];
        foreach (var kind in AlertKinds.All)
        {
            Assert.Contains($"`{kind}`", section, StringComparison.Ordinal);
        }

        foreach (var metric in new[] { AlertMetrics.Sent, AlertMetrics.Failed, AlertMetrics.Retried, AlertMetrics.Dropped, AlertMetrics.Coalesced })
        {
            Assert.Contains($"`{metric.Name}`", section, StringComparison.Ordinal);
        }

        Assert.Contains($"`{AlertMetrics.QueueDepth.Name}`", section, StringComparison.Ordinal);
        foreach (var key in AlertsConfiguration.SecretKeys)
        {
            Assert.Contains($"`{key}`", section, StringComparison.Ordinal);
        }
    }

    private sealed record ExecutorReadyLike;
}
