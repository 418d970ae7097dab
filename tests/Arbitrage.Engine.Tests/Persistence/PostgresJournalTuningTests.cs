using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Arbitrage.Engine.Persistence;
using Arbitrage.Testing;
using Npgsql;

namespace Arbitrage.Engine.Tests.Persistence;

/// <summary>
/// The PostgreSQL journal's tuning (parameterized tag-table inserts, No Reset On Close, auto-prepare) changes how
/// rows are written, not what: tagged events written before the tuning and after it read back by tag and by
/// persistence id, in order, none lost or repeated.
/// </summary>
public sealed class PostgresJournalTuningTests
{
    private const string Tag = "tuning-test";

    [Fact]
    public void The_journal_connection_adds_no_reset_on_close_and_auto_prepare_and_keeps_what_the_operator_set()
    {
        var tuned = new NpgsqlConnectionStringBuilder(AkkaConfig.JournalConnectionString("Host=db.example;Username=u;Password=p;Database=d"));
        Assert.True(tuned.NoResetOnClose);
        Assert.Equal(32, tuned.MaxAutoPrepare);
        Assert.Equal(2, tuned.AutoPrepareMinUsages);
        Assert.Equal("db.example", tuned.Host);

        var kept = new NpgsqlConnectionStringBuilder(AkkaConfig.JournalConnectionString("Host=h;Database=d;No Reset On Close=false;Max Auto Prepare=0"));
        Assert.False(kept.NoResetOnClose);
        Assert.Equal(0, kept.MaxAutoPrepare);

        var pg = Database.From(new StorageOptions { Postgres = "Host=db.example;Username=u;Password=p;Database=d" });
        var config = AkkaConfig.Build(RepoPaths.Hocon, pg);
        foreach (var path in new[] { "akka.persistence.journal.sql", "akka.persistence.snapshot-store.sql", "akka.persistence.query.journal.sql" })
        {
            Assert.True(new NpgsqlConnectionStringBuilder(config.GetString(path + ".connection-string")).NoResetOnClose, path);
        }

        // The node hands the plugin linq2db options (PersistenceSetup), which take precedence over the HOCON string.
        Assert.True(new NpgsqlConnectionStringBuilder(PersistenceSetup.Options(pg).ConnectionOptions.ConnectionString).NoResetOnClose);

        Assert.Equal("parameterized", config.GetString("akka.persistence.journal.sql.tagtable-asqueryable-insert-mode"));
        Assert.Equal("TagTable", config.GetString("akka.persistence.journal.sql.tag-write-mode"));

        // SQLite keeps its connection string as built.
        var sqlite = Database.From(new StorageOptions { DataDir = "/tmp/x" });
        Assert.Equal(sqlite.ConnectionString, AkkaConfig.Build(RepoPaths.Hocon, sqlite).GetString("akka.persistence.journal.sql.connection-string"));
    }

    [SkippableFact]
    public async Task Tagged_events_written_before_the_tuning_and_after_it_read_back_by_tag_and_by_id_in_order()
    {
        await using var fresh = await FreshPostgresSchema.CreateAsync();
        await fresh.Database.PrepareAsync(TimeSpan.FromSeconds(10));
        var shipped = AkkaConfig.Build(RepoPaths.Hocon, fresh.Database, [RepoPaths.TestHocon], includeCluster: false);
        var previous = ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.sql {
              tagtable-asqueryable-insert-mode = off
              connection-string = "{{fresh.ConnectionString}}"
            }
            """).WithFallback(shipped);
        var ids = new[] { $"tuning-a-{Guid.NewGuid():N}", $"tuning-b-{Guid.NewGuid():N}" };

        // Before: the previous settings write 3 PersistAll batches of 40 per id.
        var before = ActorSystem.Create("before", previous);
        try
        {
            foreach (var id in ids)
            {
                Assert.Equal(120, await WriteAsync(before, id, 3, 40));
            }
        }
        finally
        {
            await before.Terminate();
        }

        // After: the shipped settings recover each id and append 5 batches of 100, both ids at once.
        var after = ActorSystem.Create("after", PersistenceSetup.Bootstrap(shipped, fresh.Database));
        try
        {
            var writes = await Task.WhenAll(ids.Select(id => WriteAsync(after, id, 5, 100)));
            Assert.All(writes, n => Assert.Equal(620, n));

            var journal = PersistenceQuery.Get(after).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
            var byTag = await journal.CurrentEventsByTag(Tag, Offset.NoOffset())
                .RunWith(Sink.Seq<EventEnvelope>(), after.Materializer())
                .WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(1240, byTag.Count);
            var offsets = byTag.Select(e => ((Sequence)e.Offset).Value).ToList();
            Assert.Equal(offsets.Order().ToList(), offsets);
            Assert.Equal(offsets.Count, offsets.Distinct().Count());
            foreach (var id in ids)
            {
                var mine = byTag.Where(e => e.PersistenceId == id).ToList();
                Assert.Equal(Enumerable.Range(1, 620).Select(i => (long)i), mine.Select(e => e.SequenceNr));
                Assert.Equal(Enumerable.Range(1, 620), mine.Select(e => ((TuningEvent)e.Event).N));
            }

            // And a restart reads every id back whole, in order.
            foreach (var id in ids)
            {
                var probe = after.ActorOf(Props.Create(() => new TuningWriter(id)));
                var seen = await probe.Ask<IReadOnlyList<int>>(new TuningWriter.Seen(), TimeSpan.FromSeconds(30));
                Assert.Equal(Enumerable.Range(1, 620), seen);
            }
        }
        finally
        {
            await after.Terminate();
        }
    }

    /// <summary>Recovers the id, then appends <paramref name="batches"/> PersistAll batches; returns the events it then holds.</summary>
    private static async Task<int> WriteAsync(ActorSystem system, string id, int batches, int size)
    {
        var writer = system.ActorOf(Props.Create(() => new TuningWriter(id)));
        var total = 0;
        for (var b = 0; b < batches; b++)
        {
            total = await writer.Ask<int>(new TuningWriter.Append(size), TimeSpan.FromSeconds(30));
        }

        await writer.GracefulStop(TimeSpan.FromSeconds(10));
        return total;
    }

    private sealed class TuningWriter : ReceivePersistentActor
    {
        private static readonly string[] Tags = [Tag];
        private readonly List<int> _seen = [];

        public TuningWriter(string id)
        {
            PersistenceId = id;
            Recover<TuningEvent>(e => _seen.Add(e.N));
            Recover<Tagged>(t => _seen.Add(((TuningEvent)t.Payload).N));
            Command<Append>(a =>
            {
                var events = Enumerable.Range(_seen.Count + 1, a.Count).Select(n => new Tagged(new TuningEvent(n), Tags)).ToList();
                var left = events.Count;
                PersistAll(events, t =>
                {
                    _seen.Add(((TuningEvent)t.Payload).N);
                    if (--left == 0)
                    {
                        Sender.Tell(_seen.Count);
                    }
                });
            });
            Command<Seen>(_ => Sender.Tell((IReadOnlyList<int>)_seen.ToList()));
        }

        public override string PersistenceId { get; }

        public sealed record Append(int Count);

        public sealed record Seen;
    }
}

[Arbitrage.Core.Serialization.Manifest("test-tuning-event.v1")]
public sealed record TuningEvent(int N) : Arbitrage.Core.Serialization.IPersistedEvent;
