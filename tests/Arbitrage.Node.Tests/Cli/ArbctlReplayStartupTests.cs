using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>arbctl replay run outside the repository: a missing strategies directory is named by the full path it looked in.</summary>
public sealed class ArbctlReplayStartupTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("arb-arbctl-replay-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Replay_without_a_strategies_directory_names_the_full_path_it_looked_in()
    {
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        await using var arbctl = ArbctlProcess.StartIn(_work, Path.Combine(_work, "arbctl.json"), null, "replay", "--tape", tape);
        var exit = await arbctl.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        var line = Assert.Single(arbctl.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"{Path.Combine(_work, "strategies")}: ", line, StringComparison.Ordinal);
        Assert.Contains("strategies directory not found", line, StringComparison.Ordinal);
    }
}
