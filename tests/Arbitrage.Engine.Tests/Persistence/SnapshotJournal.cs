using Akka.Configuration;
using Arbitrage.Engine.Persistence;
using Arbitrage.Testing;
using Microsoft.Data.Sqlite;

namespace Arbitrage.Engine.Tests.Persistence;

/// <summary>
/// A SQLite journal file for snapshot tests: the production HOCON (+ test.conf) with a chosen snapshot interval, copies of
/// the file (SQLite's backup, WAL included), and the edits that leave a copy with its events only, or with its snapshots
/// and only the events after them.
/// </summary>
internal sealed class SnapshotJournal : IDisposable
{
    private readonly string _directory;

    public SnapshotJournal()
    {
        Database = TestDatabases.NewSqliteFile(out _directory);
        Database.PrepareAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }

    public Database Database { get; }

    /// <summary>The node's configuration on this file; <paramref name="snapshotEvery"/> overrides the snapshot interval.</summary>
    public Config Config(int? snapshotEvery = null)
    {
        var config = AkkaConfig.Build(RepoPaths.Hocon, Database, [RepoPaths.TestHocon], includeCluster: false);
        return snapshotEvery is { } n ? ConfigurationFactory.ParseString($"{SnapshotInterval.ConfigKey} = {n}").WithFallback(config) : config;
    }

    /// <summary>A copy of the file as it is now (nothing may write to it meanwhile).</summary>
    public SnapshotJournal Copy()
    {
        var copy = new SnapshotJournal();
        using var from = Open();
        using var to = copy.Open();
        from.BackupDatabase(to);
        return copy;
    }

    /// <summary>The snapshots stored: persistence id → (sequence number, manifest), one row each.</summary>
    public IReadOnlyList<(string PersistenceId, long SequenceNr, string Manifest)> Snapshots()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT persistence_id, sequence_number, manifest FROM snapshot ORDER BY persistence_id, sequence_number";
        using var r = cmd.ExecuteReader();
        var rows = new List<(string, long, string)>();
        while (r.Read()) rows.Add((r.GetString(0), r.GetInt64(1), r.GetString(2)));
        return rows;
    }

    /// <summary>
    /// Waits (with the kit's deadline) until each of <paramref name="persistenceIds"/> has exactly one snapshot, the latest one
    /// due (fewer than <paramref name="every"/> events after it): saves and deletions run after the events that caused them.
    /// </summary>
    public void AwaitLatestSnapshots(Akka.TestKit.TestKitBase kit, int every, params string[] persistenceIds) =>
        kit.AwaitCondition(() =>
        {
            var rows = Snapshots();
            return persistenceIds.All(id => rows.Where(r => r.PersistenceId == id).ToArray() is [var only] && Events(id) - only.SequenceNr < every);
        });

    /// <summary>Events journaled for <paramref name="persistenceId"/>.</summary>
    public long Events(string persistenceId)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id = $p";
        cmd.Parameters.AddWithValue("$p", persistenceId);
        return (long)cmd.ExecuteScalar()!;
    }

    public long HighestSequenceNr(string persistenceId)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT MAX(sequence_number) FROM journal WHERE persistence_id = $p";
        cmd.Parameters.AddWithValue("$p", persistenceId);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Leaves the events only: every snapshot is deleted.</summary>
    public int DeleteSnapshots() => Execute("DELETE FROM snapshot");

    /// <summary>Leaves each snapshot and the events after it only: the events a snapshot covers are deleted.</summary>
    public int DeleteEventsCoveredBySnapshots() => Execute(
        "DELETE FROM journal WHERE EXISTS (SELECT 1 FROM snapshot s WHERE s.persistence_id = journal.persistence_id AND s.sequence_number >= journal.sequence_number)");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestDatabases.DeleteQuietly(_directory);
    }

    private int Execute(string sql)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteNonQuery();
    }

    private SqliteConnection Open() => (SqliteConnection)Database.OpenConnection();
}
