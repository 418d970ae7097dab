using Akka.Cluster.Sharding;

namespace Arbitrage.Engine.Triangles;

/// <summary>Routes <see cref="ITriangleMessage"/>s by venue.</summary>
public sealed class TriangleMessageExtractor(int maxShards = 100) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message switch
    {
        ITriangleMessage m => m.Venue,
        _ => null,
    };
}
