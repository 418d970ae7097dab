using System.CommandLine;
using System.Globalization;
using Arbitrage.Binance.Tapes;
using Arbitrage.Cli.Backtest;
using Arbitrage.Core.Backtest;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Replay;

namespace Arbitrage.Cli.Commands;

/// <summary>
/// <c>arbctl backtest</c>: the replay with the paper executor (<see cref="ReplayRunner"/>, as <c>replay --trades-out</c>) and
/// a report in the output directory: <c>trades.csv</c> (the replay's trades CSV), <c>summary.json</c>
/// (<see cref="BacktestReport"/>), <c>report.html</c> and the PNG plots. <c>--kind triangles</c> replays book tapes
/// through the executing triangle configs instead (<c>trades.csv</c> = the <c>--triangle-trades-out</c> attempts CSV,
/// <see cref="TriangleBacktestReport"/>, plus the episodes as <c>episodes.csv</c>) and <c>--kind carry</c> the markPrice
/// frames through the carry actors (<c>trades.csv</c> = the <c>--carry-out</c> CSV, <see cref="CarryBacktestReport"/>):
/// the same files, the same page style, so the dashboard lists every kind alike.
/// </summary>
public static class BacktestCommand
{
    public const string TradesFile = "trades.csv";
    public const string SummaryFile = "summary.json";
    public const string EpisodesFile = "episodes.csv";

    /// <summary>The kinds of <c>--kind</c>: the signal strategies (default), the triangle configs, the funding carry.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["signals", "triangles", "carry"];

    public static Command Create()
    {
        var tapes = new Option<string[]>("--tape")
        {
            Description = "Tape file(s), as for replay: Binance aggTrades CSV (plain/zip), .hftbt.gz, .cryptofeed.txt or JSONL. Repeatable.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var strategies = new Option<string>("--strategies") { Description = "Strategies directory.", DefaultValueFactory = _ => "strategies" };
        var outDir = new Option<string>("--out") { Description = "Output directory (created): trades.csv, summary.json, report.html, equity.png, drawdown.png.", Required = true };
        var defaults = new ReplayOptions { Tapes = [], StrategiesDirectory = "", HoconDirectory = "" };
        var startingBalance = new Option<decimal>("--starting-balance")
        {
            Description = "The paper account's starting balance in USD (default: the paper account's, Paper:StartingBalanceUsd).",
            DefaultValueFactory = _ => defaults.Paper.StartingBalanceUsd,
        };
        var hocon = new Option<string?>("--hocon") { Description = "HOCON directory (default ./hocon or the copy beside arbctl)." };
        var journalDir = new Option<string?>("--journal-dir") { Description = "Keep the run's journal in SQLite in this directory (default: in memory)." };
        var kind = new Option<string>("--kind")
        {
            Description = "signals (default: the strategies' trades), triangles (the book tapes through strategies/triangles' executing configs) "
                + "or carry (the tapes' markPrice frames through strategies/carry/carry_funding.json). --starting-balance is for signals only.",
            DefaultValueFactory = _ => "signals",
        };

        var command = new Command("backtest", "Backtest: replay tapes with the paper executor and write a report (trades.csv, summary.json, report.html, PNG plots).")
        {
            tapes, strategies, outDir, startingBalance, hocon, journalDir, kind,
        };
        command.SetAction(async (parse, ct) =>
        {
            var tapeFiles = parse.GetValue(tapes) ?? [];
            var strategiesDir = parse.GetValue(strategies)!;
            var dir = parse.GetValue(outDir)!;
            var balance = parse.GetValue(startingBalance);
            var reportKind = parse.GetValue(kind)!;
            if (Check(reportKind, tapeFiles, strategiesDir, dir, balance) is { } error)
            {
                await Console.Error.WriteLineAsync("arbctl backtest: " + error);
                return 2;
            }

            var hoconDir = AkkaConfig.FindHoconDirectory(parse.GetValue(hocon));
            if (hoconDir is null)
            {
                await Console.Error.WriteLineAsync("arbctl backtest: --hocon: HOCON directory not found (run from the repository root or pass --hocon DIR)");
                return 2;
            }

            var options = defaults with
            {
                Tapes = tapeFiles,
                StrategiesDirectory = strategiesDir,
                HoconDirectory = hoconDir,
                TradesOut = reportKind == "signals" ? Path.Combine(dir, TradesFile) : null,
                TrianglesOut = reportKind == "triangles" ? Path.Combine(dir, EpisodesFile) : null,
                TriangleTradesOut = reportKind == "triangles" ? Path.Combine(dir, TradesFile) : null,
                CarryOut = reportKind == "carry" ? Path.Combine(dir, TradesFile) : null,
                Paper = defaults.Paper with { StartingBalanceUsd = balance },
                JournalDirectory = parse.GetValue(journalDir),
                Progress = Console.Error,
            };
            try
            {
                var summary = await ReplayRunner.RunAsync(options, ct);
                foreach (var line in summary.Describe())
                {
                    await Console.Error.WriteLineAsync(line.StartsWith("backtest: ", StringComparison.Ordinal) ? line : "backtest: " + line);
                }

                switch (reportKind)
                {
                    case "triangles":
                        if (summary.BookSpan is not { } books)
                        {
                            await Console.Error.WriteLineAsync("arbctl backtest: --tape: the tapes hold no book event for the triangle configs: nothing to backtest");
                            return 2;
                        }

                        var triangles = TriangleBacktestReport.Of(summary.TriangleAttempts, books.FirstMs, books.LastMs);
                        await WriteAsync(dir, triangles.ToJson(), triangles.Curve, "Cumulative PnL (USD), attempt order",
                            pngs => TriangleReportHtml.Render(triangles, tapeFiles, pngs), $"{triangles.Total.Attempts:N0} attempts", ct);
                        break;
                    case "carry":
                        if (summary.Carry?.Span is not { } marks)
                        {
                            await Console.Error.WriteLineAsync("arbctl backtest: --tape: the tapes hold no markPrice frame: nothing to backtest (the carry reads markPriceUpdate frames)");
                            return 2;
                        }

                        var carry = CarryBacktestReport.Of(summary.Carry.Carries, marks.FirstMs, marks.LastMs);
                        await WriteAsync(dir, carry.ToJson(), carry.Curve, "Cumulative PnL (USD), close order",
                            pngs => CarryReportHtml.Render(carry, tapeFiles, pngs), $"{carry.Total.Carries:N0} carries", ct);
                        break;
                    default:
                        if (summary.TickSpan is not { } span)
                        {
                            await Console.Error.WriteLineAsync($"arbctl backtest: --tape: the tapes hold no 15 s tick ({summary.Trades:N0} trades): nothing to backtest");
                            return 2;
                        }

                        await Write(BacktestReport.Of(summary.ClosedTradeList, balance, span.FirstMs, span.LastMs), tapeFiles, dir, ct);
                        break;
                }

                await Console.Error.WriteLineAsync(
                    $"backtest: report in {dir}: {TradesFile}, {SummaryFile}, {BacktestHtml.FileName}, {BacktestPlots.EquityFile}, {BacktestPlots.DrawdownFile}"
                    + (reportKind == "triangles" ? $", {EpisodesFile}" : ""));
                return 0;
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException or TapeFormatException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"arbctl backtest: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>The report files beside trades.csv (which the replay wrote).</summary>
    public static Task Write(BacktestReport report, IReadOnlyList<string> tapes, string dir, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        return WriteAsync(dir, report.ToJson(), report.Equity, "Equity: paper balance (USD)", pngs => BacktestHtml.Render(report, tapes, pngs), $"{report.Total.Trades:N0} trades", ct);
    }

    /// <summary>Every kind's report files: summary.json, the plots of <paramref name="curve"/>, and report.html with the plots embedded.</summary>
    private static async Task WriteAsync(
        string dir, string summaryJson, IReadOnlyList<(long TimeMs, decimal Value, decimal Drawdown)> curve, string equityTitle,
        Func<IReadOnlyDictionary<string, byte[]>, string> html, string what, CancellationToken ct)
    {
        Console.Error.WriteLine($"backtest: writing {SummaryFile}, plots and {BacktestHtml.FileName} ({what})");
        await File.WriteAllTextAsync(Path.Combine(dir, SummaryFile), summaryJson, ct);
        BacktestPlots.Write(curve, dir, equityTitle);
        var pngs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in new[] { BacktestPlots.EquityFile, BacktestPlots.DrawdownFile })
        {
            pngs[file] = await File.ReadAllBytesAsync(Path.Combine(dir, file), ct);
        }

        await File.WriteAllTextAsync(Path.Combine(dir, BacktestHtml.FileName), html(pngs), ct);
    }

    /// <summary>The inputs' checks before the engine starts: one line naming the option and the file, or null.</summary>
    private static string? Check(string kind, IReadOnlyList<string> tapes, string strategiesDir, string dir, decimal balance)
    {
        if (!Kinds.Contains(kind))
        {
            return $"--kind: {kind}: must be {string.Join(", ", Kinds.SkipLast(1))} or {Kinds[^1]}";
        }

        if (tapes.Count == 0)
        {
            return "--tape: at least one tape file is needed";
        }

        if (tapes.FirstOrDefault(t => !File.Exists(t)) is { } missing)
        {
            return $"--tape: {missing}: tape file not found";
        }

        if (balance <= 0m)
        {
            return string.Create(CultureInfo.InvariantCulture, $"--starting-balance: {balance} must be a positive number of USD");
        }

        if (!Directory.Exists(strategiesDir))
        {
            return $"--strategies: {strategiesDir}: directory not found";
        }

        var loaded = StrategyLoader.LoadDirectory(strategiesDir);
        if (loaded.Errors.Count > 0)
        {
            return $"--strategies: {loaded.Errors[0]} [{loaded.Errors[0].Rule}]" + (loaded.Errors.Count > 1 ? $" (and {loaded.Errors.Count - 1} more error(s))" : "");
        }

        if (kind == "signals" && loaded.Strategies.Count == 0)
        {
            return $"--strategies: {strategiesDir}: no strategy files (*.json): nothing would trade";
        }

        if (kind == "triangles")
        {
            var triangles = Path.Combine(strategiesDir, "triangles");
            if (!Directory.Exists(triangles) || Directory.GetFiles(triangles, "*.json").Length == 0)
            {
                return $"--strategies: {triangles}: no triangle configs (*.json): --kind triangles replays them";
            }

            if (!tapes.Any(t => BookTapes.FormatOf(t) is not null))
            {
                return $"--tape: no book tape among {string.Join(", ", tapes.Select(Path.GetFileName))} (JSONL books, Binance spot .hftbt.gz captures, the deep_orderbook zip): --kind triangles replays books";
            }
        }

        if (kind == "carry" && Path.Combine(strategiesDir, "carry", "carry_funding.json") is var carry && !File.Exists(carry))
        {
            return $"--strategies: {carry}: carry config not found: --kind carry replays it";
        }

        try
        {
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, ".arbctl-write-check");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"--out: {dir}: not writable ({e.Message})";
        }

        return null;
    }
}
