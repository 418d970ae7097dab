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
