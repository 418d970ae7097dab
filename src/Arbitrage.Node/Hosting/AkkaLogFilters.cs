using Akka.Cluster.Tools.Singleton;
using Akka.Hosting;
using Serilog.Events;

namespace Arbitrage.Node.Hosting;

/// <summary>
/// Akka log lines an operator can do nothing with, each dropped from the node's log and replaced by one of ours that
/// says what, where and what to do. Matched on exact message parts: if Akka rewords one, it shows again (and the
/// quiet-start node test fails) rather than a real problem going silent. A Serilog filter, because Akka.Hosting's
/// logger bridge does not apply Akka's own <c>LogFilterSetup</c>.
/// </summary>
public static class AkkaLogFilters
{
    /// <summary>
    /// Akka 1.5's singleton proxy logs this at once when it starts looking (its timer has no initial delay), so at
    /// every start and shutdown. Replaced by <see cref="SingletonWatch"/>, which warns only after the real period.
    /// </summary>
    public const string SingletonProxyTimeout = "ClusterSingletonProxy failed to find an associated singleton";

    /// <summary>
    /// <c>RestartSource</c> logs this at every reconnect of a WebSocket without naming the stream or the cause;
    /// <see cref="Binance.Streams.BinanceWebSocketSource"/> logs its own line with both.
    /// </summary>
    public const string StreamRestart = "Restarting graph due to completion.";

    private static readonly string[] Replaced = [SingletonProxyTimeout, StreamRestart];

    /// <summary>True for an Akka event whose message is one of the replaced lines (<c>Filter.ByExcluding</c>).</summary>
    public static bool IsReplaced(LogEvent e)
    {
        if (!e.Properties.TryGetValue("SourceContext", out var source) || source is not ScalarValue { Value: string context } ||
            !context.StartsWith("Akka.", StringComparison.Ordinal))
        {
            return false;
        }

        var message = e.RenderMessage();
        foreach (var part in Replaced)
        {
            if (message.Contains(part, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Starts the <see cref="SingletonWatch"/> that replaces the singleton proxies' warning.</summary>
    public static AkkaConfigurationBuilder WithSingletonWatch(this AkkaConfigurationBuilder akka) =>
        akka.WithActors((system, _) => system.ActorOf(
            SingletonWatch.Props(ClusterSingletonProxySettings.Create(system).SingletonIdentificationFailurePeriod), "singleton-watch"));
}
