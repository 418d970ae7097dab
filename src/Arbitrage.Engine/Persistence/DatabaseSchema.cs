namespace Arbitrage.Engine.Persistence;

/// <summary>
/// Runs idempotent DDL (<c>CREATE TABLE/INDEX IF NOT EXISTS</c>) one creator at a time. On PostgreSQL,
/// <c>IF NOT EXISTS</c> does not hold under concurrency: two sessions creating the same table race on the
/// catalog and the loser fails with 23505 (<c>pg_class_relname_nsp_index</c>). So every creator first takes
/// one transaction-scoped advisory lock: creators in this process and in the other nodes of a cluster run one
/// after another, and the later ones find the tables. SQLite serializes writers itself.
/// </summary>
public static class DatabaseSchema
{
    /// <summary>The advisory lock every node takes around schema creation (any fixed number, the same everywhere).</summary>
    public const long PostgresLockKey = 0x4152_4253_4348_454D;

    /// <summary>Runs <paramref name="statements"/> in order; on PostgreSQL in one transaction under the schema lock.</summary>
    public static async Task EnsureSchemaAsync(this Database database, IEnumerable<string> statements, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(statements);
        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        if (database.Backend != StorageBackend.PostgreSql)
        {
            foreach (var ddl in statements)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = ddl;
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var sql in statements.Prepend($"SELECT pg_advisory_xact_lock({PostgresLockKey})"))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }
}
