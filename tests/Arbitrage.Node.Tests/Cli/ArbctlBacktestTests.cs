using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>
/// <c>arbctl backtest</c> end to end (the real executable): a report generated from the BTCUSD_PERP fixture whose
/// summary.json is recomputed here from its trades.csv alone (an independent implementation of the README's
/// definitions), valid PNG plots, and a report.html that opens offline and shows the same numbers.
/// </summary>
public sealed partial class ArbctlBacktestTests : IDisposable
{
    private const long DayMs = 86_400_000L;
    private const long TickMs = 15_000L;

    private static readonly string[] MetricKeys =
    [
        "starting_balance_usd", "first_ms", "last_ms", "trades", "wins", "win_rate", "pnl_usd", "pnl_r", "fees_usd", "expectancy_r",
        "profit_factor", "max_drawdown_usd", "max_drawdown_r", "sharpe", "sortino", "calmar", "exposure", "avg_hold_minutes",
    ];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "arb-tests", "arbctl-backtest-" + Guid.NewGuid().ToString("N"));

    public ArbctlBacktestTests()
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

    /// <summary>
    /// The fixture (2026-05-08 00:00-05:45) and the same trades shifted by two days (a plumbing check over three UTC days, the
    /// middle one without trades, not a strategy result), with the shipped strategies: example_trades_only trades on trades alone.
    /// </summary>
    [Fact]
    public async Task The_summary_is_recomputed_from_the_trades_csv_and_the_report_shows_it_offline()
    {
        var fixture = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip");
        var shifted = ShiftedCopy(fixture, 2 * DayMs);
        var outDir = Path.Combine(_dir, "out");
        var (exit, _, stderr) = await ArbctlProcess.RunAsync(
            Path.Combine(_dir, "arbctl.json"), null,
            "backtest", "--tape", fixture, shifted, "--strategies", RepoPaths.Strategies, "--hocon", RepoPaths.Hocon, "--out", outDir, "--starting-balance", "500");
        Assert.True(exit == 0, stderr);
        Assert.Contains("backtest: report in ", stderr, StringComparison.Ordinal);

        // trades.csv is the replay's trades CSV (its header is a contract).
        var lines = File.ReadAllLines(Path.Combine(outDir, "trades.csv"));
        Assert.Equal(
            "signal_id,symbol,strategy,direction,entry_time_ms,entry_time,entry,qty,exit_time_ms,exit_time,exit,exit_reason,exit_detail,pnl_usd,pnl_r,fees_usd",
            lines[0]);
        var trades = lines[1..].Select(ParseTrade).ToArray();
        Assert.True(trades.Length >= 4, stderr);
        Assert.Contains(trades, t => t.ExitMs / DayMs == trades[0].ExitMs / DayMs + 2);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = json.RootElement;
        Assert.Equal([.. MetricKeys, "by_strategy", "by_symbol"], root.EnumerateObject().Select(p => p.Name));

        // The tick span: 15 s ticks, the first after the tape's first trade, the last at or before its last trade.
        var firstMs = root.GetProperty("first_ms").GetInt64();
        var lastMs = root.GetProperty("last_ms").GetInt64();
        Assert.Equal(0, firstMs % TickMs);
        Assert.Equal(0, lastMs % TickMs);
        Assert.Equal(new DateTimeOffset(2026, 5, 8, 0, 0, 15, TimeSpan.Zero).ToUnixTimeMilliseconds(), firstMs); // the tape starts at 00:00:00.020
        Assert.InRange(lastMs, 1778219158248L + (2 * DayMs) - TickMs, 1778219158248L + (2 * DayMs)); // its last trade, shifted

        AssertMetrics(Expected(trades, 500m, firstMs, lastMs), root, "total");
        var byStrategy = root.GetProperty("by_strategy");
        Assert.Equal(trades.Select(t => t.Strategy).Distinct().Order(StringComparer.Ordinal), byStrategy.EnumerateObject().Select(p => p.Name));
        foreach (var group in byStrategy.EnumerateObject())
        {
            AssertMetrics(Expected(trades.Where(t => t.Strategy == group.Name).ToArray(), 500m, firstMs, lastMs), group.Value, group.Name);
        }

        var bySymbol = root.GetProperty("by_symbol");
        Assert.Equal(["BTCUSD_PERP"], bySymbol.EnumerateObject().Select(p => p.Name));
        AssertMetrics(Expected(trades, 500m, firstMs, lastMs), bySymbol.GetProperty("BTCUSD_PERP"), "BTCUSD_PERP");

        // Plots: PNG signature, a 1000-pixel-wide image (IHDR), more than a blank canvas.
        foreach (var png in new[] { "equity.png", "drawdown.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(outDir, png));
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            Assert.Equal("IHDR", Encoding.ASCII.GetString(bytes, 12, 4));
            Assert.Equal(1000, (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19]);
            Assert.True(bytes.Length > 5_000, $"{png}: {bytes.Length} bytes");
        }

        // report.html: offline (no URL, no script), the plots embedded, the same numbers as summary.json.
        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.DoesNotMatch(UrlPattern(), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, Regex.Count(html, "src=\"data:image/png;base64,"));
        foreach (var key in MetricKeys.Where(k => k is not ("starting_balance_usd" or "first_ms" or "last_ms")))
        {
            var value = root.GetProperty(key);
            var exact = value.ValueKind == JsonValueKind.Null ? "null" : value.GetRawText();
            Assert.Contains($"data-value=\"{exact}\"", html, StringComparison.Ordinal);
        }

        foreach (var heading in new[] { "Equity curve", "Drawdown", "Summary", "Per strategy", "Per symbol", "Monthly breakdown", "Trades" })
        {
            Assert.Contains($"<h2>{heading}", html, StringComparison.Ordinal);
        }

        Assert.Contains("Longest losing streak", html, StringComparison.Ordinal);
        Assert.Contains($"<td data-value=\"{LongestLosingStreak(trades)}\">", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"t\">2026-05</td>", html, StringComparison.Ordinal);
        foreach (var t in trades)
        {
            Assert.Contains($"<td class=\"t\">{t.SignalId}</td>", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bad_inputs_fail_with_one_line_naming_the_option_and_the_file()
    {
        var fixture = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        var missing = Path.Combine(_dir, "nope.csv");
        var emptyStrategies = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        var aFile = Path.Combine(_dir, "a-file");
        File.WriteAllText(aFile, "x");

        (string[] Args, string Expected)[] cases =
        [
            (["--tape", missing, "--strategies", RepoPaths.Strategies, "--out", Path.Combine(_dir, "o1")], $"arbctl backtest: --tape: {missing}: tape file not found"),
            (["--tape", fixture, "--strategies", emptyStrategies, "--out", Path.Combine(_dir, "o2")], $"arbctl backtest: --strategies: {emptyStrategies}: no strategy files (*.json)"),
            (["--tape", fixture, "--strategies", RepoPaths.Strategies, "--out", Path.Combine(aFile, "sub")], $"arbctl backtest: --out: {Path.Combine(aFile, "sub")}: not writable"),
            (["--tape", fixture, "--strategies", RepoPaths.Strategies, "--out", Path.Combine(_dir, "o4"), "--starting-balance", "0"], "arbctl backtest: --starting-balance: 0 must be a positive number"),
        ];
        foreach (var (args, expected) in cases)
        {
            var (exit, _, stderr) = await ArbctlProcess.RunAsync(Path.Combine(_dir, "arbctl.json"), null, ["backtest", "--hocon", RepoPaths.Hocon, .. args]);
            Assert.Equal(2, exit);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.StartsWith(expected, line, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(_dir, "o1")));
    }

    /// <summary>The README's definitions, written again over the parsed CSV rows.</summary>
    private static Dictionary<string, double?> Expected(Row[] trades, decimal balance, long firstMs, long lastMs)
    {
        var n = trades.Length;
        var wins = trades.Count(t => t.PnlUsd > 0);
        var pnl = trades.Sum(t => t.PnlUsd);
        var r = trades.Sum(t => t.PnlR);
        var grossWin = trades.Where(t => t.PnlUsd > 0).Sum(t => t.PnlUsd);
        var grossLoss = -trades.Where(t => t.PnlUsd < 0).Sum(t => t.PnlUsd);

        decimal Drawdown(Func<Row, decimal> value)
        {
            decimal cumulative = 0, peak = 0, worst = 0;
            foreach (var t in trades)
            {
                cumulative += value(t);
                peak = Math.Max(peak, cumulative);
                worst = Math.Max(worst, peak - cumulative);
            }

            return worst;
        }

        // Balance at the end of each UTC day from first to last tick; returns on the previous day's close.
        var firstDay = DateTimeOffset.FromUnixTimeMilliseconds(firstMs).UtcDateTime.Date;
        var lastDay = DateTimeOffset.FromUnixTimeMilliseconds(lastMs).UtcDateTime.Date;
        var returns = new List<double>();
        var close = balance;
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var dayPnl = trades.Where(t => DateTimeOffset.FromUnixTimeMilliseconds(t.ExitMs).UtcDateTime.Date == day).Sum(t => t.PnlUsd);
            returns.Add((double)(dayPnl / close));
            close += dayPnl;
        }

        var mean = returns.Average();
        var std = Math.Sqrt(returns.Sum(x => (x - mean) * (x - mean)) / (returns.Count - 1));
        var downside = Math.Sqrt(returns.Sum(x => x < 0 ? x * x : 0) / returns.Count);
        var maxDd = Drawdown(t => t.PnlUsd);

        // Time with a position open: a millisecond grid would be too fine; merge the sorted intervals instead.
        long covered = 0, end = long.MinValue;
        foreach (var t in trades.OrderBy(t => t.EntryMs))
        {
            var from = Math.Max(Math.Max(t.EntryMs, end), firstMs);
            var to = Math.Min(t.ExitMs, lastMs);
            if (to > from)
            {
                covered += to - from;
            }

            end = Math.Max(end, to);
        }

        return new Dictionary<string, double?>
        {
            ["starting_balance_usd"] = (double)balance,
            ["first_ms"] = firstMs,
            ["last_ms"] = lastMs,
            ["trades"] = n,
            ["wins"] = wins,
            ["win_rate"] = (double)wins / n,
            ["pnl_usd"] = (double)pnl,
            ["pnl_r"] = (double)r,
            ["fees_usd"] = (double)trades.Sum(t => t.FeesUsd),
            ["expectancy_r"] = (double)r / n,
            ["profit_factor"] = grossLoss == 0 ? null : (double)(grossWin / grossLoss),
            ["max_drawdown_usd"] = (double)maxDd,
            ["max_drawdown_r"] = (double)Drawdown(t => t.PnlR),
            ["sharpe"] = std > 0 ? mean / std * Math.Sqrt(365) : null,
            ["sortino"] = downside > 0 ? mean / downside * Math.Sqrt(365) : null,
            ["calmar"] = maxDd == 0 ? null : (double)pnl * 365 / returns.Count / (double)maxDd,
            ["exposure"] = (double)covered / (lastMs - firstMs),
            ["avg_hold_minutes"] = trades.Average(t => (t.ExitMs - t.EntryMs) / 60_000.0),
        };
    }

    private static void AssertMetrics(Dictionary<string, double?> expected, JsonElement actual, string what)
    {
        Assert.Equal(MetricKeys, actual.EnumerateObject().Select(p => p.Name).Where(n => n is not ("by_strategy" or "by_symbol")));
        foreach (var key in MetricKeys)
        {
            var value = actual.GetProperty(key);
            if (expected[key] is not { } e)
            {
                Assert.True(value.ValueKind == JsonValueKind.Null, $"{what}.{key}: expected null, got {value}");
                continue;
            }

            Assert.True(value.ValueKind == JsonValueKind.Number, $"{what}.{key}: expected a number, got {value}");
            var a = value.GetDouble();
            Assert.True(Math.Abs(a - e) <= 1e-9 * Math.Max(1, Math.Abs(e)), $"{what}.{key}: expected {e}, summary.json says {a}");
        }

        // The sample over three days is defined: these are numbers, not nulls.
        Assert.Equal(JsonValueKind.Number, actual.GetProperty("sharpe").ValueKind);
    }

    private static int LongestLosingStreak(Row[] trades)
    {
        int longest = 0, run = 0;
        foreach (var t in trades)
        {
            run = t.PnlUsd > 0 ? 0 : run + 1;
            longest = Math.Max(longest, run);
        }

        return longest;
    }

    /// <summary>The fixture's trades moved <paramref name="shiftMs"/> later (ids too), as a CSV tape of the same symbol.</summary>
    private string ShiftedCopy(string zip, long shiftMs)
    {
        using var archive = ZipFile.OpenRead(zip);
        using var reader = new StreamReader(archive.Entries[0].Open());
        var path = Path.Combine(_dir, "BTCUSD_PERP-aggTrades-2026-05-10.csv");
        using var writer = new StreamWriter(path);
        writer.WriteLine(reader.ReadLine()); // header
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            f[0] = (long.Parse(f[0], CultureInfo.InvariantCulture) + 1_000_000).ToString(CultureInfo.InvariantCulture);
            f[3] = (long.Parse(f[3], CultureInfo.InvariantCulture) + 1_000_000).ToString(CultureInfo.InvariantCulture);
            f[4] = (long.Parse(f[4], CultureInfo.InvariantCulture) + 1_000_000).ToString(CultureInfo.InvariantCulture);
            f[5] = (long.Parse(f[5], CultureInfo.InvariantCulture) + shiftMs).ToString(CultureInfo.InvariantCulture);
            writer.WriteLine(string.Join(',', f));
        }

        return path;
    }

    private static Row ParseTrade(string line)
    {
        var f = SplitCsv(line);
        return new Row(
            f[0], f[1], f[2], long.Parse(f[4], CultureInfo.InvariantCulture), long.Parse(f[8], CultureInfo.InvariantCulture),
            decimal.Parse(f[13], CultureInfo.InvariantCulture), decimal.Parse(f[14], CultureInfo.InvariantCulture), decimal.Parse(f[15], CultureInfo.InvariantCulture));
    }

    /// <summary>RFC 4180 fields (the exit detail may be quoted).</summary>
    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    [GeneratedRegex(@"(?i)(https?:|ftp:|src=""//|href=""//|@import|url\()")]
    private static partial Regex UrlPattern();

    private sealed record Row(string SignalId, string Symbol, string Strategy, long EntryMs, long ExitMs, decimal PnlUsd, decimal PnlR, decimal FeesUsd);
}
