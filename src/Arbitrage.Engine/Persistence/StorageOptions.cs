namespace Arbitrage.Engine.Persistence;

/// <summary>Which database holds the journal, snapshots and read models.</summary>
public enum StorageBackend
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// The <c>Storage</c> configuration section (<c>ARB__Storage__DataDir</c>, <c>ARB__Storage__Postgres</c>).
/// Embedded SQLite under <see cref="DataDir"/> unless <see cref="Postgres"/> holds a connection string.
/// </summary>
public sealed record StorageOptions
{
    public string DataDir { get; init; } = "./data";

    /// <summary>Npgsql connection string; when set the node runs on PostgreSQL.</summary>
    public string? Postgres { get; init; }

    /// <summary>SQLite database file name inside <see cref="DataDir"/>.</summary>
    public string SqliteFile { get; init; } = "arbitrage.db";

    public StorageBackend Backend => string.IsNullOrWhiteSpace(Postgres) ? StorageBackend.Sqlite : StorageBackend.PostgreSql;
}
