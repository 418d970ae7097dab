using Arbitrage.Engine.Funding;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;
using Arbitrage.Engine.Recording;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Persistence;

/// <summary>
/// Schema creators racing on an empty database, as the projections (one stream per tag), stores and nodes
/// do at a first start: PostgreSQL's CREATE TABLE IF NOT EXISTS alone lets the losers fail with 23505;
/// serialized by <see cref="DatabaseSchema"/> every creator succeeds and the tables exist once.
/// </summary>
public sealed class DatabaseSchemaTests
{
    private const int Creators = 8;

    [SkippableFact]
    public async Task Concurrent_creators_of_the_same_tables_all_succeed_on_an_empty_postgres_schema()
    {
        await using var fresh = await FreshPostgresSchema.CreateAsync();
        var handlers = ReadModels.DefaultHandlers();

        // Each creator on its own connection, all released at once.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var creators = Enumerable.Range(0, Creators).Select(i => Task.Run(async () =>
        {
            await start.Task;
            switch (i % 3)
            {
                case 0:
                    await new ProjectionStore(fresh.Database).EnsureSchemaAsync(handlers, CancellationToken.None);
                    break;
                case 1:
                    await FundingSchema.EnsureCreatedAsync(fresh.Database);
                    await new ProjectionStore(fresh.Database).EnsureSchemaAsync(handlers, CancellationToken.None);
                    break;
                default:
                    await new AggTradeStore(fresh.Database).EnsureSchemaAsync();
                    await FundingSchema.EnsureCreatedAsync(fresh.Database);
                    break;
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(creators);

        var tables = await fresh.TablesAsync();
        Assert.Contains(ProjectionStore.OffsetsTable, tables);
        Assert.Contains("read_signals", tables);
        Assert.Contains("funding_snapshots", tables);
        Assert.Contains("agg_trades", tables);
    }

    [Fact]
    public async Task Concurrent_creators_all_succeed_on_an_empty_sqlite_file()
    {
        var db = TestDatabases.NewSqliteFile(out var dir);
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(5));
            var handlers = ReadModels.DefaultHandlers();
            await Task.WhenAll(Enumerable.Range(0, Creators).Select(_ => Task.Run(() => new ProjectionStore(db).EnsureSchemaAsync(handlers, CancellationToken.None))));

            await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{ProjectionStore.OffsetsTable}'";
            Assert.Equal(1L, await count.ExecuteScalarAsync());
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }
}
