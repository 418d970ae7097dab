using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Market;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Triangles;

namespace Arbitrage.Engine.Hosting;

/// <summary>Registry key of the <c>symbol</c> shard region.</summary>
public sealed class SymbolRegion;

/// <summary>Registry key of the <c>triangle</c> shard region (a <see cref="TriangleActor"/> per venue).</summary>
public sealed class TriangleRegion;

/// <summary>Registry key of the risk-guard singleton (its proxy).</summary>
public sealed class RiskGuard;

/// <summary>
/// What <see cref="EngineComposition.AddArbitrageEngine"/> builds. The node and a replay differ only here: what feeds the
/// symbols (<see cref="SymbolSettings.Feed"/>: WebSocket streams, or trades pushed from tapes), where the risk guard's clock
/// comes from (<see cref="EngineTrading.TicksFromIndicators"/>) and, outside this record, their journal.
/// </summary>
public sealed record EngineSetup
{
    /// <summary>The cluster role of nodes that run the engine: the symbol shards and the singletons.</summary>
    public const string EngineRole = "engine";

    /// <summary>The strategies/ directory.</summary>
    public required string StrategiesDirectory { get; init; }

    /// <summary>Hot reload of strategy files (a replay's files are fixed).</summary>
    public bool WatchStrategies { get; init; } = true;

    /// <summary>
    /// The symbols this engine trades: each gets its <see cref="SymbolActor"/> (and feed) kept alive, any other symbol an
    /// entity that says it is not configured. Null: every symbol named is accepted (a replay: the tapes' symbols).
    /// </summary>
    public IReadOnlyList<string>? Symbols { get; init; }

    public SymbolSettings Symbol { get; init; } = new();

    /// <summary>Long/short ratio and open interest for the strategies (live); null = none (replay).</summary>
    public IMarketSentimentSource? Sentiment { get; init; }

    /// <summary>The account side; null = none (a replay that writes no trades).</summary>
    public EngineTrading? Trading { get; init; }

    /// <summary>Live books for the triangle detectors (the node); null = books are pushed to them (a replay, tests).</summary>
    public ITriangleFeedFactory? TriangleFeeds { get; init; }

    /// <summary>Live order gateways of the triangle venues (the node in live mode); null = every venue trades on paper.</summary>
    public Triangles.Execution.ITriangleGatewayFactory? TriangleGateways { get; init; }

    /// <summary>The limits on each venue's cycle attempts; null = <see cref="TriangleActor.DefaultLimits"/>.</summary>
    public Core.Triangles.Execution.TriangleRiskLimits? TriangleLimits { get; init; }

    public string Role { get; init; } = EngineRole;
}

/// <summary>
/// The risk guard (one per account, a singleton), its executor and the <paramref name="Gateway"/> the executor trades
/// through. <paramref name="AssumeConnected"/>: the gateway reports no connection of its own (paper).
/// </summary>
public sealed record EngineTrading(IExchangeGateway Gateway, ExecutorSettings Executor, bool AssumeConnected)
{
    /// <summary>
    /// The guard's prices and event time: true (live) = the <see cref="MarketTickBridge"/> turns every indicator tick into a
    /// <see cref="MarketTick"/> and a <see cref="Risk.RiskTick"/>; false = the caller sends them (a replay's tape clock, which
    /// sends a tick's prices before the tick reaches the strategies).
    /// </summary>
    public bool TicksFromIndicators { get; init; } = true;
}
