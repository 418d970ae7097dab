using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Arbitrage.Engine.Persistence;

/// <summary>
/// The node's database as a value: backend, linq2db provider name and connection string, plus the
/// few raw operations the host needs before Akka starts (prepare, probe).
/// </summary>
public sealed record Database(StorageBackend Backend, string ProviderName, string ConnectionString)
{
    /// <summary>SQLite only: <c>PRAGMA synchronous</c> applied to every connection this node opens (see <see cref="StorageOptions.SqliteSynchronous"/>).</summary>
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Normal;

    public const string SqliteProvider = "SQLite.MS";
    public const string PostgresProvider = "PostgreSQL.15";

    /// <summary>Builds the database description; throws <see cref="ArgumentException"/> naming the key on a malformed value.</summary>
    public static Database From(StorageOptions options)
    {
        if (options.Backend == StorageBackend.PostgreSql)
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(options.Postgres);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new ArgumentException($"Storage:Postgres (ARB__Storage__Postgres) is not a valid PostgreSQL connection string: {e.Message}");
            }

            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                throw new ArgumentException("Storage:Postgres (ARB__Storage__Postgres) has no Host.");
            }

            return new Database(StorageBackend.PostgreSql, PostgresProvider, builder.ConnectionString);
        }

        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            throw new ArgumentException("Storage:DataDir (ARB__Storage__DataDir) must not be empty.");
        }

        var path = Path.GetFullPath(Path.Combine(options.DataDir, options.SqliteFile));
        var sqlite = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        };
        if (!Enum.IsDefined(options.SqliteSynchronous))
        {
            throw new ArgumentException($"Storage:SqliteSynchronous (ARB__Storage__SqliteSynchronous) must be Normal or Full, not {options.SqliteSynchronous}.");
        }

        return new Database(StorageBackend.Sqlite, SqliteProvider, sqlite.ConnectionString) { Synchronous = options.SqliteSynchronous };
    }

    /// <summary>An in-memory shared SQLite database (tests). Keep one connection open while it is used.</summary>
    public static Database InMemorySqlite(string name) =>
        new(StorageBackend.Sqlite, SqliteProvider, $"Data Source=file:{name}?mode=memory&cache=shared");

    /// <summary>A short, credential-free description for logs and /api/health.</summary>
    public string Describe()
    {
        if (Backend == StorageBackend.PostgreSql)
        {
            var b = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"postgresql://{b.Host}:{b.Port}/{b.Database}";
        }

        return $"sqlite:{new SqliteConnectionStringBuilder(ConnectionString).DataSource}";
    }

    public DbConnection OpenConnection()
    {
        DbConnection connection = Backend == StorageBackend.PostgreSql
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(ConnectionString);
        connection.Open();
        ApplyPragmas(connection);
        return connection;
    }

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken ct)
    {
        DbConnection connection = Backend == StorageBackend.PostgreSql
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(ConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        ApplyPragmas(connection);
        return connection;
    }

    /// <summary>
    /// Per-connection settings SQLite does not keep in the file: <c>synchronous</c> (WAL itself is persistent).
    /// Also applied to the journal's linq2db connections by <see cref="PersistenceSetup"/>. No-op for PostgreSQL.
    /// </summary>
    public void ApplyPragmas(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection is not SqliteConnection)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = Synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Creates the data directory and switches a SQLite file to WAL (persistent in the file), or checks
    /// that PostgreSQL answers. Throws <see cref="DatabaseUnavailableException"/> with an actionable message.
    /// </summary>
    public async Task PrepareAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            if (Backend == StorageBackend.Sqlite)
            {
                var file = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
                if (!file.StartsWith("file:", StringComparison.Ordinal))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                }
            }

            await using var connection = await OpenConnectionAsync(cts.Token).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = Backend == StorageBackend.Sqlite ? "PRAGMA journal_mode=WAL;" : "SELECT 1";
            await command.ExecuteScalarAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not DatabaseUnavailableException)
        {
            var what = e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0} s" : e.Message;
            var key = Backend == StorageBackend.PostgreSql ? "Storage:Postgres (ARB__Storage__Postgres)" : "Storage:DataDir (ARB__Storage__DataDir)";
            throw new DatabaseUnavailableException($"{key}: cannot use database {Describe()}: {what}", e);
        }
    }

    /// <summary>True when a trivial query answers within <paramref name="timeout"/>.</summary>
    public async Task<bool> PingAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await using var connection = await OpenConnectionAsync(cts.Token).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is DbException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return false;
        }
    }
}

/// <summary>The configured database cannot be reached or opened.</summary>
public sealed class DatabaseUnavailableException(string message, Exception inner) : Exception(message, inner);
