using System.Data.Common;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Node.Alerts;

/// <summary>
/// <c>alert_outbox</c>: every alert, one row per channel, written before any send; a delivery marks its row. The unique
/// (channel, dedup_key) makes a second write of the same event a no-op, so an alert is delivered at least once across a
/// crash and, by its key, not twice. SQLite and PostgreSQL, plain ADO like the other read-model tables.
/// </summary>
public sealed class AlertOutbox(Database database)
{
    public const string Table = "alert_outbox";

    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Coalesced = "coalesced";
    public const string Failed = "failed";

    public Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        var id = database.Backend == StorageBackend.PostgreSql ? "id BIGSERIAL PRIMARY KEY" : "id INTEGER PRIMARY KEY AUTOINCREMENT";
        return database.EnsureSchemaAsync(
        [
            $"""
             CREATE TABLE IF NOT EXISTS {Table} (
               {id},
               channel TEXT NOT NULL,
               dedup_key TEXT NOT NULL,
               kind TEXT NOT NULL,
               severity TEXT NOT NULL,
               time_ms BIGINT NOT NULL,
               text TEXT NOT NULL,
               symbol TEXT NULL,
               strategy TEXT NULL,
               created_ms BIGINT NOT NULL,
               status TEXT NOT NULL,
               sent_ms BIGINT NULL,
               error TEXT NULL,
               UNIQUE (channel, dedup_key))
             """,
            $"CREATE INDEX IF NOT EXISTS ix_{Table}_pending ON {Table} (channel, id) WHERE sent_ms IS NULL",
            "CREATE TABLE IF NOT EXISTS alert_state (name TEXT NOT NULL PRIMARY KEY, value BIGINT NOT NULL)",
        ], ct);
    }

    /// <summary>A named counter of the alerting (the Telegram update offset), or null when never written.</summary>
    public async Task<long?> ReadStateAsync(string name, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command("SELECT value FROM alert_state WHERE name = @n", null, ("@n", name));
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is { } v and not DBNull
            ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>Writes a named counter (insert or replace).</summary>
    public async Task WriteStateAsync(string name, long value, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command(
            "INSERT INTO alert_state (name, value) VALUES (@n, @v) ON CONFLICT (name) DO UPDATE SET value = excluded.value", null, ("@n", name), ("@v", value));
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <paramref name="alert"/> for each of <paramref name="channels"/> in one transaction; returns the entries
    /// written (a channel that already has the dedup key gets none).
    /// </summary>
    public async Task<IReadOnlyList<OutboxEntry>> AddAsync(Alert alert, IReadOnlyList<string> channels, long nowMs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(channels);
        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var written = new List<OutboxEntry>();
        foreach (var channel in channels)
        {
            await using var command = connection.Command(
                $"""
                 INSERT INTO {Table} (channel, dedup_key, kind, severity, time_ms, text, symbol, strategy, created_ms, status)
                 VALUES (@channel, @key, @kind, @severity, @time, @text, @symbol, @strategy, @created, '{Pending}')
                 ON CONFLICT (channel, dedup_key) DO NOTHING
                 RETURNING id
                 """,
                transaction,
                ("channel", channel), ("key", alert.DedupKey), ("kind", alert.Kind), ("severity", alert.Severity.Code()),
                ("time", alert.TimeMs), ("text", alert.Text), ("symbol", alert.Symbol), ("strategy", alert.Strategy), ("created", nowMs));
            if (await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is { } id and not DBNull)
            {
                written.Add(new OutboxEntry(Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture), channel, alert));
            }
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return written;
    }

    /// <summary>The unsent entries of every channel, oldest first (per channel: the order they were written).</summary>
    public async Task<IReadOnlyList<OutboxEntry>> PendingAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command(
            $"SELECT id, channel, dedup_key, kind, severity, time_ms, text, symbol, strategy FROM {Table} WHERE sent_ms IS NULL ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var entries = new List<OutboxEntry>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            entries.Add(Read(reader));
        }

        return entries;
    }

    /// <summary>Marks <paramref name="ids"/> done: <see cref="Sent"/>, <see cref="Coalesced"/> (in a delivered summary) or <see cref="Failed"/> (refused for good).</summary>
    public async Task MarkAsync(IReadOnlyCollection<long> ids, string status, long nowMs, string? error = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var id in ids)
        {
            await using var command = connection.Command(
                $"UPDATE {Table} SET status = @status, sent_ms = @now, error = @error WHERE id = @id",
                transaction,
                ("status", status), ("now", nowMs), ("error", error), ("id", id));
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Deletes the rows done before <paramref name="beforeMs"/> (the table does not grow with the age of the system).</summary>
    public async Task<int> PruneAsync(long beforeMs, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command($"DELETE FROM {Table} WHERE sent_ms IS NOT NULL AND sent_ms < @before", null, ("before", beforeMs));
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Every row's (channel, dedup_key, status), by id: what the tests and an operator look at.</summary>
    public async Task<IReadOnlyList<(string Channel, string DedupKey, string Status)>> RowsAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT channel, dedup_key, status FROM {Table} ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<(string, string, string)>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }

    private static OutboxEntry Read(DbDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        new Alert(
            r.GetString(3),
            AlertSeverities.Parse(r.GetString(4)) ?? AlertSeverity.Info,
            r.GetInt64(5),
            r.GetString(6),
            r.GetString(2),
            r.IsDBNull(7) ? null : r.GetString(7),
            r.IsDBNull(8) ? null : r.GetString(8)));
}
