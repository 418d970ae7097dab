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

    private Task<(string Episodes, string Attempts)> Replay(string strategies, string name) =>
        Replay(strategies, name, [Path.Combine(RepoPaths.Fixtures, TriangleActorTests.Gemini), Path.Combine(RepoPaths.Fixtures, TriangleActorTests.BitFlyer)]);

    private async Task<(string Episodes, string Attempts)> Replay(string strategies, string name, IReadOnlyList<string> tapes)
    {
        var episodes = Path.Combine(_dir, name + ".episodes.csv");
        var attempts = Path.Combine(_dir, name + ".attempts.csv");
        await ReplayRunner.RunAsync(new ReplayOptions
        {
            Tapes = tapes,
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

    /// <summary>
    /// Single-level books (every leg fills on its one level, so the whole attempt can be computed by hand): no
    /// arbitrage at 1000 ms; at 2000 ms ETH/USD bids 3030 and USD>BTC>ETH returns 1.01 × 0.999³ − 1 ≈ +0.70 %; at
    /// 3000 ms the book is back.
    /// </summary>
    private string ProfitableTape()
    {
        var path = Path.Combine(_dir, "profitable.jsonl");
        File.WriteAllLines(path,
        [
            """{"timestamp": 1000, "symbol": "BTC/USD", "bids": [[49990, 1]], "asks": [[50000, 1]]}""",
            """{"timestamp": 1000, "symbol": "ETH/BTC", "bids": [[0.0599, 10]], "asks": [[0.06, 10]]}""",
            """{"timestamp": 1000, "symbol": "ETH/USD", "bids": [[2990, 10]], "asks": [[3001, 10]]}""",
            """{"timestamp": 2000, "symbol": "ETH/USD", "bids": [[3030, 10]], "asks": [[3031, 10]]}""",
            """{"timestamp": 3000, "symbol": "ETH/USD", "bids": [[2990, 10]], "asks": [[3001, 10]]}""",
            """{"timestamp": 4000, "symbol": "BTC/USD", "bids": [[49990, 1]], "asks": [[50000, 1]]}""",
        ]);
        return path;
    }

    [Fact]
    public async Task A_profitable_cycle_is_taken_and_completes_at_the_books_prices_and_two_runs_are_byte_identical()
    {
        var dir = Path.Combine(_dir, "profitable-strategies");
        Directory.CreateDirectory(Path.Combine(dir, "triangles"));
        File.Copy(Path.Combine(RepoPaths.Strategies, "example_trades_only.json"), Path.Combine(dir, "example_trades_only.json"), overwrite: true);
        File.WriteAllText(Path.Combine(dir, "triangles", "exec.json"), """
            { "id": "tri_exec", "venue": "paper-venue", "symbols": "*", "start_assets": { "USD": 1000 },
              "taker_fee": 0.001, "min_net_return": 0.0005, "execute": true, "execute_min_net_return": 0.001 }
            """);
        var tape = ProfitableTape();

        var (episodes, attempts) = await Replay(dir, "p1", [tape]);
        var (episodes2, attempts2) = await Replay(dir, "p2", [tape]);
        Assert.Equal((episodes, attempts), (episodes2, attempts2));

        // One episode (USD>BTC>ETH from 2000 to 3000 ms), taken.
        var episode = Assert.Single(episodes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)).Split(',');
        Assert.Equal(("2000", "3000", "paper-venue", "USD>BTC>ETH", TriangleEpisodeRecord.Taken), (episode[0], episode[1], episode[2], episode[3], episode[9]));

        // One attempt, completed, each leg at its book's only level. LIMIT IOC limits 10 bps past the level; a LIMIT buy
        // reserves quantity × limit, so the buys take what the amount held covers at the limit, and what they leave
        // unspent stays (USD: counted in the end amount; BTC: dust held).
        var row = Assert.Single(attempts.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)).Split(',');
        var header = TriangleAttemptsCsv.Header.Split(',');
        string Field(string name) => row[Array.IndexOf(header, name)];
        Assert.Equal(("paper-venue", "USD>BTC>ETH", "USD", "completed", "3"), (Field("venue"), Field("cycle"), Field("start_asset"), Field("outcome"), Field("legs_filled")));
        Assert.Equal("2000", Field("start_ms"));
        var btcBought = decimal.Round(1000m / 50050m, 18, MidpointRounding.ToZero);
        var ethBought = decimal.Round(btcBought * 0.999m / 0.06006m, 18, MidpointRounding.ToZero);
        var expectedEnd = (ethBought * 0.999m * 3030m * 0.999m) + (1000m - (btcBought * 50000m));
        var end = decimal.Parse(Field("end_amount"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(end, expectedEnd - 0.000001m, expectedEnd + 0.000001m);
        Assert.InRange(decimal.Parse(Field("pnl_start_asset"), System.Globalization.CultureInfo.InvariantCulture), expectedEnd - 1000m - 0.000001m, expectedEnd - 1000m + 0.000001m);
    }
}
