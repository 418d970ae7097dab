using Akka.Actor;
using Akka.Hosting;
using Arbitrage.Engine.Risk;

namespace Arbitrage.Node.Api.Ops;

/// <summary><see cref="IRiskOps"/> by Ask to the risk-guard singleton (through its proxy).</summary>
public sealed class ActorRiskOps(IRequiredActor<Hosting.RiskGuard> guard, TimeSpan timeout) : IRiskOps
{
    public Task<OpsOutcome> KillAsync(string user, string reason, CancellationToken ct) =>
        AskAsync(new EngageKillSwitch(user, reason), "kill switch engaged: positions flattened, new orders blocked", ct);

    public Task<OpsOutcome> ResumeAsync(string user, CancellationToken ct) =>
        AskAsync(new ResumeTrading(user), "trading resumed", ct);

    private async Task<OpsOutcome> AskAsync(object command, string done, CancellationToken ct)
    {
        try
        {
            var actor = await guard.GetAsync(ct).ConfigureAwait(false);
            var status = await actor.Ask<RiskStatus>(command, timeout, ct).ConfigureAwait(false);
            return OpsOutcome.Done($"{done}; kill switch {(status.State.KillSwitch is null ? "off" : "on")}, {status.Positions.Count} open position(s)");
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return OpsOutcome.Unavailable($"the risk guard did not answer within {timeout.TotalSeconds:0.#} s");
        }
    }
}
