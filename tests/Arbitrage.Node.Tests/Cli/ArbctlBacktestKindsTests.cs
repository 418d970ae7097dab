using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>
/// <c>arbctl backtest --kind triangles|carry</c> end to end (the real executable): trades.csv is byte for byte the CSV
/// <c>arbctl replay --triangle-trades-out</c> / <c>--carry-out</c> writes for the same input, summary.json is
/// recomputed here from that CSV alone, the PNG plots are real images and report.html shows the same numbers offline.
/// Triangles: the Gemini books with an executing paper config (as <c>ArbctlTrianglePaperReplayTests</c>, one venue,
/// 20 ms paper latency); carry: the 2023 BTCUSDT capture's markPrice frames with a config whose thresholds let a carry
/// open at once (a plumbing check over 16 s of marks, not a strategy result).
/// </summary>
public sealed partial class ArbctlBacktestKindsTests : IDisposable
{
    private const string Gemini = "gemini_BTCUSD_ETHUSD_ETHBTC_books_2021-04-17T1645Z_30s.top20.jsonl";
    private const string MarkPrices = "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_head3000.hftbt.gz";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "arb-tests", "arbctl-backtest-kinds-" + Guid.NewGuid().ToString("N"));

    public ArbctlBacktestKindsTests()
    {
        Directory.CreateDirectory(_dir);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory.
        }
    }

    [Fact]
    public async Task Triangles_report_is_the_attempts_csv_with_its_summary_recomputed_and_shown_offline()
    {
        var strategies = Path.Combine(_dir, "tri", "strategies");
        Directory.CreateDirectory(Path.Combine(strategies, "triangles"));
        File.WriteAllText(Path.Combine(strategies, "triangles", "gemini.json"), """
            { "id": "gemini_paper", "venue": "gemini-paper", "symbols": ["BTC/USD", "ETH/USD", "ETH/BTC"], "start_assets": { "USD": 10, "BTC": 0.00016, "ETH": 0.004 },
              "taker_fee": 0, "min_net_return": -0.001, "execute": true, "execute_min_net_return": 0.000001,
              "max_slippage_bps": 0, "leg_order_type": "limit_ioc", "cooldown_ms": 100, "paper_latency_ms": 20 }
            """);
        var tape = Path.Combine(RepoPaths.Fixtures, Gemini);
        var outDir = Path.Combine(_dir, "tri", "out");
        var replayAttempts = Path.Combine(_dir, "tri", "replay-attempts.csv");
        await Arbctl("backtest", "--kind", "triangles", "--tape", tape, "--strategies", strategies, "--hocon", RepoPaths.Hocon, "--out", outDir);
        await Arbctl("replay", "--tape", tape, "--strategies", strategies, "--hocon", RepoPaths.Hocon,
            "--triangles-out", Path.Combine(_dir, "tri", "replay-episodes.csv"), "--triangle-trades-out", replayAttempts);

        var csv = File.ReadAllText(Path.Combine(outDir, "trades.csv"));
        Assert.Equal(File.ReadAllText(replayAttempts), csv);
        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "tri", "replay-episodes.csv")), File.ReadAllText(Path.Combine(outDir, "episodes.csv")));
        var rows = Rows(csv, "attempt_id,start_ms,end_ms,venue,cycle,start_asset,start_amount,end_amount,pnl_start_asset,pnl_usd,fees_usd,outcome,legs_filled,slippage_bps");
        Assert.True(rows.Count >= 3, csv); // the recorded crossing, each start asset

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = json.RootElement;
        Assert.Equal("triangles", root.GetProperty("kind").GetString());
        AssertTriangleMetrics(rows, root);
        Assert.Equal(20.0, root.GetProperty("avg_leg_latency_ms").GetDouble()); // every leg answered after the config's paper latency
        Assert.Equal(20, root.GetProperty("max_leg_latency_ms").GetInt64());
        var byCycle = root.GetProperty("by_cycle");
        Assert.Equal(rows.Select(r => r["cycle"]).Distinct().Order(StringComparer.Ordinal), byCycle.EnumerateObject().Select(p => p.Name));
        foreach (var cycle in byCycle.EnumerateObject())
        {
            AssertTriangleMetrics(rows.Where(r => r["cycle"] == cycle.Name).ToList(), cycle.Value);
        }

        var html = AssertReport(outDir, root, ["attempts", "completed", "unwound", "failed", "wins", "win_rate", "pnl_usd", "fees_usd", "avg_slippage_bps", "avg_leg_latency_ms", "max_leg_latency_ms", "max_drawdown_usd"]);
        foreach (var heading in new[] { "Cumulative PnL", "Drawdown", "Summary", "Per cycle", "Attempts" })
        {
            Assert.Contains($"<h2>{heading}", html, StringComparison.Ordinal);
        }

        Assert.All(rows, r => Assert.Contains($"<td class=\"t\">{r["attempt_id"]}</td>", html, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Carry_report_is_the_carry_csv_with_its_summary_recomputed_and_shown_offline()
    {
        var strategies = Path.Combine(_dir, "carry", "strategies");
        Directory.CreateDirectory(Path.Combine(strategies, "carry"));
        File.WriteAllText(Path.Combine(strategies, "carry", "carry_funding.json"), """
            { "id": "carry_funding", "symbols": ["BTCUSDT"], "notional_usd": 10000, "entry_min_annualised": -1, "entry_min_basis": -1, "entry_max_basis": 1,
              "exit_below_annualised": -2, "max_holding_hours": 720, "exit_basis_widening": null, "fee_rate": 0.0004, "funding_interval_hours": 8,
              "spot_step": 1e-05, "perp_step": 0.001, "enabled": true }
            """);
        var tape = Path.Combine(RepoPaths.Fixtures, MarkPrices);
        var outDir = Path.Combine(_dir, "carry", "out");
        var replayCarry = Path.Combine(_dir, "carry", "replay-carry.csv");
        await Arbctl("backtest", "--kind", "carry", "--tape", tape, "--strategies", strategies, "--hocon", RepoPaths.Hocon, "--out", outDir);
        await Arbctl("replay", "--tape", tape, "--strategies", strategies, "--hocon", RepoPaths.Hocon, "--carry-out", replayCarry);

        var csv = File.ReadAllText(Path.Combine(outDir, "trades.csv"));
        Assert.Equal(File.ReadAllText(replayCarry), csv);
        var rows = Rows(csv, "symbol,opened_ms,closed_ms,notional_usd,funding_usd,basis_pnl_usd,fees_usd,net_usd,settlements,exit_reason");
        Assert.NotEmpty(rows);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = json.RootElement;
        Assert.Equal("carry", root.GetProperty("kind").GetString());
        Assert.Equal(rows.Count, root.GetProperty("carries").GetInt32());
        Assert.Equal(rows.Count(r => r["closed_ms"] != ""), root.GetProperty("closed").GetInt32());
        Assert.Equal(rows.Count(r => r["exit_reason"] == "open"), root.GetProperty("open").GetInt32());
        Assert.Equal(rows.Sum(r => int.Parse(r["settlements"], CultureInfo.InvariantCulture)), root.GetProperty("settlements").GetInt32());
        foreach (var (key, column) in new[] { ("funding_usd", "funding_usd"), ("basis_pnl_usd", "basis_pnl_usd"), ("fees_usd", "fees_usd"), ("pnl_usd", "net_usd") })
        {
            Assert.Equal(rows.Sum(r => Dec(r[column])), root.GetProperty(key).GetDecimal());
        }

        Assert.Equal(rows.Sum(r => Dec(r["funding_usd"]) + Dec(r["basis_pnl_usd"]) - Dec(r["fees_usd"])), root.GetProperty("pnl_usd").GetDecimal());
        Assert.Equal(rows.Select(r => r["symbol"]).Distinct().Order(StringComparer.Ordinal), root.GetProperty("by_symbol").EnumerateObject().Select(p => p.Name));
        var html = AssertReport(outDir, root, ["carries", "closed", "open", "settlements", "wins", "win_rate", "funding_usd", "basis_pnl_usd", "fees_usd", "pnl_usd", "max_drawdown_usd"]);
        foreach (var heading in new[] { "Cumulative PnL", "Drawdown", "Summary", "Per symbol", "Carries" })
        {
            Assert.Contains($"<h2>{heading}", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bad_kind_inputs_fail_with_one_line_naming_the_option()
    {
        var books = Path.Combine(RepoPaths.Fixtures, Gemini);
        var trades = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        var noTriangles = Directory.CreateDirectory(Path.Combine(_dir, "plain")).FullName;
        File.Copy(Path.Combine(RepoPaths.Strategies, "example_trades_only.json"), Path.Combine(noTriangles, "example_trades_only.json"));
        (string[] Args, string Expected)[] cases =
        [
            (["--kind", "pairs", "--tape", trades, "--strategies", RepoPaths.Strategies], "arbctl backtest: --kind: pairs: must be signals, triangles or carry"),
            (["--kind", "triangles", "--tape", books, "--strategies", noTriangles], $"arbctl backtest: --strategies: {Path.Combine(noTriangles, "triangles")}: no triangle configs"),
            (["--kind", "triangles", "--tape", trades, "--strategies", RepoPaths.Strategies], "arbctl backtest: --tape: no book tape among"),
            (["--kind", "carry", "--tape", trades, "--strategies", noTriangles], $"arbctl backtest: --strategies: {Path.Combine(noTriangles, "carry", "carry_funding.json")}: carry config not found"),
            (["--kind", "carry", "--tape", trades, "--strategies", RepoPaths.Strategies], "arbctl backtest: --tape: the tapes hold no markPrice frame"),
        ];
        foreach (var (args, expected) in cases)
        {
            var (exit, _, stderr) = await ArbctlProcess.RunAsync(
                Path.Combine(_dir, "arbctl.json"), null, ["backtest", "--hocon", RepoPaths.Hocon, "--out", Path.Combine(_dir, "o-" + Guid.NewGuid().ToString("N")), .. args]);
            Assert.Equal(2, exit);
            var line = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
            Assert.StartsWith(expected, line, StringComparison.Ordinal);
        }
    }

    private async Task Arbctl(params string[] args)
    {
        var (exit, _, stderr) = await ArbctlProcess.RunAsync(Path.Combine(_dir, "arbctl.json"), null, args);
        Assert.True(exit == 0, stderr);
    }

    private static void AssertTriangleMetrics(List<Dictionary<string, string>> rows, JsonElement m)
    {
        Assert.Equal(rows.Count, m.GetProperty("attempts").GetInt32());
        foreach (var outcome in new[] { "completed", "unwound", "failed" })
        {
            Assert.Equal(rows.Count(r => r["outcome"] == outcome), m.GetProperty(outcome).GetInt32());
        }

        Assert.Equal(rows.Count(r => Dec(r["pnl_usd"]) > 0m), m.GetProperty("wins").GetInt32());
        Assert.Equal(rows.Sum(r => Dec(r["pnl_usd"])), m.GetProperty("pnl_usd").GetDecimal());
        Assert.Equal(rows.Sum(r => Dec(r["fees_usd"])), m.GetProperty("fees_usd").GetDecimal());
        Assert.Equal(rows.Average(r => double.Parse(r["slippage_bps"], CultureInfo.InvariantCulture)), m.GetProperty("avg_slippage_bps").GetDouble(), 12);

        // Max drawdown of the cumulative PnL in the CSV's (attempt) order, the peak starting at 0.
        decimal cumulative = 0m, peak = 0m, drawdown = 0m;
        foreach (var r in rows)
        {
            cumulative += Dec(r["pnl_usd"]);
            peak = Math.Max(peak, cumulative);
            drawdown = Math.Max(drawdown, peak - cumulative);
        }

        Assert.Equal(drawdown, m.GetProperty("max_drawdown_usd").GetDecimal());
    }

    /// <summary>Both plots are real PNGs embedded in a report.html without script or URL that carries every summary number exactly.</summary>
    private static string AssertReport(string outDir, JsonElement root, string[] keys)
    {
        foreach (var png in new[] { "equity.png", "drawdown.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(outDir, png));
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            Assert.Equal(1000, (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19]);
            Assert.True(bytes.Length > 5_000, $"{png}: {bytes.Length} bytes");
        }

        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.DoesNotMatch(UrlPattern(), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, Regex.Count(html, "src=\"data:image/png;base64,"));
        foreach (var key in keys)
        {
            var value = root.GetProperty(key);
            Assert.Contains($"data-value=\"{(value.ValueKind == JsonValueKind.Null ? "null" : value.GetRawText())}\"", html, StringComparison.Ordinal);
        }

        return html;
    }

    /// <summary>The CSV's rows by column (these CSVs quote no field: ids, cycles and codes hold no comma).</summary>
    private static List<Dictionary<string, string>> Rows(string csv, string header)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(header, lines[0]);
        var columns = header.Split(',');
        return lines[1..].Select(l =>
        {
            var fields = l.Split(',');
            Assert.Equal(columns.Length, fields.Length);
            return columns.Zip(fields).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
        }).ToList();
    }

    private static decimal Dec(string s) => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?i)(https?:|ftp:|src=""//|href=""//|@import|url\()")]
    private static partial Regex UrlPattern();
}
