using System.Data.Common;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Engine.Funding;

/// <summary>
/// The funding read-model tables, on SQLite and PostgreSQL. Decimals are NUMERIC on PostgreSQL and TEXT
/// on SQLite (SQLite's NUMERIC affinity would turn them into doubles); sorting and aggregation of them
/// happen in C#, never in SQL.
/// </summary>
public static class FundingSchema
{
    public static string Ddl(StorageBackend backend)
    {
        var dec = backend == StorageBackend.PostgreSql ? "NUMERIC" : "TEXT";
        var boolean = backend == StorageBackend.PostgreSql ? "BOOLEAN" : "INTEGER";
        return $"""
            CREATE TABLE IF NOT EXISTS funding_snapshots (
              symbol TEXT NOT NULL,
              res_ms BIGINT NOT NULL,
              time_ms BIGINT NOT NULL,
              mark_open {dec} NOT NULL,
              mark_high {dec} NOT NULL,
              mark_low {dec} NOT NULL,
              mark {dec} NOT NULL,
              index_price {dec} NOT NULL,
              estimated_settle {dec} NOT NULL,
              basis {dec} NOT NULL,
              rate {dec} NOT NULL,
              next_funding_ms BIGINT NOT NULL,
              event_ms BIGINT NOT NULL,
              updates INTEGER NOT NULL,
              PRIMARY KEY (symbol, res_ms, time_ms));
            CREATE TABLE IF NOT EXISTS funding_history (
              symbol TEXT NOT NULL,
              time_ms BIGINT NOT NULL,
              rate {dec} NOT NULL,
              estimated {boolean} NOT NULL,
              source TEXT NOT NULL,
              PRIMARY KEY (symbol, time_ms));
            CREATE TABLE IF NOT EXISTS funding_intervals (
              symbol TEXT NOT NULL PRIMARY KEY,
              interval_hours INTEGER NOT NULL,
              source TEXT NOT NULL,
              updated_ms BIGINT NOT NULL);
            """;
    }

    public static Task EnsureCreatedAsync(Database database, CancellationToken ct = default) =>
        database.EnsureSchemaAsync([Ddl(database.Backend)], ct);

    internal static void Add(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
    }
}
