using Akka.Actor;
using Akka.Cluster;
using Arbitrage.Engine.Diagnostics;

namespace Arbitrage.Node.Api.Diagnostics;

/// <summary>
/// Runs on every node at <see cref="NodeDiagnosticsPaths.Actor"/> and answers <see cref="GetActorPaths"/> from any
/// member with this node's own hierarchy (an <see cref="ActorTreeWalker"/> over <c>/user</c> and <c>/system</c>), so the
/// node an operator asks can show the whole cluster's actors.
/// </summary>
public sealed class NodeDiagnosticsActor : ReceiveActor
{
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(150);

    /// <summary>Characters of paths in one reply: well under Akka remoting's default 128 000-byte frame.</summary>
    public const int MaxReplyChars = 96_000;

    public NodeDiagnosticsActor()
    {
        var address = Cluster.Get(Context.System).SelfAddress.ToString();
        Receive<GetActorPaths>(ask =>
        {
            var depth = Math.Clamp(ask.Depth, 1, DiagnosticsEndpoints.MaxDepth);
            var result = new TaskCompletionSource<ActorTree>(TaskCreationOptions.RunContinuationsAsynchronously);
            Context.ActorOf(ActorTreeWalker.Props(["/user", "/system"], depth, Math.Clamp(ask.MaxNodes, 1, DiagnosticsEndpoints.MaxNodes), Quiet, result));
            result.Task.PipeTo(Sender, success: tree =>
            {
                var (paths, cut) = ActorTree.Bounded(tree.Paths(), MaxReplyChars);
                return new ActorPaths(address, paths, tree.Depth, tree.Truncated || cut);
            });
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new NodeDiagnosticsActor());
}
