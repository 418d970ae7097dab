using Arbitrage.Engine.Projections;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// A node's first start on an empty PostgreSQL database (a fresh schema) creates journal, snapshot and
/// read-model tables without a 23505 race or any stack trace in its output, and so does the second start.
/// </summary>
public sealed class NodeFreshDatabaseTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-node-tests", Guid.NewGuid().ToString("N"));

    public NodeFreshDatabaseTests()
    {
        Directory.CreateDirectory(_work);
    }

    public void Dispose() => TestDatabases.DeleteQuietly(_work);

    [SkippableFact]
    public async Task First_and_second_start_on_an_empty_postgres_schema_are_quiet()
    {
        await using var fresh = await FreshPostgresSchema.CreateAsync();
        Assert.Empty(await fresh.TablesAsync());

        var first = await StartUntilProjectionsRunAsync(fresh.ConnectionString);
        AssertQuiet(first, "first start");

        var tables = await fresh.TablesAsync();
        foreach (var table in new[] { "journal", "snapshot", "tags", ProjectionStore.OffsetsTable, "read_signals", "funding_snapshots", "auth_users", "agg_trades" })
        {
            Assert.Contains(table, tables);
        }

        var second = await StartUntilProjectionsRunAsync(fresh.ConnectionString);
        AssertQuiet(second, "second start");
    }

    /// <summary>Runs a node until every projection has resumed (its schema work is done), then stops it; returns its output.</summary>
    private async Task<string> StartUntilProjectionsRunAsync(string connectionString)
    {
        var env = NodeProcess.TestEnvironment(_work);
        env["ARB__Storage__Postgres"] = connectionString;
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        await using var node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", tape, "--speed", "max");
        await node.WaitListeningAsync(Patience);

        var tags = ReadModels.DefaultHandlers().Select(h => h.Tag).Distinct(StringComparer.Ordinal).ToArray();
        await node.WaitForOutputAsync(
            stdout => tags.All(tag => stdout.Contains($"Projection {ProjectionExtensions.ProjectionName(tag)} resumes", StringComparison.Ordinal)),
            Patience, "every projection resumed");

        return node.Stdout + node.Stderr;
    }

    private static void AssertQuiet(string output, string which)
    {
        Assert.False(output.Contains("23505", StringComparison.Ordinal), $"{which}: a schema race (23505):\n{output}");
        Assert.False(output.Contains("Exception", StringComparison.Ordinal), $"{which}: an exception in the output:\n{output}");
        Assert.DoesNotContain(output.Split('\n'), line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal) && line.Contains('(', StringComparison.Ordinal));
        Assert.DoesNotContain("cannot start yet", output, StringComparison.Ordinal);
    }
}
