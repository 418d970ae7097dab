namespace Arbitrage.Node.Triangles;

/// <summary>The pairs a venue trades now, for the triangle configs (<c>"*"</c> takes them all).</summary>
public interface ITriangleVenuePairs
{
    /// <summary>
    /// The venue's trading pairs as <c>BASE/QUOTE</c>, ordinal order; null when this node has no exchange info for
    /// <paramref name="venue"/>. Throws when the exchange does not answer (the caller retries).
    /// </summary>
    Task<IReadOnlyList<string>?> PairsAsync(string venue, CancellationToken ct);
}
