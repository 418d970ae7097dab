using Akka.Actor;
using Arbitrage.Engine.Persistence;
using Arbitrage.Testing;
using LinqToDB.Data;
using Microsoft.Data.Sqlite;

namespace Arbitrage.Engine.Tests.Persistence;

/// <summary>
/// SQLite's <c>synchronous</c> is per connection: every connection the node opens — its own and the journal's
/// (linq2db, through <see cref="PersistenceSetup"/>) — must carry the configured level.
/// </summary>
public sealed class SqliteDurabilityTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "arb-durability-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => TestDatabases.DeleteQuietly(_dir);

    [Theory]
    [InlineData(SqliteSynchronous.Normal, 1)]
    [InlineData(SqliteSynchronous.Full, 2)]
    public async Task Every_connection_carries_the_configured_synchronous_level(SqliteSynchronous level, long expected)
    {
        var db = Database.From(new StorageOptions { DataDir = _dir, SqliteSynchronous = level });
        await db.PrepareAsync(TimeSpan.FromSeconds(10));

        await using (var own = db.OpenConnection())
        {
            Assert.Equal(expected, Pragma(own, "synchronous"));
            Assert.Equal("wal", PragmaText(own, "journal_mode"));
        }

        // The options handed to Akka.Persistence.Sql (linq2db connections).
        await using var linq = new DataConnection(PersistenceSetup.Options(db));
        Assert.Equal(expected, linq.Execute<long>("PRAGMA synchronous"));
    }

    [Fact]
    public void Default_is_normal() =>
        Assert.Equal(SqliteSynchronous.Normal, Database.From(new StorageOptions { DataDir = _dir }).Synchronous);

    [Fact]
    public void An_undefined_level_is_refused_naming_the_key()
    {
        var e = Assert.Throws<ArgumentException>(() => Database.From(new StorageOptions { DataDir = _dir, SqliteSynchronous = (SqliteSynchronous)7 }));
        Assert.Contains("Storage:SqliteSynchronous", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The journal really uses the setup's options, not only the HOCON's: the HOCON points at file A, the setup at
    /// file B — the events land in B.
    /// </summary>
    [Fact]
    public async Task The_journal_writes_through_the_setup_connections()
    {
        var hoconDb = Database.From(new StorageOptions { DataDir = _dir, SqliteFile = "a.db" });
        var setupDb = Database.From(new StorageOptions { DataDir = _dir, SqliteFile = "b.db" });
        await hoconDb.PrepareAsync(TimeSpan.FromSeconds(10));
        await setupDb.PrepareAsync(TimeSpan.FromSeconds(10));
        var config = AkkaConfig.Build(RepoPaths.Hocon, hoconDb, [RepoPaths.TestHocon], includeCluster: false);

        var system = ActorSystem.Create("durability", PersistenceSetup.Bootstrap(config, setupDb));
        try
        {
            var counter = system.ActorOf(Props.Create(() => new CounterActor("durability-counter")));
            Assert.Equal(5, await counter.Ask<int>(new CounterActor.Increment(5), TimeSpan.FromSeconds(20)));
        }
        finally
        {
            await system.Terminate();
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(1L, CountEvents(setupDb));
        Assert.Equal(0L, CountEvents(hoconDb));
    }

    private static long CountEvents(Database db)
    {
        using var c = db.OpenConnection();
        using var exists = c.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'";
        if ((long)exists.ExecuteScalar()! == 0)
        {
            return 0;
        }

        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM journal WHERE persistence_id = 'durability-counter'";
        return (long)cmd.ExecuteScalar()!;
    }

    private static long Pragma(System.Data.Common.DbConnection c, string name)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"PRAGMA {name}";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string PragmaText(System.Data.Common.DbConnection c, string name)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"PRAGMA {name}";
        return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
