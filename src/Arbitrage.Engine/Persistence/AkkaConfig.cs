using Akka.Configuration;
using Akka.Persistence.Sql;
using Npgsql;

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

        var text = File.ReadAllText(path);

        // Akka's HOCON parser silently accepts a truncated file (an unclosed brace): catch that first.
        var bracketProblem = FindUnbalancedBracket(text);
        if (bracketProblem is not null)
        {
            throw new HoconFileException(path, bracketProblem);
        }

        try
        {
            return ConfigurationFactory.ParseString(text);
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

        try
        {
            SnapshotInterval.Read(config);
        }
        catch (ConfigurationException e)
        {
            throw new HoconFileException(hoconDirectory, e.Message);
        }

        return config.WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>The connection strings and provider for journal, snapshots and queries.</summary>
    public static Config ConnectionConfig(Database database)
    {
        var cs = Quote(database.Backend == StorageBackend.PostgreSql ? JournalConnectionString(database.ConnectionString) : database.ConnectionString);
        var provider = Quote(database.ProviderName);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.sql { connection-string = {{cs}}, provider-name = {{provider}} }
            akka.persistence.snapshot-store.sql { connection-string = {{cs}}, provider-name = {{provider}} }
            akka.persistence.query.journal.sql { connection-string = {{cs}}, provider-name = {{provider}} }
            """);
    }

    /// <summary>
    /// The PostgreSQL connection string the journal, snapshot store and queries use: the configured one plus
    /// <c>No Reset On Close</c> (a pooled connection is not sent <c>DISCARD ALL</c> each time it is reused: the
    /// plugin sets no session state; see the journal rows of the README benchmarks) and automatic
    /// preparation of its repeated statements. A key the operator set explicitly is kept as given.
    /// </summary>
    public static string JournalConnectionString(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 32;
        }

        if (!given.ContainsKey("Auto Prepare Min Usages") && !given.ContainsKey("AutoPrepareMinUsages"))
        {
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
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

    /// <summary>Null when every { and [ outside strings and comments is closed in order; else where it breaks.</summary>
    internal static string? FindUnbalancedBracket(string text)
    {
        var stack = new Stack<(char Open, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '#':
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    while (i + 1 < text.Length && text[i + 1] != '\n')
                    {
                        i++;
                    }

                    break;
                case '"':
                    var triple = i + 2 < text.Length && text[i + 1] == '"' && text[i + 2] == '"';
                    if (triple)
                    {
                        var end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                        if (end < 0)
                        {
                            return $"line {line}: unterminated \"\"\" string";
                        }

                        line += text.AsSpan(i, end - i).Count('\n');
                        i = end + 2;
                        break;
                    }

                    i++;
                    while (i < text.Length && text[i] != '"' && text[i] != '\n')
                    {
                        i += text[i] == '\\' ? 2 : 1;
                    }

                    if (i >= text.Length || text[i] == '\n')
                    {
                        return $"line {line}: unterminated string";
                    }

                    break;
                case '{':
                case '[':
                    stack.Push((c, line));
                    break;
                case '}':
                case ']':
                    var expected = c == '}' ? '{' : '[';
                    if (stack.Count == 0 || stack.Peek().Open != expected)
                    {
                        return $"line {line}: unexpected '{c}'";
                    }

                    stack.Pop();
                    break;
            }
        }

        return stack.Count == 0 ? null : $"line {stack.Peek().Line}: '{stack.Peek().Open}' is never closed (truncated file?)";
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

/// <summary>A HOCON file that is missing or malformed.</summary>
public sealed class HoconFileException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string FilePath { get; } = path;
}
