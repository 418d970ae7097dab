using Arbitrage.Core.Indicators;
using Arbitrage.Core.Strategies;
using static Arbitrage.Core.Tests.Strategies.StrategyFixtures;

namespace Arbitrage.Core.Tests.Strategies;

/// <summary>Why a strategy did not emit: best score against the threshold and the inputs that scored missing.</summary>
public sealed class ScoreWatchTests
{
    private const long T0 = 1_778_198_400_000; // 2026-05-08T00:00:00Z

    private static StrategyDefinition V51() => Load(File.ReadAllText(Path.Combine(RepoStrategiesDirectory(), "v51_baseline.json")));

    /// <summary>Runs the ticks through the actors' decision, as a StrategyActor does, and reports.</summary>
    private static StrategyScoreReport Watch(StrategyDefinition s, MarketInputs inputs, params (string Symbol, IndicatorValues Tick)[] ticks)
    {
        var watch = ScoreWatch.Empty;
        var cooldowns = CooldownBook.Empty;
        foreach (var (symbol, tick) in ticks)
        {
            var decision = SignalDecision.EvaluateCandidate(s, symbol, tick, inputs, cooldowns, out var scored);
            watch = watch.Observe(symbol, tick.TimeMs, scored, decision?.Signal is not null);
            cooldowns = decision?.Cooldowns ?? cooldowns;
        }

        return StrategyScoreReport.Of(s, watch);
    }

    [Fact]
    public void A_trades_only_feed_leaves_v51_at_55_and_names_the_missing_inputs()
    {
        // Full CVD, full large-trade imbalance and acceleration: everything trades can give.
        var best = LongTick(T0 + 30_000) with { CvdAccel = 30, LargeBuyQty = 5, LargeSellQty = 0 };
        var report = Watch(V51(), MarketInputs.Empty, ("BTCUSDT", LongTick(T0)), ("BTCUSDT", best), ("BTCUSDT", best with { TimeMs = T0 + 45_000 }));

        Assert.Equal((3L, 3L, 0L), (report.Ticks, report.ScoredTicks, report.Signals));
        Assert.Equal(55, report.BestScore!.Value, 9);
        Assert.Equal(("BTCUSDT", T0 + 30_000), (report.BestSymbol, report.BestTimeMs)); // the first time it was reached
        Assert.Equal([new MissingInput("ls_ratio", 20), new MissingInput("oi", 15), new MissingInput("coinbase_premium", 10)], report.MissingEveryTick);
        Assert.Empty(report.MissingSomeTicks);
        Assert.Equal(55, report.MaxReachable, 9);
        Assert.Equal(
            "0 signals: best score 55 < threshold 75 (BTCUSDT at 2026-05-08T00:00:30.000Z); inputs missing on every scored tick: " +
            "ls_ratio (20 points), oi (15), coinbase_premium (10), so at most 55 was reachable",
            report.Describe());
    }

    [Fact]
    public void An_input_missing_only_sometimes_is_told_apart_and_does_not_lower_the_reachable_score()
    {
        var withP99 = LongTick(T0);
        var withoutP99 = LongTick(T0 + 15_000) with { P99Qty = null };
        var inputs = new MarketInputs(LongShortRatio: 0.5, OpenInterestChangePct: 1);
        var report = Watch(V51(), inputs, ("BTCUSDT", withP99), ("ETHUSDT", withoutP99));

        Assert.Equal(["coinbase_premium"], report.MissingEveryTick.Select(m => m.Name));
        Assert.Equal(["p99"], report.MissingSomeTicks.Select(m => m.Name));
        Assert.Equal(90, report.MaxReachable, 9);
        Assert.EndsWith("; missing on some ticks: p99 (20 points)", report.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Ticks_without_direction_count_but_are_not_scored_and_other_symbols_and_disabled_strategies_not_at_all()
    {
        var s = Load(ValidJson); // BTCUSDT and ETHUSDT only
        var flat = LongTick(T0) with { Cvd4h = -1 };
        var report = Watch(s, MarketInputs.Empty, ("BTCUSDT", flat), ("SOLUSDT", LongTick(T0)), ("ETHUSDT", flat with { TimeMs = T0 + 15_000 }));
        Assert.Equal((2L, 0L, (double?)null), (report.Ticks, report.ScoredTicks, report.BestScore));
        Assert.Empty(report.MissingEveryTick);
        Assert.Equal(100, report.MaxReachable);
        Assert.Equal("0 signals: no direction on any of its 2 ticks (CVD 30 m and 4 h never agreed)", report.Describe());

        var disabled = Watch(s with { Enabled = false }, MarketInputs.Empty, ("BTCUSDT", LongTick(T0)));
        Assert.Equal((0L, "0 signals: disabled"), (disabled.Ticks, disabled.Describe()));
    }

    [Fact]
    public void An_emitting_strategy_counts_its_signals_and_a_threshold_reached_without_atr_says_so()
    {
        var s = Only("cvd"); // threshold 50: full CVD scores 100
        var emitting = Watch(s, MarketInputs.Empty, ("BTCUSDT", LongTick(T0)), ("BTCUSDT", LongTick(T0 + 15_000)), ("BTCUSDT", LongTick(T0 + 600_000)));
        Assert.Equal(2, emitting.Signals); // the second tick is inside the 10-minute cooldown
        Assert.Equal("2 signals; best score 100 ≥ threshold 50 (BTCUSDT at 2026-05-08T00:00:00.000Z)", emitting.Describe());

        var noAtr = Watch(s, MarketInputs.Empty, ("BTCUSDT", LongTick(T0) with { Atr = null }));
        Assert.Equal(0, noAtr.Signals);
        Assert.Contains("≥ threshold 50", noAtr.Describe(), StringComparison.Ordinal);
        Assert.Contains("never with an ATR and a last price", noAtr.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_best_score_just_below_the_threshold_is_never_printed_as_the_threshold()
    {
        var s = Only("cvd", """{ "base_share": 0.7499999 }""") with { Threshold = 75 };
        var report = Watch(s, MarketInputs.Empty, ("BTCUSDT", LongTick(T0) with { Cvd24h = -1 }));
        Assert.True(report.BestScore < 75);
        Assert.StartsWith("0 signals: best score 74.99999", report.Describe(), StringComparison.Ordinal);
    }
}
