using Akka.Actor;
using Akka.Hosting;
using Arbitrage.Engine.Triangles;
using Arbitrage.Node.Triangles;

namespace Arbitrage.Node.Api.Ops;

/// <summary><see cref="ITriangleOps"/> by Ask to the <see cref="TriangleKeeper"/> singleton (through its proxy in the ActorRegistry).</summary>
public sealed class ActorTriangleOps(Func<CancellationToken, Task<IActorRef>> keeper, TimeSpan timeout) : ITriangleOps
{
    public ActorTriangleOps(IRequiredActor<TriangleKeeper> keeper, TimeSpan timeout)
        : this(ct => keeper.GetAsync(ct), timeout)
    {
    }

    public async Task<OpsOutcome> SetEnabledAsync(string configId, bool enabled, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(timeout);
        try
        {
            var actor = await keeper(bounded.Token).ConfigureAwait(false);
            var reply = await actor.Ask<object>(new SetTriangleConfigEnabled(configId, enabled), timeout, bounded.Token).ConfigureAwait(false);
            var word = enabled ? "enabled" : "disabled";
            return reply switch
            {
                TriangleConfigEnabledSet s => OpsOutcome.Done(s.Changed ? $"triangle config {s.ConfigId} on {s.Venue} {word}" : $"triangle config {s.ConfigId} already {word}"),
                TriangleConfigNotFound n => OpsOutcome.NotFound($"no triangle config '{n.ConfigId}'"),
                _ => OpsOutcome.Rejected($"unexpected reply {reply.GetType().Name}"),
            };
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return OpsOutcome.Unavailable($"the triangle config keeper did not answer within {timeout.TotalSeconds:0.#} s");
        }
    }
}
