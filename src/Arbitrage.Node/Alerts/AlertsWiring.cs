using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Arbitrage.Engine.Persistence;
using Arbitrage.Node.Alerts.Channels;
using Arbitrage.Node.Hosting;

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
            (system, _, _) => AlertsActor.Props(Channels(options), new AlertOutbox(database), DistributedPubSub.Get(system).Mediator, AlertsSettings.From(options)),
            new ClusterSingletonOptions { Role = ClusterNodeOptions.EngineRole },
            createProxyToo: false);
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
