using Arbitrage.Engine.Persistence;
using Microsoft.Data.Sqlite;

namespace Arbitrage.Testing;

/// <summary>
/// Databases for tests. SQLite always runs (a temp file). PostgreSQL runs when ARB_TEST_POSTGRES holds a
/// connection string (.ci/run exports one); with CI=true a missing PostgreSQL is a failure, not a skip.
/// </summary>
public static class TestDatabases
{
    public const string PostgresVariable = "ARB_TEST_POSTGRES";

    public static readonly string HowToEnable =
        $"PostgreSQL tests are skipped: set {PostgresVariable} to an Npgsql connection string " +
        "(e.g. Host=127.0.0.1;Username=arbitrage;Password=...;Database=arbitrage_test), or run .ci/run which starts PostgreSQL and sets it.";

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A fresh SQLite file in its own temp directory.</summary>
    public static Database NewSqliteFile(out string directory)
    {
        directory = Path.Combine(Path.GetTempPath(), "arb-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return Database.From(new StorageOptions { DataDir = directory });
    }

    /// <summary>
    /// The PostgreSQL test database, or a skip (outside CI) / failure (in CI) when it is not configured.
    /// </summary>
    public static Database Postgres()
    {
        var cs = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(cs))
        {
            if (IsCi)
            {
                Assert.Fail($"CI=true but {PostgresVariable} is not set: .ci/run must start PostgreSQL and export it.");
            }

            Skip.If(true, HowToEnable);
        }

        return Database.From(new StorageOptions { Postgres = cs });
    }

    /// <summary>
    /// A new, empty schema in the PostgreSQL test database and a connection string whose search path starts there,
    /// so a test (and the node processes it starts) gets its own journal and tables: persistence ids such as
    /// <c>risk-guard</c> never collide with another test's. Drop it with <see cref="DropPostgresSchemaAsync"/>.
    /// </summary>
    public static async Task<(string ConnectionString, string Schema)> NewPostgresSchemaAsync(string prefix)
    {
        var database = Postgres();
        var schema = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)].ToLowerInvariant();
        await using (var connection = new Npgsql.NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand($"CREATE SCHEMA \"{schema}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = schema };
        return (builder.ConnectionString, schema);
    }

    public static async Task DropPostgresSchemaAsync(string schema)
    {
        var cs = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(cs))
        {
            return;
        }

        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var connection = new Npgsql.NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static Database ByName(string backend, out string? directory)
    {
        directory = null;
        return backend switch
        {
            "sqlite" => NewSqliteFile(out directory),
            "postgres" => Postgres(),
            _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "sqlite | postgres"),
        };
    }

    public static void DeleteQuietly(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Temp files; a locked file on some platforms is not a test failure.
        }
    }
}
