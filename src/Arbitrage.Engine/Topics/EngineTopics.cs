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

    /// <summary>One symbol's indicator snapshots.</summary>
    public static string IndicatorsOf(string symbol) => "indicators." + symbol;
}
