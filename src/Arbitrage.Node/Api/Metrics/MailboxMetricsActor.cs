using Akka.Actor;
using Prometheus;

namespace Arbitrage.Node.Api.Metrics;

/// <summary>
/// Samples the mailbox depth of the engine's actors every few seconds into <c>arb_mailbox_messages{actor}</c>:
/// the top-level actors, the singletons this node holds, the strategies, the symbol entities and the risk guard with its
/// executor. A growing
/// mailbox is the first sign an actor cannot keep up. Local actors only (each node reports its own).
/// </summary>
public sealed class MailboxMetricsActor : ReceiveActor, IWithTimers
{
    private static readonly string[] Patterns =
    [
        "/user/*",
        "/user/*/*", // the singletons under their managers (risk guard, strategies, funding, audit, ...)
        "/user/strategies/strategies/*/*", // each strategy under its backoff supervisor
        "/user/risk-guard/risk-guard/*", // the guard under its backoff supervisor
        "/user/risk-guard/risk-guard/*/*", // its executor
        "/system/sharding/symbol/*/*",
    ];

    private sealed record Sample : INoSerializationVerificationNeeded;

    private readonly Gauge _depth;

    public MailboxMetricsActor(IMetricFactory metrics, TimeSpan interval)
    {
        _depth = metrics.CreateGauge("arb_mailbox_messages", "Messages waiting in an actor's mailbox (sampled)", ["actor"]);
        Receive<Sample>(_ =>
        {
            foreach (var pattern in Patterns)
            {
                Context.ActorSelection(pattern).Tell(new Identify(pattern));
            }
        });
        Receive<ActorIdentity>(id =>
        {
            if (id.Subject is ActorRefWithCell local)
            {
                _depth.WithLabels(local.Path.ToStringWithoutAddress()).Set(local.Underlying.NumberOfMessages);
            }
        });
        Timers.StartPeriodicTimer("sample", new Sample(), TimeSpan.Zero, interval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IMetricFactory metrics, TimeSpan? interval = null) =>
        Akka.Actor.Props.Create(() => new MailboxMetricsActor(metrics, interval ?? TimeSpan.FromSeconds(5)));
}
