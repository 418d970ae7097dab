using System.CommandLine;
using Arbitrage.Binance.Tapes;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Replay;

namespace Arbitrage.Cli.Commands;

/// <summary><c>arbctl replay</c>: the engine as the node composes it, over tapes at maximum speed, in-process.</summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var tapes = new Option<string[]>("--tape")
        {
            Description = "Tape file(s): Binance aggTrades CSV (plain/zip), .hftbt.gz, .cryptofeed.txt or JSONL (recorded frames, or order books for --triangles-out). Repeatable.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var strategies = new Option<string>("--strategies") { Description = "Strategies directory.", DefaultValueFactory = _ => "strategies" };
        var indicatorsOut = new Option<string?>("--indicators-out") { Description = "Indicators CSV (one row per symbol per tick)." };
        var signalsOut = new Option<string?>("--signals-out") { Description = "Signals CSV." };
        var tradesOut = new Option<string?>("--trades-out") { Description = "Trades CSV of the backtest: the risk guard, executor and paper venue trade the signals in the same run, tick by tick." };
        var carryOut = new Option<string?>("--carry-out") { Description = "Carry backtest CSV over the tapes' markPrice frames (strategies/carry/carry_funding.json)." };
        var trianglesOut = new Option<string?>("--triangles-out") { Description = "Triangle episodes CSV: the book tapes (JSONL books, Binance spot .hftbt.gz captures, the deep_orderbook zip) through the triangle detectors, configs from STRATEGIES/triangles/*.json." };
        var triangleTradesOut = new Option<string?>("--triangle-trades-out") { Description = "Triangle attempts CSV (with --triangles-out): the paper attempts of the configs with \"execute\": true, one row per attempt." };
        var bookApproximation = new Option<string>("--book-approximation")
        {
            Description = "Pairs of a book tape without depth diffs (the deep_orderbook zip's BTCUSDT/ETHUSDT): 'none' = their recorded snapshots only (cycles go stale between them); " +
                "'top-moved-to-trades' = the last snapshot shifted so each trade's price is the top of book, an APPROXIMATION every episode row then says (reason approximated_books).",
            DefaultValueFactory = _ => "none",
        };
        bookApproximation.AcceptOnlyFromAmong("none", "top-moved-to-trades");
        var hocon = new Option<string?>("--hocon") { Description = "HOCON directory (default ./hocon or the copy beside arbctl)." };
        var journalDir = new Option<string?>("--journal-dir") { Description = "Keep the replay's journal (signals, risk guard, executor and paper venue events) in SQLite in this directory (default: in memory)." };
        var batch = new Option<int>("--batch-size") { Description = "Trades per actor message.", DefaultValueFactory = _ => new ReplayOptions { Tapes = [], StrategiesDirectory = "", HoconDirectory = "" }.BatchSize };

        var command = new Command("replay", "Replay tapes through the production actors at maximum speed (event time).")
        {
            tapes, strategies, indicatorsOut, signalsOut, tradesOut, carryOut, trianglesOut, triangleTradesOut, bookApproximation, hocon, journalDir, batch,
        };
        command.SetAction(async (parse, ct) =>
        {
            var hoconDir = AkkaConfig.FindHoconDirectory(parse.GetValue(hocon));
            if (hoconDir is null)
            {
                await Console.Error.WriteLineAsync("arbctl replay: --hocon: HOCON directory not found (run from the repository root or pass --hocon DIR)");
                return 2;
            }

            var options = new ReplayOptions
            {
                Tapes = parse.GetValue(tapes) ?? [],
                StrategiesDirectory = parse.GetValue(strategies)!,
                HoconDirectory = hoconDir,
                IndicatorsOut = parse.GetValue(indicatorsOut),
                SignalsOut = parse.GetValue(signalsOut),
                TradesOut = parse.GetValue(tradesOut),
                CarryOut = parse.GetValue(carryOut),
                TrianglesOut = parse.GetValue(trianglesOut),
                TriangleTradesOut = parse.GetValue(triangleTradesOut),
                BookApproximation = parse.GetValue(bookApproximation) == "top-moved-to-trades" ? BookApproximation.TopMovedToTrades : BookApproximation.None,
                JournalDirectory = parse.GetValue(journalDir),
                BatchSize = Math.Max(1, parse.GetValue(batch)),
                Progress = Console.Error,
            };
            try
            {
                var summary = await ReplayRunner.RunAsync(options, ct);
                await Console.Error.WriteLineAsync(
                    $"replay: done: {summary.Trades:N0} trades, {summary.Symbols.Count} symbol(s) [{string.Join(", ", summary.Symbols)}], " +
                    $"{summary.Ticks:N0} ticks, {summary.Signals:N0} signals, {summary.ClosedTrades:N0} closed trades in {summary.Elapsed.TotalSeconds:0.000} s " +
                    $"({summary.TradesPerSecond / 1e6:0.00} M trades/s)");
                foreach (var line in summary.Describe())
                {
                    await Console.Error.WriteLineAsync("replay: " + line);
                }

                return 0;
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException or TapeFormatException or IOException)
            {
                await Console.Error.WriteLineAsync($"arbctl replay: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
