using Akka.Actor;
using Akka.Hosting;
using Arbitrage.Engine.Audit;

namespace Arbitrage.Node.Api.Ops;

/// <summary><see cref="IAuditLog"/> over the <see cref="AuditActor"/> registered in Akka.Hosting's ActorRegistry.</summary>
public sealed class ActorAuditLog(Func<CancellationToken, Task<IActorRef>> audit, TimeSpan timeout, ILogger<ActorAuditLog> log) : IAuditLog
{
    public ActorAuditLog(IRequiredActor<AuditActor> audit, TimeSpan timeout, ILogger<ActorAuditLog> log)
        : this(ct => audit.GetAsync(ct), timeout, log)
    {
    }

    public async Task<string?> BeginAsync(string user, string command, string argumentsJson, CancellationToken ct)
    {
        try
        {
            var actor = await audit(ct).ConfigureAwait(false);
            var accepted = await actor.Ask<AuditAccepted>(new RecordAudit(user, command, argumentsJson), timeout, ct).ConfigureAwait(false);
            return accepted.AuditId;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            log.LogWarning("Audit log did not confirm {Command} by {User} within {Timeout}: command not run", command, user, timeout);
            return null;
        }
    }

    public async Task<bool> CompleteAsync(string auditId, string result, CancellationToken ct)
    {
        try
        {
            var actor = await audit(ct).ConfigureAwait(false);
            await actor.Ask<AuditCompleted>(new CompleteAudit(auditId, result), timeout, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            log.LogWarning("Audit result of {AuditId} not confirmed within {Timeout}; the entry stays pending", auditId, timeout);
            return false;
        }
    }
}
