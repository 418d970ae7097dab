using System.Text.Json;
using Arbitrage.Binance.Tapes;
using Arbitrage.Simulator;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>
/// <c>arbctl backfill</c> as a user runs it (the real executable) against the simulator on 127.0.0.1 serving the recorded
/// 5-minute metrics: the tape is written with a progress line per page, a rerun appends nothing, bad input is one line.
/// The values themselves are checked against the CSV in the Binance tests (FuturesMetricsTests).
/// </summary>
public sealed class ArbctlBackfillTests : IAsyncLifetime
{
    private const string Fixture = "binance_usdm_BTCUSDT_klines5m_metrics_2026-01-01_to_2026-01-02.head576.csv";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "arb-tests", "arbctl-backfill-" + Guid.NewGuid().ToString("N"));
    private SimulatorHost _sim = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _sim = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Start = PlaybackStart.Manual,
            Metrics = new Dictionary<string, IReadOnlyList<FuturesMetricPoint>>
            {
                ["BTCUSDT"] = FuturesMetricsCsv.Read(Path.Combine(RepoPaths.Fixtures, Fixture)),
            },
        });
    }

    public async Task DisposeAsync()
    {
        await _sim.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory.
        }
    }

    private Task<(int Exit, string Stdout, string Stderr)> Backfill(params string[] args) =>
        ArbctlProcess.RunAsync(Path.Combine(_dir, "arbctl.json"), null, ["backfill", .. args]);

    [Fact]
    public async Task Two_days_of_metrics_are_written_once_with_progress_and_a_rerun_appends_nothing()
    {
        var outDir = Path.Combine(_dir, "inputs");
        string[] args = ["--symbol", "btcusdt", "--from", "2026-01-01", "--to", "2026-01-03", "--out", outDir, "--rest-url", _sim.BaseUrl.ToString(), "--no-funding"];
        var (exit, stdout, stderr) = await Backfill(args);
        Assert.True(exit == 0, stderr);
        Assert.Contains("backfill BTCUSDT metrics: up to 2026-01-02 17:35 UTC (87%), 499 new", stderr, StringComparison.Ordinal);
        Assert.Contains("576 new 5-minute points (last 2026-01-03 00:00 UTC)", stdout, StringComparison.Ordinal);

        var file = Path.Combine(outDir, "BTCUSDT-futures-metrics-5m.jsonl");
        var times = File.ReadLines(file).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("frame").GetProperty("E").GetInt64()).ToList();
        Assert.Equal(576, times.Count);
        Assert.Equal(times.Order(), times);

        (exit, stdout, stderr) = await Backfill(args);
        Assert.True(exit == 0, stderr);
        Assert.Contains(": 0 new 5-minute points", stdout, StringComparison.Ordinal);
        Assert.Equal(576, File.ReadLines(file).Count());
    }

    [Theory]
    [InlineData("--from", "01/01/2026", "--from: '01/01/2026' is not a UTC date or time")]
    [InlineData("--to", "2025-12-31", "--from must not be after --to")]
    [InlineData("--rest-url", "ftp://127.0.0.1", "--rest-url: 'ftp://127.0.0.1' is not an http(s) URL")]
    public async Task Bad_input_is_refused_with_one_line_naming_the_option(string option, string value, string message)
    {
        var args = new Dictionary<string, string>
        {
            ["--symbol"] = "BTCUSDT", ["--from"] = "2026-01-01", ["--to"] = "2026-01-03", ["--out"] = Path.Combine(_dir, "x"),
            ["--rest-url"] = _sim.BaseUrl.ToString(),
        };
        args[option] = value;
        var (exit, _, stderr) = await Backfill([.. args.SelectMany(a => new[] { a.Key, a.Value })]);
        Assert.Equal(2, exit);
        Assert.StartsWith("arbctl backfill: " + message, stderr.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain('\n', stderr.Trim());
    }

    [Fact]
    public async Task An_unreachable_exchange_fails_with_the_endpoint_named_and_exit_3()
    {
        var port = _sim.BaseUrl.Port;
        await _sim.DisposeAsync();
        _sim = await SimulatorHost.StartAsync(new SimulatorOptions { Start = PlaybackStart.Manual }); // for DisposeAsync
        var (exit, _, stderr) = await Backfill("--symbol", "BTCUSDT", "--from", "2026-01-01", "--to", "2026-01-02", "--out", Path.Combine(_dir, "y"),
            "--rest-url", $"http://127.0.0.1:{port}", "--no-funding");
        Assert.Equal(3, exit);
        Assert.StartsWith("arbctl backfill: openInterestHist: ", stderr.Trim(), StringComparison.Ordinal);
        Assert.Contains("run the same command again to resume", stderr, StringComparison.Ordinal);
    }
}
