using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Prometheus;

namespace Arbitrage.Node.Api.Metrics;

/// <summary>Prometheus <c>/metrics</c>: HTTP request metrics, ingest rate/lag per symbol, mailbox depths, journal write latency (engine meter).</summary>
public static class MetricsEndpoints
{
    /// <summary>Registers the prometheus-net defaults (process/.NET metrics come with the default registry).</summary>
    public static IServiceCollection AddArbitrageMetrics(this IServiceCollection services)
    {
        services.AddSingleton<IMetricFactory>(Prometheus.Metrics.DefaultFactory);
        services.AddSingleton<EngineMeterBridge>();
        return services;
    }

    /// <summary>
    /// HTTP metrics middleware and the scrape endpoint. Call before mapping the other endpoints so their
    /// requests are measured. <c>/metrics</c> is anonymous (scrapers do not log in): expose the port accordingly.
    /// </summary>
    public static WebApplication MapArbitrageMetrics(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<EngineMeterBridge>();
        app.UseHttpMetrics();
        app.MapMetrics("/metrics").AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Starts the <see cref="IngestMetricsActor"/> (subscribed to the DistributedPubSub mediator), measuring lag against
    /// the registered <see cref="Hosting.ExchangeConnection"/>'s clock (the wall clock without one).
    /// </summary>
    public static AkkaConfigurationBuilder WithArbitrageMetrics(this AkkaConfigurationBuilder akka) =>
        akka.WithActors((system, registry, resolver) =>
        {
            var exchangeClock = resolver.GetService<Hosting.ExchangeConnection>()?.Clock;
            var actor = system.ActorOf(IngestMetricsActor.Props(DistributedPubSub.Get(system).Mediator, exchangeClock: exchangeClock), "ingest-metrics");
            registry.Register<IngestMetricsActor>(actor);
            system.ActorOf(MailboxMetricsActor.Props(Prometheus.Metrics.DefaultFactory), "mailbox-metrics");
        });
}
