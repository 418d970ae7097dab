namespace Arbitrage.Engine.Persistence;

/// <summary>Which database holds the journal, snapshots and read models.</summary>
public enum StorageBackend
{
    Sqlite,
    PostgreSql,
}

/// <summary>SQLite's durability level per commit (<c>PRAGMA synchronous</c>); values are SQLite's own.</summary>
public enum SqliteSynchronous
{
    Normal = 1,
    Full = 2,
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

    /// <summary>
    /// SQLite <c>PRAGMA synchronous</c> for every connection (journal, snapshots, read models). <c>Normal</c>
    /// (default): in WAL mode a commit is durable across a crash of the process (SIGKILL included) and the
    /// database is never corrupted; only a power loss or OS crash can roll back the last commits, and the
    /// executor's start-up reconciliation against the exchange covers exactly that. <c>Full</c>: every commit
    /// is fsynced (≈10× slower commits; see the README's benchmark table).
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; init; } = SqliteSynchronous.Normal;

    public StorageBackend Backend => string.IsNullOrWhiteSpace(Postgres) ? StorageBackend.Sqlite : StorageBackend.PostgreSql;
}
