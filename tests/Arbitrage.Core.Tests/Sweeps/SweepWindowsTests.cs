using Arbitrage.Core.Execution;
using Arbitrage.Core.Sweeps;

namespace Arbitrage.Core.Tests.Sweeps;

/// <summary>Validation windows over a tick span, and trades assigned to them by entry time.</summary>
public sealed class SweepWindowsTests
{
    private const long H = 3_600_000L;
    private static readonly long T0 = new DateTimeOffset(2026, 5, 8, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void A_split_cuts_the_span_at_the_train_share_and_the_test_includes_the_last_tick()
    {
        var windows = SweepWindows.Of(SweepValidation.Split(0.75), T0, T0 + (4 * H) - 1);
        Assert.Equal([new SweepWindow(T0, T0 + (3 * H), T0 + (3 * H), T0 + (4 * H))], windows);
    }

    [Fact]
    public void Walk_forward_windows_roll_by_the_test_length_and_only_whole_windows_count()
    {
        // 10 h of ticks, train 4 h, test 2 h: tests at 4-6, 6-8, 8-10; a fourth would end at 12 h.
        var windows = SweepWindows.Of(SweepValidation.Rolling(4 * H, 2 * H), T0, T0 + (10 * H) - 1);
        Assert.Equal(
            [
                new SweepWindow(T0, T0 + (4 * H), T0 + (4 * H), T0 + (6 * H)),
                new SweepWindow(T0 + (2 * H), T0 + (6 * H), T0 + (6 * H), T0 + (8 * H)),
                new SweepWindow(T0 + (4 * H), T0 + (8 * H), T0 + (8 * H), T0 + (10 * H)),
            ],
            windows);
        Assert.Empty(SweepWindows.Of(SweepValidation.Rolling(8 * H, 4 * H), T0, T0 + (10 * H)));
    }

    [Fact]
    public void A_trade_counts_in_the_window_its_entry_falls_in_even_when_it_exits_after()
    {
        var windows = SweepWindows.Of(SweepValidation.Split(0.5), T0, T0 + (4 * H) - 1);
        var trades = new[]
        {
            Trade(T0 + H, T0 + H + 60_000, 2m, 1m),
            Trade(T0 + (2 * H) - 1, T0 + (2 * H) + 600_000, -1m, -0.5m), // entered in train, closed in test
            Trade(T0 + (2 * H), T0 + (3 * H), 4m, 2m),
        };
        var measured = Assert.Single(SweepWindows.Measure(windows, trades, 1000m));
        Assert.Equal(2, measured.Train.Trades);
        Assert.Equal(1m, measured.Train.PnlUsd);
        Assert.Equal(0.5m, measured.Train.PnlR);
        Assert.Equal(2.0, measured.Train.ProfitFactor);
        Assert.Equal(1, measured.Test.Trades);
        Assert.Equal(2m, measured.Test.PnlR);
        Assert.Null(measured.Test.ProfitFactor); // no loss: undefined
        Assert.Null(measured.Test.Sortino); // one UTC day: undefined (README)
        Assert.Equal(2.0, measured.Test.Objective(SweepObjective.PnlR));
        Assert.Equal(4.0, measured.Test.Objective(SweepObjective.PnlUsd));
        Assert.Equal(2.0, measured.Test.Objective(SweepObjective.ExpectancyR));
    }

    [Fact]
    public void A_result_line_reads_back_the_same_and_a_torn_last_line_is_dropped()
    {
        SweepParameter[] parameters = [new("tp_sl.sl_atr", ["1.5"]), new("name", ["\"a,b\""])];
        var windows = SweepWindows.Of(SweepValidation.Split(0.5), T0, T0 + (4 * H) - 1);
        var result = new SweepResult("c007", ["1.5", "\"a,b\""], T0, T0 + (4 * H) - 1, 20_000,
            SweepWindows.Measure(windows, [Trade(T0 + H, T0 + (2 * H), 1.25m, 0.3333333333333333m), Trade(T0 + (3 * H), T0 + (3 * H) + 1, -2m, -1m)], 1000m));
        var line = result.ToJsonLine(parameters);
        Assert.DoesNotContain('\n', line);
        var back = SweepResult.Parse(line, parameters);
        Assert.Equal(line, back.ToJsonLine(parameters));
        Assert.Equal(result.Windows[0].Train, back.Windows[0].Train);

        var text = System.Text.Encoding.UTF8.GetBytes(line + "\n" + line.Replace("c007", "c008", StringComparison.Ordinal) + "\n" + line[..40]);
        var log = SweepResultsLog.Read(text, parameters, out var error);
        Assert.Null(error);
        Assert.Equal(["c007", "c008"], log.Results.Select(r => r.ConfigId));
        Assert.Equal(text.Length - 40, log.CompleteLength);

        var corrupt = System.Text.Encoding.UTF8.GetBytes(line + "\n{oops\n" + line + "\n");
        SweepResultsLog.Read(corrupt, parameters, out error);
        Assert.StartsWith("line 2: not a result of this sweep", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_patch_sets_nested_values_and_refuses_a_path_the_strategy_file_does_not_have()
    {
        const string strategy = """{"threshold": 50, "signals": {"cvd": {"weight": 60, "params": {"base_share": 0.7}}}, "tp_sl": {"sl_atr": 1.5}}""";
        SweepParameter[] parameters = [new("signals.cvd.params.base_share", []), new("threshold", [])];
        var patched = StrategyPatch.Apply(strategy, parameters, ["0.55", "65"], out var error);
        Assert.Null(error);
        using var doc = System.Text.Json.JsonDocument.Parse(patched!);
        Assert.Equal(0.55, doc.RootElement.GetProperty("signals").GetProperty("cvd").GetProperty("params").GetProperty("base_share").GetDouble());
        Assert.Equal(65, doc.RootElement.GetProperty("threshold").GetInt32());
        Assert.Equal(1.5, doc.RootElement.GetProperty("tp_sl").GetProperty("sl_atr").GetDouble());

        Assert.Null(StrategyPatch.Apply(strategy, [new SweepParameter("tp_sl.sl_atrr", [])], ["2"], out error));
        Assert.Equal("parameters.tp_sl.sl_atrr: the strategy file has no value at this path", error);
        Assert.Null(StrategyPatch.Apply(strategy, [new SweepParameter("threshold.x", [])], ["2"], out error));
        Assert.Equal("parameters.threshold.x: the strategy file has no value at this path", error);
    }

    internal static TradeClosed Trade(long entryMs, long exitMs, decimal pnl, decimal r) =>
        new($"s-{entryMs}", "BTC", "s", Direction.Long, entryMs, 100m, 1m, exitMs, 100m, ExitReason.Tp1, "", pnl, r, 0m, exitMs);
}
