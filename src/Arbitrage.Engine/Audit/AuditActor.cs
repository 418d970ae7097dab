using Akka.Actor;
using Akka.Pattern;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace Arbitrage.Engine.Audit;

/// <summary>
/// <c>audit</c>: the append-only log of operator commands (who, what, arguments, result, when). It keeps no
/// state: readers use the <c>read_audit</c> table built by the audit projection. One per cluster
/// (run it as a singleton or on the node that serves the HTTP bridge of a single-node deployment).
/// </summary>
public sealed class AuditActor : ReceivePersistentActor
{
    public const string Tag = "audit";
    public const string DefaultPersistenceId = "audit";

    private readonly TimeProvider _clock;

    public AuditActor(string persistenceId, TimeProvider clock)
    {
        PersistenceId = persistenceId;
        _clock = clock;

        // Nothing to rebuild: ids are GUIDs and results are written by the projection.
        Recover<AuditRecorded>(_ => { });
        Recover<AuditCompleted>(_ => { });

        Command<RecordAudit>(r =>
        {
            var recorded = new AuditRecorded(Guid.NewGuid().ToString("N"), r.User, r.Command, r.ArgumentsJson, AuditRecorded.Pending, Now());
            var replyTo = Sender;
            Persist(new Tagged(recorded, [Tag]), _ => replyTo.Tell(new AuditAccepted(recorded.AuditId, recorded.TimeMs)));
        });
        Command<CompleteAudit>(c =>
        {
            var completed = new AuditCompleted(c.AuditId, c.Result, Now());
            var replyTo = Sender;
            Persist(new Tagged(completed, [Tag]), _ => replyTo.Tell(completed));
        });
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId = DefaultPersistenceId, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new AuditActor(persistenceId, clock ?? TimeProvider.System));

    /// <summary>
    /// The actor under a <see cref="BackoffSupervisor"/> (a persistent actor stops when the journal fails).
    /// Asks sent to the supervisor are forwarded to the audit actor.
    /// </summary>
    public static Props SupervisedProps(string persistenceId = DefaultPersistenceId, TimeProvider? clock = null) =>
        BackoffSupervisor.Props(Backoff.OnStop(
            Props(persistenceId, clock),
            childName: "audit",
            minBackoff: TimeSpan.FromMilliseconds(500),
            maxBackoff: TimeSpan.FromSeconds(10),
            randomFactor: 0.2,
            maxNrOfRetries: -1));

    private long Now() => _clock.GetUtcNow().ToUnixTimeMilliseconds();
}
