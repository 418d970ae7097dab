using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Diagnostics;

/// <summary>
/// Asked of the diagnostics actor every node runs at <see cref="NodeDiagnosticsPaths.Actor"/>: its local actor paths
/// under <c>/user</c> and <c>/system</c>, <paramref name="Depth"/> levels deep, at most <paramref name="MaxNodes"/>.
/// </summary>
[Manifest("diag-get-actor-paths.v1")]
public sealed record GetActorPaths(int Depth, int MaxNodes) : IWireMessage;

/// <summary>
/// A node's actor paths (without address, parents before children; the roots <c>/user</c> and <c>/system</c> first):
/// flat, so the reply stays a bounded list and the asking node rebuilds the tree.
/// </summary>
[Manifest("diag-actor-paths.v1")]
public sealed record ActorPaths(string Address, IReadOnlyList<string> Paths, int Depth, bool Truncated) : IWireMessage;

public static class NodeDiagnosticsPaths
{
    /// <summary>The diagnostics actor's name under <c>/user</c> on every node.</summary>
    public const string ActorName = "diagnostics";

    public const string Actor = "/user/" + ActorName;
}
