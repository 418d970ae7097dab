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
/// (<see cref="BacktestReport"/>), <c>report.html</c> and the PNG plots.
/// </summary>
public static class BacktestCommand
{
    public const string TradesFile = "trades.csv";
    public const string SummaryFile = "summary.json";

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

        var command = new Command("backtest", "Backtest: replay tapes with the paper executor and write a report (trades.csv, summary.json, report.html, PNG plots).")
        {
            tapes, strategies, outDir, startingBalance, hocon, journalDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            var tapeFiles = parse.GetValue(tapes) ?? [];
            var strategiesDir = parse.GetValue(strategies)!;
            var dir = parse.GetValue(outDir)!;
            var balance = parse.GetValue(startingBalance);
            if (Check(tapeFiles, strategiesDir, dir, balance) is { } error)
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
                TradesOut = Path.Combine(dir, TradesFile),
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

                if (summary.TickSpan is not { } span)
                {
                    await Console.Error.WriteLineAsync($"arbctl backtest: --tape: the tapes hold no 15 s tick ({summary.Trades:N0} trades): nothing to backtest");
                    return 2;
                }

                var report = BacktestReport.Of(summary.ClosedTradeList, balance, span.FirstMs, span.LastMs);
                await Write(report, tapeFiles, dir, ct);
                await Console.Error.WriteLineAsync(
                    $"backtest: report in {dir}: {TradesFile}, {SummaryFile}, {BacktestHtml.FileName}, {BacktestPlots.EquityFile}, {BacktestPlots.DrawdownFile}");
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
    public static async Task Write(BacktestReport report, IReadOnlyList<string> tapes, string dir, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        Console.Error.WriteLine($"backtest: writing {SummaryFile}, plots and {BacktestHtml.FileName} ({report.Total.Trades:N0} trades)");
        await File.WriteAllTextAsync(Path.Combine(dir, SummaryFile), report.ToJson(), ct);
        BacktestPlots.Write(report, dir);
        var pngs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in new[] { BacktestPlots.EquityFile, BacktestPlots.DrawdownFile })
        {
            pngs[file] = await File.ReadAllBytesAsync(Path.Combine(dir, file), ct);
        }

        await File.WriteAllTextAsync(Path.Combine(dir, BacktestHtml.FileName), BacktestHtml.Render(report, tapes, pngs), ct);
    }

    /// <summary>The inputs' checks before the engine starts: one line naming the option and the file, or null.</summary>
    private static string? Check(IReadOnlyList<string> tapes, string strategiesDir, string dir, decimal balance)
    {
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

        if (loaded.Strategies.Count == 0)
        {
            return $"--strategies: {strategiesDir}: no strategy files (*.json): nothing would trade";
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
