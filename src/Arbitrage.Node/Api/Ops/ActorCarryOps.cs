using Akka.Actor;
using Akka.Hosting;
using Arbitrage.Engine.Funding.Carry;

namespace Arbitrage.Node.Api.Ops;

/// <summary><see cref="ICarryOps"/> by Ask to the carry actors (registered only when a carry file is configured).</summary>
public sealed class ActorCarryOps(IRequiredActor<Hosting.CarryParent> carry, TimeSpan timeout) : ICarryOps
{
    public Task<OpsOutcome> OpenAsync(string symbol, decimal notionalUsd, string user, CancellationToken ct) =>
        AskAsync(new OpenCarry(symbol, notionalUsd, user), ct);

    public Task<OpsOutcome> CloseAsync(string symbol, string reason, string user, CancellationToken ct) =>
        AskAsync(new CloseCarry(symbol, reason, user), ct);

    private async Task<OpsOutcome> AskAsync(ICarryMessage message, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            var actor = await carry.GetAsync(cts.Token).ConfigureAwait(false);
            var reply = await actor.Ask<CarryCommandReply>(message, timeout, cts.Token).ConfigureAwait(false);
            return reply.Accepted ? OpsOutcome.Done(reply.Message) : OpsOutcome.Rejected(reply.Message);
        }
        catch (Exception e) when (e is AskTimeoutException or OperationCanceledException)
        {
            return OpsOutcome.Unavailable($"the carry actors did not answer within {timeout.TotalSeconds:0.#} s (is strategies/carry/carry_funding.json configured?)");
        }
    }
}
