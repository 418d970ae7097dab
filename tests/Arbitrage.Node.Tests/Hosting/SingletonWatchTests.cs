using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.Event;
using Akka.TestKit;
using Arbitrage.Node.Hosting;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// The watch that replaces Akka's instant "failed to find ... after 30 seconds": a singleton proxy publishes a timeout
/// when it starts looking; the watch warns only if no success follows within the period. Time is the test scheduler's.
/// </summary>
public sealed class SingletonWatchTests() : Akka.TestKit.Xunit2.TestKit("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"")
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private static ClusterSingletonProxy.IdentifySingletonResult Timeout(string name) => ClusterSingletonProxy.IdentifySingletonResult.Timeout(name, "engine");

    private static ClusterSingletonProxy.IdentifySingletonResult Found(string name) => ClusterSingletonProxy.IdentifySingletonResult.Success(name, "engine");

    /// <summary>Publishes, then a round trip through the watch: whatever it logged for it is in the probe by then.</summary>
    private async Task PublishAsync(IActorRef watch, object message)
    {
        Sys.EventStream.Publish(message);
        await watch.Ask<ActorIdentity>(new Identify(null), RemainingOrDefault);
    }

    private async Task AdvanceAsync(IActorRef watch, TimeSpan by)
    {
        Scheduler.Advance(by);
        await watch.Ask<ActorIdentity>(new Identify(null), RemainingOrDefault);
    }

    private async Task<(IActorRef Watch, TestProbe Logs)> StartAsync()
    {
        var logs = CreateTestProbe();
        Sys.EventStream.Subscribe(logs.Ref, typeof(Warning));
        Sys.EventStream.Subscribe(logs.Ref, typeof(Info));
        var watch = Sys.ActorOf(SingletonWatch.Props(Period));
        await watch.Ask<ActorIdentity>(new Identify(null), RemainingOrDefault); // subscribed in PreStart
        return (watch, logs);
    }

    private static IEnumerable<string> Mine(TestProbe logs, string name)
    {
        var lines = new List<string>();
        while (logs.HasMessages)
        {
            var line = logs.ReceiveOne(TimeSpan.Zero)!.ToString()!;
            if (line.Contains($"'{name}'", StringComparison.Ordinal))
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    [Fact]
    public async Task A_singleton_found_within_the_period_gives_no_warning_at_all()
    {
        var (watch, logs) = await StartAsync();

        // What every start looks like: the proxy's timeout tick at once, the singleton found a moment later.
        await PublishAsync(watch, Timeout("risk-guard"));
        await PublishAsync(watch, Found("risk-guard"));
        await AdvanceAsync(watch, Period * 3);

        Assert.Empty(Mine(logs, "risk-guard"));
    }

    [Fact]
    public async Task A_singleton_missing_for_the_whole_period_is_a_warning_that_says_what_to_check_and_its_return_is_said()
    {
        var (watch, logs) = await StartAsync();

        await PublishAsync(watch, Timeout("risk-guard"));
        await AdvanceAsync(watch, Period - TimeSpan.FromSeconds(1));
        await PublishAsync(watch, Timeout("risk-guard")); // the proxy keeps ticking: not a second clock
        Assert.Empty(Mine(logs, "risk-guard"));

        await AdvanceAsync(watch, TimeSpan.FromSeconds(1));
        var warning = Assert.Single(Mine(logs, "risk-guard"));
        Assert.Contains("[WARNING]", warning, StringComparison.Ordinal);
        Assert.Contains("'risk-guard' (role engine) not reachable for 30 s", warning, StringComparison.Ordinal);
        Assert.Contains("arbctl cluster show", warning, StringComparison.Ordinal);

        await PublishAsync(watch, Found("risk-guard"));
        var back = Assert.Single(Mine(logs, "risk-guard"));
        Assert.Contains("[INFO]", back, StringComparison.Ordinal);
        Assert.Contains("found again after 30 s", back, StringComparison.Ordinal);

        // Found: no reminder comes any more.
        await AdvanceAsync(watch, Period * 20);
        Assert.Empty(Mine(logs, "risk-guard"));
    }
}
