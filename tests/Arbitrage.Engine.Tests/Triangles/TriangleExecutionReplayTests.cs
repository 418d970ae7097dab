using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Replay;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Triangles;

/// <summary>
/// <c>arbctl replay --triangles-out --triangle-trades-out</c> with <c>execute</c> on: the recorded triangle tapes trade
/// on paper through the attempt actors; episodes say taken or missed, attempts are written, two runs are byte-identical.
/// </summary>
public sealed class TriangleExecutionReplayTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tri-exec-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // A tiny floor and a zero fee so the recorded books give candidates; a short cooldown so several attempts run.
    private const string Config = """
        { "id": "tri_exec", "venue": "anywhere", "symbols": "*",
          "start_assets": { "USD": 1000, "JPY": 110000 }, "taker_fee": 0, "min_net_return": -0.01,
          "execute": true, "execute_min_net_return": 0.0000001, "max_slippage_bps": 5, "cooldown_ms": 500, "paper_latency_ms": 50 }
        """;

    private string Strategies()
    {
        var dir = Path.Combine(_dir, "strategies");
        Directory.CreateDirectory(Path.Combine(dir, "triangles"));
        File.Copy(Path.Combine(RepoPaths.Strategies, "example_trades_only.json"), Path.Combine(dir, "example_trades_only.json"), overwrite: true);
        File.WriteAllText(Path.Combine(dir, "triangles", "exec.json"), Config);
        return dir;
    }

    private async Task<(string Episodes, string Attempts)> Replay(string strategies, string name)
    {
        var episodes = Path.Combine(_dir, name + ".episodes.csv");
        var attempts = Path.Combine(_dir, name + ".attempts.csv");
        await ReplayRunner.RunAsync(new ReplayOptions
        {
            Tapes = [Path.Combine(RepoPaths.Fixtures, TriangleActorTests.Gemini), Path.Combine(RepoPaths.Fixtures, TriangleActorTests.BitFlyer)],
            StrategiesDirectory = strategies,
            HoconDirectory = RepoPaths.Hocon,
            TrianglesOut = episodes,
            TriangleTradesOut = attempts,
        });
        return (File.ReadAllText(episodes), File.ReadAllText(attempts));
    }

    [Fact]
    public async Task Execute_on_marks_every_episode_missed_with_its_reason_writes_the_attempts_csv_and_two_runs_are_byte_identical()
    {
        var strategies = Strategies();
        var (episodes, attempts) = await Replay(strategies, "one");
        var (episodes2, attempts2) = await Replay(strategies, "two");

        Assert.Equal(episodes, episodes2);
        Assert.Equal(attempts, attempts2);
        Assert.StartsWith(TriangleAttemptsCsv.Header + "\n", attempts, StringComparison.Ordinal);
        // The recorded tapes never clear a positive floor (their best peak is below 0 even at a zero fee, and the
        // parser refuses execute_min_net_return <= 0): every episode is missed below_floor and no attempt is written.
        Assert.Equal(TriangleAttemptsCsv.Header + "\n", attempts);
        var episodeRows = episodes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.DoesNotContain(episodeRows, r => r[9] == TriangleEpisodeRecord.Observed);
        Assert.NotEmpty(episodeRows);
        Assert.All(episodeRows, r => Assert.Equal((TriangleEpisodeRecord.Missed, "below_floor"), (r[9], r[10])));
    }
}
