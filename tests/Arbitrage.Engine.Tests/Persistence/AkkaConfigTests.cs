using Arbitrage.Engine.Persistence;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Persistence;

public sealed class AkkaConfigTests
{
    [Theory]
    [InlineData("a { b = 1 }", null)]
    [InlineData("a { b = \"}\" } # { comment\n c = [1, 2] // ]", null)]
    [InlineData("a { b = \"\"\"x { y\"\"\" }", null)]
    [InlineData("a {\n b { c = 1 }\n", "line 1: '{' is never closed (truncated file?)")]
    [InlineData("a = [1, 2}", "line 1: unexpected '}'")]
    [InlineData("a = \"open", "line 1: unterminated string")]
    public void Bracket_check_finds_truncated_files(string text, string? problem) =>
        Assert.Equal(problem, AkkaConfig.FindUnbalancedBracket(text));

    [Fact]
    public void Shipped_files_build_for_both_backends_with_connection_strings_injected()
    {
        var sqlite = Database.From(new StorageOptions { DataDir = "/tmp/x" });
        var config = AkkaConfig.Build(RepoPaths.Hocon, sqlite);
        Assert.Equal("SQLite.MS", config.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.Equal(sqlite.ConnectionString, config.GetString("akka.persistence.journal.sql.connection-string"));
        Assert.Equal(sqlite.ConnectionString, config.GetString("akka.persistence.query.journal.sql.connection-string"));
        Assert.Equal("Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql", config.GetString("akka.persistence.journal.sql.class"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));

        var pg = Database.From(new StorageOptions { Postgres = "Host=db.example;Username=u;Password=p;Database=d" });
        var pgConfig = AkkaConfig.Build(RepoPaths.Hocon, pg);
        Assert.Equal("PostgreSQL.15", pgConfig.GetString("akka.persistence.snapshot-store.sql.provider-name"));
        Assert.DoesNotContain("Password", pg.Describe(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("often")]
    public void A_snapshot_interval_that_is_not_a_whole_number_of_at_least_one_is_refused_naming_the_key(string value)
    {
        var file = Path.Combine(Path.GetTempPath(), $"arb-snapshot-every-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, $"{SnapshotInterval.ConfigKey} = {value}");
        try
        {
            var e = Assert.Throws<HoconFileException>(() => AkkaConfig.Build(RepoPaths.Hocon, Database.From(new StorageOptions { DataDir = "/tmp/x" }), [file]));
            Assert.Contains($"{SnapshotInterval.ConfigKey} must be a whole number ≥ 1 (got '{value}')", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_shipped_snapshot_interval_is_1000_events()
    {
        var config = AkkaConfig.Build(RepoPaths.Hocon, Database.From(new StorageOptions { DataDir = "/tmp/x" }));
        Assert.Equal(1000, SnapshotInterval.From(config).Every);
        Assert.Equal(SnapshotInterval.DefaultEvery, SnapshotInterval.From(Akka.Configuration.Config.Empty).Every);
    }

    [Fact]
    public void A_malformed_connection_string_names_the_key()
    {
        var e = Assert.Throws<ArgumentException>(() => Database.From(new StorageOptions { Postgres = "Host=x;Nonsense=1" }));
        Assert.StartsWith("Storage:Postgres (ARB__Storage__Postgres)", e.Message, StringComparison.Ordinal);
    }
}
