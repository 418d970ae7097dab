using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Arbitrage.Binance.Tapes;
using Arbitrage.Cli.Bridge;
using Arbitrage.Cli.Sweeps;
using Arbitrage.Core.Strategies;
using Arbitrage.Core.Sweeps;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Sweeps;
using Spectre.Console;

namespace Arbitrage.Cli.Commands;

/// <summary>
/// <c>arbctl sweep SPEC.json --out DIR</c>: a strategy file's parameters swept over tapes (<see cref="SweepSpec"/>), one
/// backtest replay per configuration, several at once (<see cref="SweepRunner"/>), ranked with train and test metrics
/// side by side and an overfit flag (<see cref="SweepRanking"/>). DIR holds <c>spec.json</c> (a copy of the spec),
/// <c>results.jsonl</c> (one line per finished configuration), <c>ranking.csv</c> and <c>ranking.html</c>. Rerunning the
/// same command resumes: the configurations already in results.jsonl are not run again.
/// </summary>
public static class SweepCommand
{
    public const string SpecCopy = "spec.json";
    public const string RankingCsv = "ranking.csv";

    /// <summary>The exit code after Ctrl-C (128 + SIGINT), as a shell reports an interrupted command.</summary>
    public const int Interrupted = 130;

    public static Command Create()
    {
        var specArg = new Argument<string>("spec") { Description = "The sweep's spec (JSON): strategy, tapes, parameters, search, objective, validation, overfit (README, \"Parameter sweeps\")." };
        var outDir = new Option<string>("--out") { Description = "Output directory: spec.json, results.jsonl, ranking.csv, ranking.html. Rerun with the same directory to resume.", Required = true };
        var force = new Option<bool>("--force") { Description = "Start over in --out even if it holds another spec's (or this spec's) results." };
        var parallelism = new Option<int?>("--parallelism") { Description = "Configurations replayed at once (default: the spec's parallelism, else the processor count)." };
        var hocon = new Option<string?>("--hocon") { Description = "HOCON directory (default ./hocon or the copy beside arbctl)." };
        var command = new Command("sweep", "Parameter sweep: backtest a strategy file's parameters over tapes in parallel; ranking.csv/.html with train and test metrics and an overfit flag.")
        {
            specArg, outDir, force, parallelism, hocon,
        };
        command.SetAction(async (parse, parseToken) =>
        {
            // Ctrl-C and SIGTERM stop the replays; the sweep then says how to resume (without these, the runtime's
            // default ends the process before that line).
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(parseToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            try
            {
                return await RunAsync(parse.GetValue(specArg)!, parse.GetValue(outDir)!, parse.GetValue(force), parse.GetValue(parallelism), parse.GetValue(hocon), stop.Token);
            }
            catch (ArbctlException e)
            {
                await Console.Error.WriteLineAsync("arbctl sweep: " + e.Message);
                return e.ExitCode;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(string specPath, string dir, bool force, int? parallelismOverride, string? hoconOption, CancellationToken ct)
    {
        if (!File.Exists(specPath))
        {
            throw new ArbctlException(ExitCodes.Usage, $"spec: {specPath}: file not found");
        }

        var specBytes = await File.ReadAllBytesAsync(specPath, ct);
        var spec = SweepSpec.Parse(System.Text.Encoding.UTF8.GetString(specBytes), Path.GetDirectoryName(Path.GetFullPath(specPath))!, Environment.ProcessorCount, out var specError)
            ?? throw new ArbctlException(ExitCodes.Usage, $"{specPath}: {specError}");
        if (parallelismOverride is < 1)
        {
            throw new ArbctlException(ExitCodes.Usage, $"--parallelism: {parallelismOverride} must be ≥ 1");
        }

        var parallelism = parallelismOverride ?? spec.Parallelism;
        if (!File.Exists(spec.Strategy))
        {
            throw new ArbctlException(ExitCodes.Usage, $"{specPath}: strategy: {spec.Strategy}: file not found");
        }

        for (var i = 0; i < spec.Tapes.Count; i++)
        {
            if (!File.Exists(spec.Tapes[i]))
            {
                throw new ArbctlException(ExitCodes.Usage, $"{specPath}: tapes[{i}]: {spec.Tapes[i]}: tape file not found");
            }
        }

        var hoconDir = AkkaConfig.FindHoconDirectory(hoconOption)
            ?? throw new ArbctlException(ExitCodes.Usage, "--hocon: HOCON directory not found (run from the repository root or pass --hocon DIR)");
        var strategyJson = await File.ReadAllTextAsync(spec.Strategy, ct);
        var configurations = SweepConfigurations.Of(spec);
        CheckConfigurations(specPath, spec, strategyJson, configurations);

        var resultsPath = Path.Combine(dir, SweepRunner.ResultsFile);
        var done = PrepareOutput(dir, specBytes, force, spec, configurations);
        var todo = configurations.Where(c => !done.Contains(c.Id)).ToArray();
        await Console.Error.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"sweep: {configurations.Count} configuration(s) ({(spec.Search.Random ? $"random, seed {spec.Search.Seed}" : "grid")}), {done.Count} already done in {resultsPath}, running {todo.Length}, {Math.Min(parallelism, Math.Max(todo.Length, 1))} at once"));

        var options = new SweepRunOptions
        {
            Spec = spec,
            Configurations = todo,
            StrategyJson = strategyJson,
            StrategyFileName = Path.GetFileName(spec.Strategy),
            OutDirectory = dir,
            HoconDirectory = hoconDir,
            Parallelism = parallelism,
        };
        try
        {
            if (todo.Length > 0)
            {
                await RunWithProgressAsync(options, done.Count, configurations.Count, ct);
            }
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            var finished = File.Exists(resultsPath) ? File.ReadLines(resultsPath).Count(l => l.Length > 0) : 0;
            await Console.Error.WriteLineAsync(
                $"arbctl sweep: interrupted: {finished} of {configurations.Count} configuration(s) in {resultsPath}; run the same command again to resume");
            return Interrupted;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or TapeFormatException)
        {
            throw new ArbctlException(ExitCodes.Usage, e.Message);
        }

        var log = SweepResultsLog.Read(await File.ReadAllBytesAsync(resultsPath, ct), spec.Parameters, out var readError);
        if (readError is not null)
        {
            throw new ArbctlException(ExitCodes.Usage, $"--out: {resultsPath}: {readError}");
        }

        var ranking = SweepRanking.Of(Distinct(log.Results), spec.Objective, spec.Overfit);
        await WriteAtomicallyAsync(Path.Combine(dir, RankingCsv), ranking.ToCsv(spec.Parameters, spec.Objective), ct);
        await WriteAtomicallyAsync(Path.Combine(dir, SweepHtml.FileName), SweepHtml.Render(spec, Path.GetFileName(specPath), ranking), ct);
        PrintTop(ranking, spec);
        await Console.Error.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"sweep: ranking in {dir}: {RankingCsv}, {SweepHtml.FileName} ({ranking.Rows.Count} configuration(s), {ranking.Rows.Count(r => r.Overfit)} flagged overfit)"));
        return 0;
    }

    /// <summary>Every configuration's strategy file is patched and validated before any replay: a bad value fails fast, naming it.</summary>
    private static void CheckConfigurations(string specPath, SweepSpec spec, string strategyJson, IReadOnlyList<SweepConfiguration> configurations)
    {
        foreach (var config in configurations)
        {
            var patched = StrategyPatch.Apply(strategyJson, spec.Parameters, config.Values, out var error)
                ?? throw new ArbctlException(ExitCodes.Usage, $"{specPath}: {error}");
            var loaded = StrategyLoader.LoadText(Path.GetFileName(spec.Strategy), patched);
            if (!loaded.IsValid)
            {
                var values = string.Join(", ", spec.Parameters.Select((p, i) => $"{p.Path}={config.Values[i]}"));
                throw new ArbctlException(ExitCodes.Usage, $"{specPath}: parameters: configuration {config.Id} ({values}): the strategy file refuses it: {loaded.Errors[0]}");
            }
        }
    }

    /// <summary>
    /// Creates DIR or checks it holds this spec (byte for byte); with <c>--force</c> clears it. Returns the ids already in
    /// results.jsonl, after cutting a torn last line off.
    /// </summary>
    private static HashSet<string> PrepareOutput(string dir, byte[] specBytes, bool force, SweepSpec spec, IReadOnlyList<SweepConfiguration> configurations)
    {
        var copy = Path.Combine(dir, SpecCopy);
        var resultsPath = Path.Combine(dir, SweepRunner.ResultsFile);
        try
        {
            Directory.CreateDirectory(dir);
            if (File.Exists(copy) && !force && !File.ReadAllBytes(copy).AsSpan().SequenceEqual(specBytes))
            {
                throw new ArbctlException(ExitCodes.Usage, $"--out: {dir} holds another sweep ({SpecCopy} differs from this spec): use another --out, or --force to start over there");
            }

            // A killed run may leave configurations' work directories (finished or not): nothing runs in DIR now.
            var work = Path.Combine(dir, SweepRunner.WorkDirectory);
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }

            if (force || !File.Exists(copy))
            {
                foreach (var file in new[] { resultsPath, Path.Combine(dir, RankingCsv), Path.Combine(dir, SweepHtml.FileName) })
                {
                    File.Delete(file);
                }

                File.WriteAllBytes(copy, specBytes);
            }

            if (!File.Exists(resultsPath))
            {
                return [];
            }

            var bytes = File.ReadAllBytes(resultsPath);
            var log = SweepResultsLog.Read(bytes, spec.Parameters, out var error);
            if (error is not null)
            {
                throw new ArbctlException(ExitCodes.Usage, $"--out: {resultsPath}: {error} (use --force to start over)");
            }

            if (log.CompleteLength < bytes.Length)
            {
                Console.Error.WriteLine($"sweep: {resultsPath}: dropping a torn last line ({bytes.Length - log.CompleteLength} bytes) left by an interrupted run");
                using var truncate = new FileStream(resultsPath, FileMode.Open, FileAccess.Write);
                truncate.SetLength(log.CompleteLength);
            }

            var byId = configurations.ToDictionary(c => c.Id, StringComparer.Ordinal);
            foreach (var r in log.Results)
            {
                if (!byId.TryGetValue(r.ConfigId, out var config) || !config.Values.SequenceEqual(r.Values, StringComparer.Ordinal))
                {
                    throw new ArbctlException(ExitCodes.Usage, $"--out: {resultsPath}: {r.ConfigId} is not a configuration of this spec (use --force to start over)");
                }
            }

            return log.Results.Select(r => r.ConfigId).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArbctlException(ExitCodes.Usage, $"--out: {dir}: not writable ({e.Message})");
        }
    }

    /// <summary>A Spectre.Console progress bar with ETA on an interactive stderr; plain lines when it is redirected (CI, tests).</summary>
    private static async Task RunWithProgressAsync(SweepRunOptions options, int alreadyDone, int total, CancellationToken ct)
    {
        if (!Console.IsErrorRedirected)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("sweep", maxValue: total);
                    task.Value = alreadyDone;
                    await SweepRunner.RunAsync(options, step =>
                    {
                        task.Increment(1);
                        task.Description = $"sweep (last: {step.Result.ConfigId})";
                    }, ct);
                });
            return;
        }

        var clock = Stopwatch.StartNew();
        var finished = 0;
        await SweepRunner.RunAsync(options, step =>
        {
            finished++;
            var remaining = options.Configurations.Count - finished;
            var eta = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / finished * remaining);
            Console.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"sweep: {step.Result.ConfigId} done in {step.Elapsed.TotalSeconds:0.0} s ({alreadyDone + finished}/{total}; ETA {eta.TotalSeconds:0} s)"));
        }, ct);
    }

    private static List<SweepResult> Distinct(IReadOnlyList<SweepResult> results)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return results.Where(r => seen.Add(r.ConfigId)).ToList();
    }

    /// <summary>Written beside and renamed over: an interrupted write never leaves half a table.</summary>
    private static async Task WriteAtomicallyAsync(string path, string text, CancellationToken ct)
    {
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, text, ct);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The ten best rows on stdout (the files hold all).</summary>
    private static void PrintTop(SweepRanking ranking, SweepSpec spec)
    {
        var name = SweepSpec.NameOf(spec.Objective);
        Console.Out.WriteLine($"rank  config  train_{name}  test_{name}  overfit  " + string.Join("  ", spec.Parameters.Select(p => p.Path)));
        foreach (var row in ranking.Rows.Take(10))
        {
            Console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{row.Rank,4}  {row.Result.ConfigId}  {Short(row.Train.Objective)}  {Short(row.Test.Objective)}  {(row.Overfit ? string.Join(';', row.OverfitReasons) : "-")}  {string.Join("  ", row.Result.Values)}"));
        }
    }

    private static string Short(double? v) => v is { } x ? x.ToString("0.####", CultureInfo.InvariantCulture) : "n/a";
}
