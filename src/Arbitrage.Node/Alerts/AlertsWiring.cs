using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.DependencyInjection;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Arbitrage.Engine.Persistence;
using Arbitrage.Node.Alerts.Channels;
using Arbitrage.Node.Api;
using Arbitrage.Node.Api.Ops;
using Arbitrage.Node.Auth;
using Arbitrage.Node.Hosting;
using Telegram.Bot;

namespace Arbitrage.Node.Alerts;

/// <summary>Registry key of the alerts singleton.</summary>
public sealed class AlertsSingleton;

/// <summary>The alerts singleton on the engine role, started when at least one channel is configured.</summary>
public static class AlertsWiring
{
    public static AkkaConfigurationBuilder WithAlerts(this AkkaConfigurationBuilder akka, AlertsOptions options, Database database)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Channels().Any())
        {
            return akka;
        }

        return akka.WithSingleton<AlertsSingleton>(
            "alerts",
            (system, registry, resolver) => AlertsActor.Props(Channels(options), new AlertOutbox(database), DistributedPubSub.Get(system).Mediator, AlertsSettings.From(options),
                commands: Commands(options.Telegram, system, registry, resolver, new AlertOutbox(database))),
            new ClusterSingletonOptions { Role = ClusterNodeOptions.EngineRole },
            createProxyToo: false);
    }

    /// <summary>The Telegram commands' poller when <c>Alerts:Telegram:Commands</c> names a chat (and the bot token is set), else null.</summary>
    private static Akka.Actor.Props? Commands(TelegramAlertOptions options, ActorSystem system, IActorRegistry registry, IDependencyResolver resolver, AlertOutbox state)
    {
        if (string.IsNullOrWhiteSpace(options.BotToken) || options.Commands.Count == 0)
        {
            return null;
        }

        const int pollSeconds = 25;
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(pollSeconds + options.TimeoutSeconds) };
        var bot = new TelegramBotClient(new TelegramBotClientOptions(options.BotToken, options.ApiBaseUrl.TrimEnd('/')) { RetryCount = 0 }, http);
        var commands = new TelegramCommands(
            TelegramCommands.ChatsOf(options),
            resolver.GetService<AuthStore>(),
            resolver.GetService<IAuditLog>(),
            resolver.GetService<IRiskOps>(),
            system,
            registry,
            resolver.GetService<NodeInfo>());
        return TelegramCommandsActor.Props(bot, commands, pollSeconds, state);
    }

    /// <summary>The configured channels with their senders (each with its own HttpClient and timeout).</summary>
    public static IReadOnlyList<AlertChannel> Channels(AlertsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var channels = new List<AlertChannel>();
        foreach (var (name, channel) in options.Channels())
        {
            var http = new HttpClient { Timeout = TimeSpan.FromSeconds(channel.TimeoutSeconds) };
            IAlertSender sender = channel switch
            {
                WebhookAlertOptions w => new WebhookSender(new Uri(w.Url!), http),
                DiscordAlertOptions d => new DiscordSender(new Uri(d.WebhookUrl!), http),
                TelegramAlertOptions t => new TelegramSender(t, http),
                EmailAlertOptions e => new EmailSender(e),
                _ => throw new InvalidOperationException($"unknown alert channel {name}"),
            };
            channels.Add(new AlertChannel(AlertRoute.From(name, channel), sender));
        }

        return channels;
    }
}
