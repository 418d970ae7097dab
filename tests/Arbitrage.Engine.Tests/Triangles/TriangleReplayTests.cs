using Arbitrage.Core.Triangles;
using Arbitrage.Engine.Replay;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Triangles;

/// <summary>
/// <c>arbctl replay --triangles-out</c>: the real book tapes through the replay engine's triangle actors give the Core
/// reference run's episodes, byte for byte, on every run; a trade tape replayed beside them keeps its own outputs.
/// </summary>
public sealed class TriangleReplayTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tri-replay-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(string name) => Path.Combine(RepoPaths.Fixtures, name);

    private string Strategies(params (string File, string Json)[] triangles)
    {
        var dir = Path.Combine(_dir, "strategies");
        Directory.CreateDirectory(Path.Combine(dir, "triangles"));
        File.Copy(Path.Combine(RepoPaths.Strategies, "example_trades_only.json"), Path.Combine(dir, "example_trades_only.json"), overwrite: true);
        foreach (var (file, json) in triangles)
        {
            File.WriteAllText(Path.Combine(dir, "triangles", file), json);
        }

        return dir;
    }

    private const string GeminiConfig = """
        { "id": "tri_gemini", "venue": "gemini", "symbols": ["BTC/USD", "ETH/USD", "ETH/BTC"],
          "start_assets": { "USD": 1000, "BTC": 0.016 }, "taker_fee": 0.001, "min_net_return": -0.005, "staleness_ms": 5000, "enabled": true }
        """;

    private const string AllConfig = """
        { "id": "tri_all", "venue": "anywhere", "symbols": "*",
          "start_assets": { "JPY": 110000, "ETH": 0.5 }, "taker_fee": "account", "min_net_return": -0.004, "enabled": true }
        """;

    private const string DisabledConfig = """
        { "id": "tri_off", "venue": "gemini", "symbols": "*", "start_assets": { "USD": 1000 }, "taker_fee": 0, "min_net_return": -0.9, "enabled": false }
        """;

    private async Task<(string Csv, ReplaySummary Summary)> Replay(string strategies, string[] tapes, string name, string? signalsOut = null)
    {
        var output = Path.Combine(_dir, name);
        var summary = await ReplayRunner.RunAsync(new ReplayOptions
        {
            Tapes = tapes,
            StrategiesDirectory = strategies,
            HoconDirectory = RepoPaths.Hocon,
            TrianglesOut = output,
            SignalsOut = signalsOut,
        });
        return (File.ReadAllText(output), summary);
    }

    [Fact]
    public async Task The_csv_equals_the_core_reference_run_and_two_runs_are_byte_identical()
    {
        var strategies = Strategies(("a.json", GeminiConfig), ("b.json", AllConfig), ("c.json", DisabledConfig));
        string[] tapes = [Fixture(TriangleActorTests.Gemini), Fixture(TriangleActorTests.BitFlyer)];
        var (first, summary) = await Replay(strategies, tapes, "one.csv");
        var (second, _) = await Replay(strategies, tapes, "two.csv");

        // The reference: each enabled config over the merged tapes, "account" at the replay's default fee.
        var events = BookTape.Merge(tapes.Select(t => BookTape.Parse(t, File.ReadAllBytes(t))));
        var configs = TriangleConfigLoader.LoadSet([("a.json", GeminiConfig), ("b.json", AllConfig)]).Configs;
        var expected = TriangleEpisodesCsv.Format(configs.SelectMany(c => TriangleTapeDetection.Run(c, events, 0.001)));

        Assert.Equal(expected, first);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "one.csv")), File.ReadAllBytes(Path.Combine(_dir, "two.csv")));
        Assert.StartsWith(TriangleEpisodesCsv.Header + "\n", first, StringComparison.Ordinal);
        var rows = first.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        Assert.Contains(rows, r => r.Contains(",gemini,", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains(",anywhere,", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Split(',')[1].Length == 0); // open at the end: no end_ms
        Assert.Equal((rows.Length, rows.Count(r => r.Split(',')[1].Length == 0)), summary.Triangles);
    }

    [Fact]
    public async Task A_trade_tape_beside_the_book_tapes_keeps_its_signals_byte_identical()
    {
        var strategies = Strategies(("a.json", GeminiConfig));
        var trades = Fixture("BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip");
        var alone = Path.Combine(_dir, "signals-alone.csv");
        await ReplayRunner.RunAsync(new ReplayOptions { Tapes = [trades], StrategiesDirectory = strategies, HoconDirectory = RepoPaths.Hocon, SignalsOut = alone });
        var mixed = Path.Combine(_dir, "signals-mixed.csv");
        var (csv, summary) = await Replay(strategies, [trades, Fixture(TriangleActorTests.Gemini)], "mixed.csv", mixed);

        Assert.Equal(File.ReadAllBytes(alone), File.ReadAllBytes(mixed));
        Assert.True(summary.Trades > 0);
        var events = BookTape.Parse("g", File.ReadAllBytes(Fixture(TriangleActorTests.Gemini)));
        var config = TriangleConfigLoader.LoadText("a.json", GeminiConfig).Config!;
        Assert.Equal(TriangleEpisodesCsv.Format(TriangleTapeDetection.Run(config, events)), csv);
    }

    [Fact]
    public async Task A_book_tape_without_triangles_out_and_an_invalid_triangle_config_are_refused_with_the_file()
    {
        var strategies = Strategies(("bad.json", GeminiConfig.Replace("0.001", "\"lots\"", StringComparison.Ordinal)));
        var noOut = await Assert.ThrowsAsync<InvalidDataException>(() => ReplayRunner.RunAsync(new ReplayOptions
        {
            Tapes = [Fixture(TriangleActorTests.Gemini)], StrategiesDirectory = strategies, HoconDirectory = RepoPaths.Hocon,
        }));
        Assert.Contains("--triangles-out", noOut.Message, StringComparison.Ordinal);

        var bad = await Assert.ThrowsAsync<InvalidDataException>(() => Replay(strategies, [Fixture(TriangleActorTests.Gemini)], "bad.csv"));
        Assert.Contains("bad.json", bad.Message, StringComparison.Ordinal);
        Assert.Contains("taker_fee", bad.Message, StringComparison.Ordinal);
    }

    private const string BinanceConfig = """
        { "id": "tri_binance", "venue": "binance-spot", "symbols": ["BTC/USDT", "ETH/USDT", "ETH/BTC"],
          "start_assets": { "USDT": 100, "BTC": 0.002 }, "taker_fee": 0.001, "min_net_return": -0.003, "staleness_ms": 5000, "enabled": true }
        """;

    /// <summary>The deep_orderbook 2 h recording (../shared/data; no licence file, so never a fixture).</summary>
    private static string DeepOrderbook => Path.Combine(RepoPaths.Root, "..", "shared", "data", "binance_spot_BTCUSDT_ETHUSDT_ETHBTC_2020-11-01T09Z_2h.deep_orderbook.zip");

    [Theory]
    [InlineData(Binance.Tapes.BookApproximation.None)]
    [InlineData(Binance.Tapes.BookApproximation.TopMovedToTrades)]
    public async Task The_deep_orderbook_recording_replays_as_the_core_reference_and_approximated_books_label_every_row(Binance.Tapes.BookApproximation approximation)
    {
        var strategies = Strategies(("b.json", BinanceConfig));
        var output = Path.Combine(_dir, "deep.csv");
        var progress = new StringWriter();
        var summary = await ReplayRunner.RunAsync(new ReplayOptions
        {
            Tapes = [DeepOrderbook],
            StrategiesDirectory = strategies,
            HoconDirectory = RepoPaths.Hocon,
            TrianglesOut = output,
            BookApproximation = approximation,
            Progress = progress,
        });

        // The reference: the same reader's books through Core's detector, no actors.
        var events = new Binance.Tapes.DeepOrderbookTape(DeepOrderbook, new Binance.Tapes.BookTapeOptions(Approximation: approximation)).Read().ToList();
        var config = TriangleConfigLoader.LoadSet([("b.json", BinanceConfig)]).Configs.Single();
        var reference = TriangleTapeDetection.Run(config, events);
        var approximated = approximation != Binance.Tapes.BookApproximation.None;
        if (approximated)
        {
            reference = reference.Select(e => e with { Reason = ReplayRunner.ApproximatedBooks }).ToList();
        }

        var csv = File.ReadAllText(output);
        Assert.Equal(TriangleEpisodesCsv.Format(reference), csv);
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        Assert.NotEmpty(rows);
        Assert.Equal(rows.Length, summary.Triangles!.Value.Episodes);
        Assert.All(rows, r => Assert.EndsWith(approximated ? ",observed," + ReplayRunner.ApproximatedBooks : ",observed,", r, StringComparison.Ordinal));
        Assert.Equal(approximated, progress.ToString().Contains("APPROXIMATED", StringComparison.Ordinal));
        Assert.Contains("no depth diffs", progress.ToString(), StringComparison.Ordinal); // the reader says what it lacks either way
    }

    [Fact]
    public async Task A_spot_capture_feeds_the_detectors_its_books_and_the_symbols_its_trades_unchanged()
    {
        var strategies = Strategies(("b.json", BinanceConfig));
        string[] tapes =
        [
            Fixture("binance_spot_BTCUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz"),
            Fixture("binance_spot_ETHUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz"),
        ];
        var withBooks = Path.Combine(_dir, "with.csv");
        var without = Path.Combine(_dir, "without.csv");
        var output = Path.Combine(_dir, "spot.csv");
        var summary = await ReplayRunner.RunAsync(new ReplayOptions
        {
            Tapes = tapes, StrategiesDirectory = strategies, HoconDirectory = RepoPaths.Hocon, TrianglesOut = output, IndicatorsOut = withBooks,
        });
        await ReplayRunner.RunAsync(new ReplayOptions { Tapes = tapes, StrategiesDirectory = strategies, HoconDirectory = RepoPaths.Hocon, IndicatorsOut = without });

        Assert.Equal(["BTCUSDT", "ETHUSDT"], summary.Symbols.Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllBytes(without), File.ReadAllBytes(withBooks));

        // Two legs of the triangle: ETH/BTC never has a book, so no cycle is ever evaluated, not even at -0.3 %.
        Assert.Equal(TriangleEpisodesCsv.Header + "\n", File.ReadAllText(output));
    }
}
