using Arbitrage.Engine.Audit;
using Xunit.Abstractions;
using TestKit = Akka.TestKit.Xunit2.TestKit;

namespace Arbitrage.Engine.Tests.Persistence;

/// <summary>
/// Issue 14, item 2: the audit log keeps no state, yet snapshots every N entries so a restart reads only the entries after
/// its latest snapshot; it then goes on numbering where the journal left off.
/// </summary>
public sealed class AuditSnapshotTests(ITestOutputHelper output) : IDisposable
{
    private readonly SnapshotJournal _journal = new();

    public void Dispose() => _journal.Dispose();

    [Fact]
    public void A_restart_reads_from_the_latest_snapshot_and_appends_after_the_last_entry()
    {
        using (var kit = new TestKit(_journal.Config(snapshotEvery: 3), "audit", output))
        {
            var audit = kit.Sys.ActorOf(AuditActor.Props("audit-snap"));
            for (var i = 0; i < 4; i++)
            {
                var accepted = Ask<AuditAccepted>(kit, audit, new RecordAudit("ops", "kill", "{}"));
                Ask<AuditCompleted>(kit, audit, new CompleteAudit(accepted.AuditId, "ok"));
            }

            _journal.AwaitLatestSnapshots(kit, 3, "audit-snap");
        }

        Assert.Equal([("audit-snap", 6L, "audit-snapshot.v1")], _journal.Snapshots());
        Assert.Equal(6, _journal.DeleteEventsCoveredBySnapshots()); // only the snapshot and entries 7, 8 are left

        using (var kit = new TestKit(_journal.Config(), "restart", output))
        {
            var audit = kit.Sys.ActorOf(AuditActor.Props("audit-snap"));
            Ask<AuditAccepted>(kit, audit, new RecordAudit("ops", "resume", "{}"));
        }

        Assert.Equal(3, _journal.Events("audit-snap"));
        Assert.Equal(9, _journal.HighestSequenceNr("audit-snap"));
    }

    private static T Ask<T>(TestKit kit, Akka.Actor.IActorRef target, object message)
    {
        var probe = kit.CreateTestProbe();
        target.Tell(message, probe.Ref);
        return probe.ExpectMsg<T>(TimeSpan.FromSeconds(10));
    }
}
