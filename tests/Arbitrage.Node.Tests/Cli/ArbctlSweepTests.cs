using System.Globalization;
using System.Text.RegularExpressions;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>
/// <c>arbctl sweep</c> end to end (the real executable) on the 20,000-trade BTCUSD_PERP fixture with the example strategy:
/// two runs give the same ranking.csv byte for byte (in parallel and one at a time); a run killed by its PID resumes
/// without rerunning what it finished and ends with the uninterrupted table; the overfit flag on real output is the
/// README's rule recomputed here from the CSV's own columns; bad input exits 2 naming the field.
/// </summary>
public sealed class ArbctlSweepTests : IDisposable
{
    private const string Header =
        "rank,config_id,cooldown_minutes,tp_sl.tp2_atr,train_pnl_r,test_pnl_r,train_trades,test_trades,train_pnl_usd,test_pnl_usd," +
        "train_profit_factor,test_profit_factor,train_sortino,test_sortino,degradation,overfit,overfit_reason";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180); // a loaded machine, not a speed check

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "arb-tests", "arbctl-sweep-" + Guid.NewGuid().ToString("N"));

    public ArbctlSweepTests()
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
    public async Task Two_runs_give_the_same_ranking_csv_in_parallel_and_one_at_a_time()
    {
        // 4 of the 6 combinations drawn with a seed, walk-forward windows: the draw and the table are the same every run.
        var spec = WriteSpec(
            "spec.json",
            validation: """{ "type": "walk_forward", "train_hours": 2, "test_hours": 1 }""",
            overfit: """{ "max_degradation": 0.5, "max_rank_spread": 0.5 }""",
            search: """{ "type": "random", "samples": 4, "seed": 11 }""");
        var a = await SweepAsync(spec, Path.Combine(_dir, "a"), "--parallelism", "2");
        var b = await SweepAsync(spec, Path.Combine(_dir, "b"), "--parallelism", "2");
        var c = await SweepAsync(spec, Path.Combine(_dir, "c"), "--parallelism", "1");
        Assert.Contains("4 configuration(s) (random, seed 11), 0 already done", a.Stderr, StringComparison.Ordinal);
        Assert.Contains("2 at once", a.Stderr, StringComparison.Ordinal);

        var csv = File.ReadAllBytes(Path.Combine(_dir, "a", "ranking.csv"));
        Assert.Equal(csv, File.ReadAllBytes(Path.Combine(_dir, "b", "ranking.csv")));
        Assert.Equal(csv, File.ReadAllBytes(Path.Combine(_dir, "c", "ranking.csv")));
        var lines = File.ReadAllLines(Path.Combine(_dir, "a", "ranking.csv"));
        Assert.Equal(Header, lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.Equal(["1", "2", "3", "4"], lines[1..].Select(l => l.Split(',')[0]));
        Assert.Equal(["c001", "c002", "c003", "c004"], lines[1..].Select(l => l.Split(',')[1]).Order(StringComparer.Ordinal));
        Assert.True(lines[1..].Sum(l => double.Parse(l.Split(',')[6], CultureInfo.InvariantCulture)) > 0, "the configurations traded in train");
        Assert.Equal(4, File.ReadAllLines(Path.Combine(_dir, "a", "results.jsonl")).Length);
        Assert.Contains("\"windows\":[{\"train_from_ms\":", File.ReadAllText(Path.Combine(_dir, "a", "results.jsonl")), StringComparison.Ordinal);

        // The HTML shows the same rows, offline, with the per-window detail (3 windows × 4 configurations).
        var html = File.ReadAllText(Path.Combine(_dir, "a", "ranking.html"));
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        foreach (var id in lines[1..].Select(l => l.Split(',')[1]))
        {
            Assert.Equal(1 + 3, html.Split($">{id}</td>").Length - 1);
        }

        Assert.Equal(File.ReadAllBytes(spec), File.ReadAllBytes(Path.Combine(_dir, "a", "spec.json")));
    }

    [Fact]
    public async Task A_run_killed_by_its_pid_resumes_without_rerunning_what_it_finished_and_ends_with_the_same_table()
    {
        var spec = WriteSpec("spec.json", validation: """{ "type": "split", "train_share": 0.5 }""", overfit: """{ "max_degradation": 0.5 }""");
        var reference = Path.Combine(_dir, "reference");
        await SweepAsync(spec, reference, "--parallelism", "2");

        var outDir = Path.Combine(_dir, "killed");
        var results = Path.Combine(outDir, "results.jsonl");
        await using (var run = ArbctlProcess.Start(Path.Combine(_dir, "arbctl.json"), null, "sweep", spec, "--out", outDir, "--parallelism", "1", "--hocon", RepoPaths.Hocon))
        {
            await run.WaitForStderrAsync(e => e.Contains("(2/6;", StringComparison.Ordinal), Deadline, "two configurations done");
            await run.KillAsync();
        }

        var before = File.ReadAllBytes(results);
        var complete = before.AsSpan()[..(before.AsSpan().LastIndexOf((byte)'\n') + 1)].ToArray();
        var done = complete.Count(b => b == (byte)'\n');
        Assert.InRange(done, 2, 5); // killed mid-sweep

        var resumed = await SweepAsync(spec, outDir, "--parallelism", "2");
        Assert.Contains($"6 configuration(s) (grid), {done} already done", resumed.Stderr, StringComparison.Ordinal);
        Assert.Contains($"running {6 - done},", resumed.Stderr, StringComparison.Ordinal);
        Assert.Equal(6 - done, Regex.Count(resumed.Stderr, @"sweep: c\d+ done in ")); // only the others ran
        var after = File.ReadAllBytes(results);
        Assert.Equal(complete, after[..complete.Length]); // the finished lines were kept as they were
        var ids = File.ReadAllLines(results).Select(l => l[..(l.IndexOf(",\"parameters\"", StringComparison.Ordinal))]).ToArray();
        Assert.Equal(6, ids.Length);
        Assert.Equal(6, ids.Distinct().Count());
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "ranking.csv")), File.ReadAllBytes(Path.Combine(outDir, "ranking.csv")));
        Assert.False(Directory.Exists(Path.Combine(outDir, "work")));

        // Run again: nothing left to run, the same table.
        var again = await SweepAsync(spec, outDir);
        Assert.Contains("6 already done", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Regex.Count(again.Stderr, @"sweep: c\d+ done in "));
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "ranking.csv")), File.ReadAllBytes(Path.Combine(outDir, "ranking.csv")));
    }

    [Fact]
    public async Task SIGTERM_stops_the_sweep_with_exit_130_and_says_how_to_resume()
    {
        // 12 configurations one at a time: the signal arrives after the first, long before the last.
        var spec = WriteSpec("spec.json", validation: """{ "type": "split", "train_share": 0.5 }""", overfit: """{ "max_degradation": 0.5 }""", values: "[0, 5, 10, 15, 20, 25]");
        var outDir = Path.Combine(_dir, "stopped");
        await using var run = ArbctlProcess.Start(Path.Combine(_dir, "arbctl.json"), null, "sweep", spec, "--out", outDir, "--parallelism", "1", "--hocon", RepoPaths.Hocon);
        await run.WaitForStderrAsync(e => e.Contains("(1/12;", StringComparison.Ordinal), Deadline, "one configuration done");
        run.Terminate();
        var exit = await run.WaitAsync(Deadline);
        Assert.Equal(130, exit);
        Assert.Contains("arbctl sweep: interrupted: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("run the same command again to resume", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(outDir, "work")));
        var lines = File.ReadAllLines(Path.Combine(outDir, "results.jsonl"));
        Assert.InRange(lines.Length, 1, 11);
        Assert.All(lines, l => Assert.EndsWith("}]}", l, StringComparison.Ordinal));
        Assert.Contains($"interrupted: {lines.Length} of 12 configuration(s)", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// A split early in the tape (the first 35 %): the configurations that made money there lose it afterwards. The flag
    /// is recomputed from ranking.csv alone: degradation from the train/test objective columns, rank_correlation from a
    /// Spearman correlation of the same columns (one window), and at least one configuration is flagged.
    /// </summary>
    [Fact]
    public async Task The_overfit_flag_on_real_output_is_the_documented_rule()
    {
        const double maxDegradation = 0.2;
        const double minCorrelation = 0.9;
        var spec = WriteSpec(
            "spec.json",
            validation: """{ "type": "split", "train_share": 0.35 }""",
            overfit: $$"""{ "max_degradation": {{maxDegradation.ToString(CultureInfo.InvariantCulture)}}, "min_rank_correlation": {{minCorrelation.ToString(CultureInfo.InvariantCulture)}} }""");
        await SweepAsync(spec, Path.Combine(_dir, "o"), "--parallelism", "2");
        var lines = File.ReadAllLines(Path.Combine(_dir, "o", "ranking.csv"));
        var header = lines[0].Split(',');
        var (degradationAt, overfitAt, reasonAt) = (Array.IndexOf(header, "degradation"), Array.IndexOf(header, "overfit"), Array.IndexOf(header, "overfit_reason"));
        var rows = lines[1..].Select(l => l.Split(',')).ToArray();
        double? N(string s) => s.Length == 0 ? null : double.Parse(s, CultureInfo.InvariantCulture);

        var train = rows.Select(r => N(r[4])!.Value).ToArray();
        var test = rows.Select(r => N(r[5])!.Value).ToArray();
        var rho = Spearman(train, test);
        foreach (var r in rows)
        {
            var (tr, te) = (N(r[4])!.Value, N(r[5])!.Value);
            var reasons = new List<string>();
            if (tr > 0 && (te <= 0 || te < (1 - maxDegradation) * tr))
            {
                reasons.Add("degradation");
            }

            if (rho < minCorrelation)
            {
                reasons.Add("rank_correlation");
            }

            Assert.Equal(string.Join(';', reasons), r[reasonAt]);
            Assert.Equal(reasons.Count > 0 ? "true" : "false", r[overfitAt]);
            Assert.Equal(tr > 0 ? (1 - (te / tr)).ToString("R", CultureInfo.InvariantCulture) : "", r[degradationAt]);
        }

        Assert.Contains(rows, r => r[reasonAt].Contains("degradation", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"objective\": \"pnl_r\",", "", "objective: required")]
    [InlineData("\"tp_sl.tp2_atr\"", "\"tp_sl.tp3_atr\"", "parameters.tp_sl.tp3_atr: the strategy file has no value at this path")]
    [InlineData("\"values\": [0, 5, 20]", "\"values\": [-5, 20]", "parameters: configuration c001 (cooldown_minutes=-5, tp_sl.tp2_atr=1.5): the strategy file refuses it")]
    [InlineData("BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip", "missing.zip", "tapes[0]: ")]
    [InlineData("\"train_share\": 0.5", "\"train_share\": 2", "validation.train_share: must be in (0, 1)")]
    public async Task Bad_input_exits_2_naming_the_field(string replace, string with, string expected)
    {
        var good = File.ReadAllText(WriteSpec("good.json", """{ "type": "split", "train_share": 0.5 }""", """{ "max_degradation": 0.5 }"""));
        Assert.Contains(replace, good, StringComparison.Ordinal);
        var bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, good.Replace(replace, with, StringComparison.Ordinal));
        var (exit, _, stderr) = await ArbctlProcess.RunAsync(Path.Combine(_dir, "arbctl.json"), null, "sweep", bad, "--out", Path.Combine(_dir, "bad"), "--hocon", RepoPaths.Hocon);
        Assert.Equal(2, exit);
        Assert.Contains("arbctl sweep: ", stderr, StringComparison.Ordinal);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "bad", "results.jsonl")));
    }

    [Fact]
    public async Task Another_spec_in_the_same_output_directory_is_refused_unless_forced()
    {
        var first = WriteSpec("first.json", """{ "type": "split", "train_share": 0.5 }""", """{ "max_degradation": 0.5 }""", values: "[0]");
        var second = WriteSpec("second.json", """{ "type": "split", "train_share": 0.6 }""", """{ "max_degradation": 0.5 }""", values: "[0]");
        var outDir = Path.Combine(_dir, "shared");
        await SweepAsync(first, outDir);
        var (exit, _, stderr) = await ArbctlProcess.RunAsync(Path.Combine(_dir, "arbctl.json"), null, "sweep", second, "--out", outDir, "--hocon", RepoPaths.Hocon);
        Assert.Equal(2, exit);
        Assert.Contains("--out: ", stderr, StringComparison.Ordinal);
        Assert.Contains("--force", stderr, StringComparison.Ordinal);
        var forced = await SweepAsync(second, outDir, "--force");
        Assert.Contains("0 already done", forced.Stderr, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(second), File.ReadAllBytes(Path.Combine(outDir, "spec.json")));
    }

    private async Task<(string Stdout, string Stderr)> SweepAsync(string spec, string outDir, params string[] extra)
    {
        var (exit, stdout, stderr) = await ArbctlProcess.RunAsync(
            Path.Combine(_dir, "arbctl.json"), null, ["sweep", spec, "--out", outDir, "--hocon", RepoPaths.Hocon, .. extra]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("sweep: ranking in ", stderr, StringComparison.Ordinal);
        return (stdout, stderr);
    }

    /// <summary>6 configurations (cooldown 0/5/20 × tp2 1.5/4, a grid unless <paramref name="search"/> says) of the example strategy over the fixture, paths relative to the spec.</summary>
    private string WriteSpec(string name, string validation, string overfit, string values = "[0, 5, 20]", string search = """{ "type": "grid" }""")
    {
        var strategy = Path.GetRelativePath(_dir, Path.Combine(RepoPaths.Strategies, "example_trades_only.json"));
        var tape = Path.GetRelativePath(_dir, Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip"));
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, $$"""
            {
              "strategy": "{{strategy}}",
              "tapes": ["{{tape}}"],
              "parameters": {
                "cooldown_minutes": { "values": {{values}} },
                "tp_sl.tp2_atr": { "values": [1.5, 4] }
              },
              "search": {{search}},
              "objective": "pnl_r",
              "validation": {{validation}},
              "overfit": {{overfit}}
            }
            """);
        return path;
    }

    private static double Spearman(double[] x, double[] y)
    {
        var rx = Ranks(x);
        var ry = Ranks(y);
        var (mx, my) = (rx.Average(), ry.Average());
        var sxy = Enumerable.Range(0, rx.Length).Sum(i => (rx[i] - mx) * (ry[i] - my));
        return sxy / Math.Sqrt(rx.Sum(v => (v - mx) * (v - mx)) * ry.Sum(v => (v - my) * (v - my)));
    }

    private static double[] Ranks(double[] v) => v.Select(a => v.Count(b => b < a) + ((v.Count(b => b == a) + 1) / 2.0)).ToArray();
}
