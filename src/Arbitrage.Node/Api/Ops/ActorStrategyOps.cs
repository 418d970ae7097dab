using Akka.Actor;
using Akka.Hosting;
using Arbitrage.Engine.Strategies;

namespace Arbitrage.Node.Api.Ops;

/// <summary><see cref="IStrategyOps"/> by Ask to the <see cref="StrategiesActor"/> registered in the ActorRegistry.</summary>
public sealed class ActorStrategyOps(Func<CancellationToken, Task<IActorRef>> strategies, TimeSpan timeout) : IStrategyOps
{
    public ActorStrategyOps(IRequiredActor<StrategiesActor> strategies, TimeSpan timeout)
        : this(ct => strategies.GetAsync(ct), timeout)
    {
    }

    public async Task<OpsOutcome> SetEnabledAsync(string strategyId, bool enabled, CancellationToken ct)
    {
        try
        {
            var actor = await strategies(ct).ConfigureAwait(false);
            var reply = await actor.Ask<object>(new SetStrategyEnabled(strategyId, enabled), timeout, ct).ConfigureAwait(false);
            return reply switch
            {
                StrategyEnabledSet s => OpsOutcome.Done(s.Changed ? $"strategy {s.StrategyId} {(s.Enabled ? "enabled" : "disabled")}" : $"strategy {s.StrategyId} already {(s.Enabled ? "enabled" : "disabled")}"),
                StrategyNotFound n => OpsOutcome.NotFound($"no running strategy '{n.StrategyId}'"),
                _ => OpsOutcome.Rejected($"unexpected reply {reply.GetType().Name}"),
            };
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return OpsOutcome.Unavailable($"the strategies supervisor did not answer within {timeout.TotalSeconds:0.#} s");
        }
    }
}
