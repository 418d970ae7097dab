using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Arbitrage.Core.Triangles;
using Arbitrage.Engine.Hosting;
using Arbitrage.Node.Hosting;

namespace Arbitrage.Node.Triangles;

/// <summary>The triangle configs' keeper (<see cref="TriangleKeeper"/>), a singleton on the engine role beside the detectors' region.</summary>
public static class TriangleWiring
{
    public static AkkaConfigurationBuilder WithTriangles(this AkkaConfigurationBuilder akka, NodeOptions options, StartupCheck.Result startup)
    {
        var accountFee = startup.TriangleAccountFee;
        var live = options.Exchange.Mode == "live";
        var settings = new TriangleKeeperSettings(
            Path.Combine(options.Paths.Strategies, "triangles"),
            // Live: only the account read at start (binance-spot's); paper: the configured default on every venue.
            venue => live ? (venue == BinanceSpotVenue.Name ? accountFee : null) : accountFee ?? (double)options.Triangles.PaperTakerFee,
            TimeSpan.FromSeconds(options.Triangles.ResendSeconds));
        return akka.WithSingleton<TriangleKeeper>(
            "triangle-keeper",
            (system, registry, _) => TriangleKeeper.Props(
                settings, registry.Get<TriangleRegion>(), startup.TriangleVenues,
                DistributedPubSub.Get(system).Mediator, registry.TryGet<RiskGuard>(out var guard) ? guard : null),
            new ClusterSingletonOptions { Role = ClusterNodeOptions.EngineRole },
            createProxyToo: true);
    }

    /// <summary>The enabled configs in <paramref name="directory"/> on <paramref name="venue"/> that execute (<c>"execute": true</c>).</summary>
    public static IReadOnlyList<string> ExecutingConfigs(string directory, string venue)
    {
        if (!Directory.Exists(directory)) return [];
        var set = TriangleConfigLoader.LoadSet(Directory.GetFiles(directory, "*.json").Select(f => (f, File.ReadAllText(f))));
        return set.Configs.Where(c => c.Enabled && c.Venue == venue && c.Exec.Execute).Select(c => c.Id).ToArray();
    }

    /// <summary>Whether an enabled config in <paramref name="directory"/> on <paramref name="venue"/> takes its fee from the account.</summary>
    public static IReadOnlyList<string> AccountFeeConfigs(string directory, string venue)
    {
        if (!Directory.Exists(directory)) return [];
        var set = TriangleConfigLoader.LoadSet(Directory.GetFiles(directory, "*.json").Select(f => (f, File.ReadAllText(f))));
        return set.Configs.Where(c => c.Enabled && c.Venue == venue && c.TakerFeeFromAccount).Select(c => c.Id).ToArray();
    }
}
