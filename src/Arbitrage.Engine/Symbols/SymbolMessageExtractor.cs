using Akka.Cluster.Sharding;

namespace Arbitrage.Engine.Symbols;

/// <summary>Routes <see cref="ISymbolMessage"/>s by symbol; shard count = max nodes × 10.</summary>
public sealed class SymbolMessageExtractor(int maxShards = 100) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message switch
    {
        ISymbolMessage m => m.Symbol,
        _ => null,
    };
}
