using System.Data.Common;
using Akka.Persistence.Query;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Engine.Projections;

/// <summary>
/// The read tables' side of a projection: schema, the stored offset per projection, and batches applied
/// in one transaction together with the new offset (so a restart resumes with no duplicates and no gaps).
/// </summary>
public sealed class ProjectionStore(Database database)
{
    public const string OffsetsTable = "projection_offsets";

    private static readonly string[] OffsetsSchema =
    [
        $"CREATE TABLE IF NOT EXISTS {OffsetsTable} (name VARCHAR(100) NOT NULL PRIMARY KEY, ordering BIGINT NOT NULL, updated_ms BIGINT NOT NULL)",
    ];

    public Database Database { get; } = database;

    /// <summary>Creates the offsets table and every handler's tables (idempotent; see <see cref="DatabaseSchema"/>).</summary>
    public async Task EnsureSchemaAsync(IEnumerable<IProjectionHandler> handlers, CancellationToken ct)
    {
        await Database.EnsureSchemaAsync(OffsetsSchema.Concat(handlers.SelectMany(h => h.Schema)).Distinct(StringComparer.Ordinal), ct).ConfigureAwait(false);
        var added = handlers.SelectMany(h => h.AddedColumns).Distinct().ToArray();
        if (added.Length == 0)
        {
            return;
        }

        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        foreach (var column in added)
        {
            await AddColumnIfMissingAsync(connection, column, ct).ConfigureAwait(false);
        }
    }

    private async Task AddColumnIfMissingAsync(DbConnection connection, AddedColumn column, CancellationToken ct)
    {
        var alter = $"ALTER TABLE {column.Table} ADD COLUMN {column.Column} {column.Definition}";
        if (Database.Backend == StorageBackend.PostgreSql)
        {
            // Atomic against another node doing the same.
            alter = $"ALTER TABLE {column.Table} ADD COLUMN IF NOT EXISTS {column.Column} {column.Definition}";
        }
        else
        {
            await using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT COUNT(*) FROM pragma_table_info(@table) WHERE name = @column";
            foreach (var (name, value) in new[] { ("@table", column.Table), ("@column", column.Column) })
            {
                var p = exists.CreateParameter();
                p.ParameterName = name;
                p.Value = value;
                exists.Parameters.Add(p);
            }

            if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return;
            }
        }

        await using var command = connection.CreateCommand();
        command.CommandText = alter;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The journal ordering of the last event applied by <paramref name="projection"/>; 0 before the first.</summary>
    public async Task<long> ReadOffsetAsync(string projection, CancellationToken ct)
    {
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT ordering FROM {OffsetsTable} WHERE name = @name";
        var p = command.CreateParameter();
        p.ParameterName = "@name";
        p.Value = projection;
        command.Parameters.Add(p);
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Applies the envelopes (events without a handler are skipped) and stores the last offset, all in one
    /// transaction. Returns the stored offset.
    /// </summary>
    public async Task<long> ApplyBatchAsync(string projection, IReadOnlyList<EventEnvelope> batch, IReadOnlyDictionary<Type, IProjectionHandler> handlers, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return await ReadOffsetAsync(projection, ct).ConfigureAwait(false);
        }

        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var writer = new ProjectionWriter(connection, transaction, Database.Backend);
        var last = 0L;
        foreach (var envelope in batch)
        {
            if (handlers.TryGetValue(envelope.Event.GetType(), out var handler))
            {
                await handler.ApplyAsync(writer, envelope.Event, envelope, ct).ConfigureAwait(false);
            }

            last = OrderingOf(envelope.Offset);
        }

        await writer.ExecuteAsync(
            $"INSERT INTO {OffsetsTable} (name, ordering, updated_ms) VALUES (@name, @ordering, @now) " +
            "ON CONFLICT (name) DO UPDATE SET ordering = excluded.ordering, updated_ms = excluded.updated_ms",
            ct,
            ("@name", projection),
            ("@ordering", last),
            ("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return last;
    }

    private static long OrderingOf(Offset offset) => offset switch
    {
        Sequence s => s.Value,
        _ => throw new InvalidOperationException($"Projection offsets must be journal orderings (Sequence), got {offset.GetType().Name}."),
    };
}
