namespace Arbitrage.Engine.Topics;

/// <summary>DistributedPubSub topic names (the same on one node and across a cluster).</summary>
public static class EngineTopics
{
    /// <summary>Every symbol's indicator snapshots.</summary>
    public const string Indicators = "indicators";

    /// <summary>Signals persisted by strategies.</summary>
    public const string Signals = "signals";

    /// <summary>Strategy lifecycle: loaded, reloaded, rejected files.</summary>
    public const string StrategyEvents = "strategy-events";

    /// <summary>Non-trade market events from the feeds (mark price, liquidations, book tickers).</summary>
    public const string MarketEvents = "market-events";

    /// <summary>Per-symbol inputs for strategies besides trades (<c>MarketInputsUpdated</c>).</summary>
    public const string MarketInputs = "market-inputs";

    /// <summary>Triangle opportunity episodes opened and closed (<c>TriangleEpisodeChanged</c>), every venue.</summary>
    public const string Triangles = "triangles";

    /// <summary>Market-data feed outages and recoveries (<see cref="ConnectionChanged"/>), every symbol.</summary>
    public const string Connections = "connections";

    /// <summary>One symbol's indicator snapshots.</summary>
    public static string IndicatorsOf(string symbol) => "indicators." + symbol;
}
