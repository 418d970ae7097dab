using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.Event;

namespace Arbitrage.Node.Hosting;

/// <summary>
/// Warns when a cluster singleton stays unreachable through its proxy, in place of Akka's own warning: Akka 1.5's
/// proxy starts its "failed to find ... after 30 seconds" timer with no initial delay, so that line comes at once,
/// at every start and shutdown, before the proxy even asked (see <see cref="AkkaLogFilters"/>). The proxies still
/// publish <see cref="ClusterSingletonProxy.IdentifySingletonResult"/>: a timeout when they start looking (and every
/// failure period after), a success when found. This actor warns only when a singleton has really been missing for
/// the whole period, says what that means and what to check, and says when it is back.
/// </summary>
public sealed class SingletonWatch : ReceiveActor, IWithTimers
{
    private sealed record Check(string Key, int Generation);

    private sealed class Missing(DateTimeOffset since, int generation)
    {
        public DateTimeOffset Since { get; } = since;

        public int Generation { get; } = generation;

        public bool Warned { get; set; }
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, Missing> _missing = new(StringComparer.Ordinal);
    private readonly TimeSpan _period;
    private int _generation;

    public SingletonWatch(TimeSpan period)
    {
        _period = period;
        Receive<ClusterSingletonProxy.IdentifySingletonResult>(r =>
        {
            var key = Describe(r.SingletonName, r.Role);
            if (r.Result == ClusterSingletonProxy.IdentifyResult.Success)
            {
                if (_missing.Remove(key, out var was) && was.Warned)
                {
                    _log.Info("Cluster singleton {0} found again after {1} s", key, Seconds(was.Since));
                }

                return;
            }

            if (!_missing.ContainsKey(key))
            {
                var generation = ++_generation;
                _missing[key] = new Missing(Now, generation);
                Timers.StartSingleTimer(key, new Check(key, generation), _period);
            }
        });
        Receive<Check>(c =>
        {
            if (!_missing.TryGetValue(c.Key, out var missing) || missing.Generation != c.Generation)
            {
                return;
            }

            missing.Warned = true;
            _log.Warning(
                "Cluster singleton {0} not reachable for {1} s: no Up cluster member with that role runs it, or the oldest one has not started it. " +
                "Messages to it are buffered meanwhile and the endpoints that need it answer 503. Check the members and roles with `arbctl cluster show` (or GET /api/diag/cluster).",
                c.Key, Seconds(missing.Since));
            Timers.StartSingleTimer(c.Key, c, _period * 10);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Watches every proxy of the system; <paramref name="period"/> as Akka's identification failure period.</summary>
    public static Props Props(TimeSpan period) => Akka.Actor.Props.Create(() => new SingletonWatch(period));

    protected override void PreStart() =>
        Context.System.EventStream.Subscribe(Self, typeof(ClusterSingletonProxy.IdentifySingletonResult));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    /// <summary>The scheduler's clock, which also drives the timers (and tests).</summary>
    private static DateTimeOffset Now => Context.System.Scheduler.Now;

    private static long Seconds(DateTimeOffset since) => (long)Math.Round((Now - since).TotalSeconds);

    private static string Describe(string name, string? role) =>
        string.IsNullOrEmpty(role) ? $"'{name}'" : $"'{name}' (role {role})";
}
