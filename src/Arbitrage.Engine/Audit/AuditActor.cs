using Akka.Actor;
using Akka.Pattern;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Engine.Audit;

/// <summary>
/// <c>audit</c>: the append-only log of operator commands (who, what, arguments, result, when). It keeps no
/// state: readers use the <c>read_audit</c> table built by the audit projection. One per cluster
/// (run it as a singleton or on the node that serves the HTTP bridge of a single-node deployment). A snapshot
/// (<see cref="AuditSnapshot"/>, nothing in it) every <see cref="SnapshotInterval"/> entries lets a restart skip the entries before it.
/// </summary>
public sealed class AuditActor : ReceivePersistentActor
{
    public const string Tag = "audit";
    public const string DefaultPersistenceId = "audit";

    private readonly TimeProvider _clock;
    private readonly SnapshotInterval _snapshots = SnapshotInterval.From(Context.System.Settings.Config);

    public AuditActor(string persistenceId, TimeProvider clock)
    {
        PersistenceId = persistenceId;
        _clock = clock;

        // Nothing to rebuild: ids are GUIDs and results are written by the projection.
        Recover<SnapshotOffer>(o => _snapshots.Recovered(o.Metadata.SequenceNr));
        Recover<AuditRecorded>(_ => { });
        Recover<AuditCompleted>(_ => { });
        Recover<RecoveryCompleted>(_ => SnapshotIfDue());

        Command<RecordAudit>(r =>
        {
            var recorded = new AuditRecorded(Guid.NewGuid().ToString("N"), r.User, r.Command, r.ArgumentsJson, AuditRecorded.Pending, Now());
            var replyTo = Sender;
            Persist(new Tagged(recorded, [Tag]), _ =>
            {
                replyTo.Tell(new AuditAccepted(recorded.AuditId, recorded.TimeMs));
                SnapshotIfDue();
            });
        });
        Command<CompleteAudit>(c =>
        {
            var completed = new AuditCompleted(c.AuditId, c.Result, Now());
            var replyTo = Sender;
            Persist(new Tagged(completed, [Tag]), _ =>
            {
                replyTo.Tell(completed);
                SnapshotIfDue();
            });
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { }); // the journal still has every entry; the next interval tries again
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
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

    private void SnapshotIfDue()
    {
        if (_snapshots.Due(LastSequenceNr)) SaveSnapshot(AuditSnapshot.Instance);
    }
}
