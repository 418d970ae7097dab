using Akka.Configuration;
using Akka.Persistence.Sql;

namespace Arbitrage.Engine.Persistence;

/// <summary>
/// Assembles the node's Akka configuration from the HOCON files in <c>hocon/</c> and the database
/// chosen at startup. Every file is parsed on its own so a syntax error names its file.
/// </summary>
public static class AkkaConfig
{
    /// <summary>Parses one HOCON file; a syntax error becomes <see cref="HoconFileException"/> naming the file.</summary>
    public static Config ParseFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new HoconFileException(path, "file not found");
        }

        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(path));
        }
        catch (Exception e) when (e is not HoconFileException)
        {
            throw new HoconFileException(path, e.Message);
        }
    }

    /// <summary>
    /// akka.conf + persistence.{backend}.conf (+ cluster.conf, + extra files such as test.conf, highest
    /// priority last) + the injected connection strings, with Akka.Persistence.Sql's defaults as fallback.
    /// </summary>
    public static Config Build(string hoconDirectory, Database database, IEnumerable<string>? extraFiles = null, bool includeCluster = true)
    {
        var files = new List<string>
        {
            Path.Combine(hoconDirectory, "akka.conf"),
            Path.Combine(hoconDirectory, database.Backend == StorageBackend.PostgreSql ? "persistence.postgres.conf" : "persistence.sqlite.conf"),
        };
        if (includeCluster)
        {
            files.Add(Path.Combine(hoconDirectory, "cluster.conf"));
        }

        files.AddRange(extraFiles ?? []);

        // Highest priority first: connection strings, then the files from last to first.
        var config = ConnectionConfig(database);
        for (var i = files.Count - 1; i >= 0; i--)
        {
            config = config.WithFallback(ParseFile(files[i]));
        }

        return config.WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>The connection strings and provider for journal, snapshots and queries.</summary>
    public static Config ConnectionConfig(Database database)
    {
        var cs = Quote(database.ConnectionString);
        var provider = Quote(database.ProviderName);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.sql { connection-string = {{cs}}, provider-name = {{provider}} }
            akka.persistence.snapshot-store.sql { connection-string = {{cs}}, provider-name = {{provider}} }
            akka.persistence.query.journal.sql { connection-string = {{cs}}, provider-name = {{provider}} }
            """);
    }

    /// <summary>Locates the hocon directory: the configured one, ./hocon, or the copy beside the binaries.</summary>
    public static string? FindHoconDirectory(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        foreach (var candidate in new[] { Path.Combine(Directory.GetCurrentDirectory(), "hocon"), Path.Combine(AppContext.BaseDirectory, "hocon") })
        {
            if (File.Exists(Path.Combine(candidate, "akka.conf")))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

/// <summary>A HOCON file that is missing or malformed.</summary>
public sealed class HoconFileException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string FilePath { get; } = path;
}
