using Arbitrage.Engine.Persistence;
using Npgsql;

namespace Arbitrage.Testing;

/// <summary>
/// An empty PostgreSQL schema of its own inside the test database (<see cref="TestDatabases.Postgres"/>),
/// reached through <c>Search Path</c> in the connection string, dropped with everything in it at dispose:
/// a fresh database for first-start tests without CREATEDB (CI creates the role with the test database only).
/// </summary>
public sealed class FreshPostgresSchema : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private FreshPostgresSchema(string adminConnectionString, string name, Database database)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        Database = database;
    }

    public string Name { get; }

    /// <summary>The test database with <c>Search Path</c> set to the fresh schema.</summary>
    public Database Database { get; }

    public string ConnectionString => Database.ConnectionString;

    public static async Task<FreshPostgresSchema> CreateAsync()
    {
        var admin = TestDatabases.Postgres().ConnectionString;
        var name = "arb_fresh_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(admin, $"CREATE SCHEMA {name}");
        var scoped = new NpgsqlConnectionStringBuilder(admin) { SearchPath = name }.ConnectionString;
        return new FreshPostgresSchema(admin, name, Database.From(new StorageOptions { Postgres = scoped }));
    }

    /// <summary>The tables in this schema, by name.</summary>
    public async Task<IReadOnlyList<string>> TablesAsync()
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = @s ORDER BY table_name", connection);
        command.Parameters.AddWithValue("s", Name);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(_adminConnectionString, $"DROP SCHEMA IF EXISTS {Name} CASCADE");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
