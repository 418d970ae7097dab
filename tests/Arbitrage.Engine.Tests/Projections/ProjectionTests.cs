using System.Data.Common;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Query;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Audit;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Projections;

/// <summary>Persists whatever it is sent under one tag and answers with the event once it is durable.</summary>
public sealed class TaggedWriter : ReceivePersistentActor
{
    public TaggedWriter(string persistenceId, string tag)
    {
        PersistenceId = persistenceId;
        Recover<object>(_ => { });
        Command<object>(e => Persist(new Tagged(e, [tag]), _ => Sender.Tell(e)));
    }

    public override string PersistenceId { get; }
}

/// <summary>
/// A signal handler writing to a table WITHOUT a unique key, on its own tag: a duplicate or a gap after a
/// restart shows up as a wrong row count instead of being masked by a constraint.
/// </summary>
public sealed class CountingSignalProjection(string tag, string table) : ProjectionHandler<SignalEmitted>
{
    public override string Tag => tag;

    public override IReadOnlyList<string> Schema { get; } =
        [$"CREATE TABLE IF NOT EXISTS {table} (signal_id VARCHAR(100) NOT NULL, seq BIGINT NOT NULL)"];

    protected override Task ApplyAsync(ProjectionWriter writer, SignalEmitted e, EventEnvelope envelope, CancellationToken ct) =>
        writer.ExecuteAsync($"INSERT INTO {table} (signal_id, seq) VALUES (@id, @seq)", ct, ("@id", e.SignalId), ("@seq", ((Sequence)envelope.Offset).Value));
}

public sealed class ProjectionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static SignalEmitted Signal(string id, string symbol = "BTCUSDT", string strategy = "s1") =>
        new(id, strategy, "1", symbol, Direction.Long, 1_700_000_000_000, 71.5, 60, 100, 2, 97, 103, 106,
            [new SignalContributionRecord("rsi", 10, 1, "ok", 28.5)]);

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Restart_resumes_from_the_stored_offset_with_no_duplicates_and_no_gaps(string backend)
    {
        var db = TestDatabases.ByName(backend, out var dir);
        var run = Guid.NewGuid().ToString("N")[..12];
        var tag = "test-signal-" + run;
        var table = "test_projected_" + run;
        var handler = new CountingSignalProjection(tag, table);
        var settings = ProjectionSettings.Default with { BatchSize = 3, MinBackoff = TimeSpan.FromMilliseconds(200) };
        var ids = new List<string>();
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var config = AkkaConfig.Build(RepoPaths.Hocon, db, [RepoPaths.TestHocon], includeCluster: false);

            var first = ActorSystem.Create("first", config);
            try
            {
                await WriteAsync(first, "writer-" + run, tag, 7, ids);
                var projections = first.StartProjections(db, [handler], settings);
                await UntilAsync(() => CountAsync(db, table), 7);
                await projections.StopAsync();

                // Written while the projection is down: must appear after the restart, once.
                await WriteAsync(first, "writer-" + run, tag, 5, ids);
            }
            finally
            {
                await first.Terminate();
            }

            var second = ActorSystem.Create("second", config);
            try
            {
                var projections = second.StartProjections(db, [handler], settings);
                await WriteAsync(second, "writer-" + run, tag, 4, ids);
                await UntilAsync(() => CountAsync(db, table), 16);
                await projections.StopAsync();
            }
            finally
            {
                await second.Terminate();
            }

            var rows = await RowsAsync(db, $"SELECT signal_id, seq FROM {table} ORDER BY seq");
            Assert.Equal(ids, rows.Select(r => (string)r[0]));
            var seqs = rows.Select(r => Convert.ToInt64(r[1])).ToArray();
            Assert.Equal(seqs.Distinct().Count(), seqs.Length);
            var stored = await new ProjectionStore(db).ReadOffsetAsync(ProjectionExtensions.ProjectionName(tag), CancellationToken.None);
            Assert.Equal(seqs[^1], stored);
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Audit_intent_and_result_become_one_read_row_per_command()
    {
        var db = TestDatabases.NewSqliteFile(out var dir);
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var config = AkkaConfig.Build(RepoPaths.Hocon, db, [RepoPaths.TestHocon], includeCluster: false);
            var system = ActorSystem.Create("audit", config);
            try
            {
                var audit = system.ActorOf(AuditActor.SupervisedProps(), "audit");
                var a = await audit.Ask<AuditAccepted>(new RecordAudit("alice", "kill", """{"reason":"test"}"""), Patience);
                var b = await audit.Ask<AuditAccepted>(new RecordAudit("bob", "resume", "{}"), Patience);
                await audit.Ask<AuditCompleted>(new CompleteAudit(a.AuditId, "ok"), Patience);
                var projections = system.StartProjections(db, settings: ProjectionSettings.Default with { BatchWindow = TimeSpan.FromMilliseconds(20) });
                await UntilAsync(() => ScalarAsync(db, $"SELECT COUNT(*) FROM {AuditRecordedProjection.Table} WHERE result <> 'pending'"), 1);
                await UntilAsync(() => CountAsync(db, AuditRecordedProjection.Table), 2);
                await projections.StopAsync();

                var rows = await RowsAsync(db, $"SELECT audit_id, user_name, command, arguments_json, result FROM {AuditRecordedProjection.Table} ORDER BY seq");
                Assert.Equal([a.AuditId, "alice", "kill", """{"reason":"test"}""", "ok"], rows[0]);
                Assert.Equal([b.AuditId, "bob", "resume", "{}", "pending"], rows[1]);
            }
            finally
            {
                await system.Terminate();
            }
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }

    /// <summary>A table as an older version created it, and a column a later version added.</summary>
    private sealed class GrownTable(string table) : ProjectionHandler<SignalEmitted>
    {
        public override string Tag => "unused";

        public override IReadOnlyList<string> Schema { get; } =
            [$"CREATE TABLE IF NOT EXISTS {table} (id VARCHAR(20) NOT NULL, note TEXT NOT NULL DEFAULT '')"];

        public override IReadOnlyList<AddedColumn> AddedColumns { get; } = [new(table, "note", "TEXT NOT NULL DEFAULT ''")];

        protected override Task ApplyAsync(ProjectionWriter writer, SignalEmitted e, EventEnvelope envelope, CancellationToken ct) => Task.CompletedTask;
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_column_added_after_a_table_shipped_is_added_to_an_existing_table_once(string backend)
    {
        var db = TestDatabases.ByName(backend, out var dir);
        var table = "test_grown_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            await ExecuteAsync(db, $"CREATE TABLE {table} (id VARCHAR(20) NOT NULL)", $"INSERT INTO {table} (id) VALUES ('old')");

            var store = new ProjectionStore(db);
            await store.EnsureSchemaAsync([new GrownTable(table)], CancellationToken.None);
            await store.EnsureSchemaAsync([new GrownTable(table)], CancellationToken.None); // a restart: nothing to add
            await ExecuteAsync(db, $"INSERT INTO {table} (id, note) VALUES ('new', 'hello')");

            var rows = await RowsAsync(db, $"SELECT id, note FROM {table} ORDER BY id");
            Assert.Equal([["new", "hello"], ["old", ""]], rows);
        }
        finally
        {
            await ExecuteAsync(db, $"DROP TABLE IF EXISTS {table}");
            TestDatabases.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Read_trades_from_before_the_exit_codes_gain_exit_detail_and_new_trades_store_code_and_detail()
    {
        var db = TestDatabases.NewSqliteFile(out var dir);
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            // read_trades as the previous version created and filled it: a flatten's words in exit_reason.
            await ExecuteAsync(
                db,
                """
                CREATE TABLE read_trades (seq BIGINT NOT NULL PRIMARY KEY, signal_id VARCHAR(64) NOT NULL UNIQUE, symbol VARCHAR(32) NOT NULL,
                    strategy VARCHAR(100) NOT NULL, direction VARCHAR(8) NOT NULL, entry_time_ms BIGINT NOT NULL, entry TEXT NOT NULL,
                    qty TEXT NOT NULL, exit_time_ms BIGINT NOT NULL, exit TEXT NOT NULL, exit_reason VARCHAR(200) NOT NULL,
                    pnl_usd TEXT NOT NULL, pnl_r TEXT NOT NULL, fees_usd TEXT NOT NULL)
                """,
                "INSERT INTO read_trades VALUES (0, 'old-1', 'BTCUSDT', 'v51', 'long', 1, '100', '1', 2, '99', 'kill switch by ops: test', '-1', '-0.5', '0.08')");

            var config = AkkaConfig.Build(RepoPaths.Hocon, db, [RepoPaths.TestHocon], includeCluster: false);
            var system = ActorSystem.Create("trades", config);
            try
            {
                var projections = system.StartProjections(db, [new TradeClosedProjection()], ProjectionSettings.Default with { BatchWindow = TimeSpan.FromMilliseconds(20) });
                var writer = system.ActorOf(Props.Create(() => new TaggedWriter("executor-test", "order")));
                await writer.Ask<TradeClosed>(
                    new TradeClosed("new-1", "BTCUSDT", "v51", Direction.Short, 10, 100m, 1m, 20, 101m,
                        ExitReason.HoldTimeout, "BTCUSDT held 70 min (≥ 70 min) since x", -1m, -0.5m, 0.08m, 20),
                    Patience);
                await UntilAsync(() => CountAsync(db, TradeClosedProjection.Table), 2);
                await projections.StopAsync();
            }
            finally
            {
                await system.Terminate();
            }

            var rows = await RowsAsync(db, $"SELECT signal_id, exit_reason, exit_detail FROM {TradeClosedProjection.Table} ORDER BY signal_id");
            Assert.Equal([["new-1", "hold_timeout", "BTCUSDT held 70 min (≥ 70 min) since x"], ["old-1", "kill switch by ops: test", ""]], rows);
            // What /api/trades shows for each.
            Assert.Equal(("hold_timeout", "BTCUSDT held 70 min (≥ 70 min) since x"), TradeClosedProjection.ReadExit((string)rows[0][1], (string)rows[0][2]));
            Assert.Equal(("kill_switch", "kill switch by ops: test"), TradeClosedProjection.ReadExit((string)rows[1][1], (string)rows[1][2]));
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }

    private static async Task ExecuteAsync(Database db, params string[] statements)
    {
        await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
        foreach (var sql in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task WriteAsync(ActorSystem system, string persistenceId, string tag, int count, List<string> ids)
    {
        var writer = system.ActorOf(Props.Create(() => new TaggedWriter(persistenceId, tag)));
        for (var i = 0; i < count; i++)
        {
            var id = $"sig-{ids.Count:D3}";
            await writer.Ask<SignalEmitted>(Signal(id), Patience);
            ids.Add(id);
        }

        await writer.GracefulStop(Patience);
    }

    private static Task<long> CountAsync(Database db, string table) => ScalarAsync(db, $"SELECT COUNT(*) FROM {table}");

    private static async Task<long> ScalarAsync(Database db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        catch (DbException)
        {
            return -1; // table not created yet
        }
    }

    private static async Task<List<object[]>> RowsAsync(Database db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Polls until <paramref name="probe"/> reaches <paramref name="expected"/>; fails on overshoot or timeout.</summary>
    private static async Task UntilAsync(Func<Task<long>> probe, long expected)
    {
        var deadline = DateTime.UtcNow + Patience;
        long last;
        while ((last = await probe()) < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(expected, last);
    }
}
