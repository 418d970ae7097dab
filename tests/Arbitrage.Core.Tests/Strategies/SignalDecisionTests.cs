using Arbitrage.Core.Indicators;
using Arbitrage.Core.Strategies;
using static Arbitrage.Core.Tests.Strategies.StrategyFixtures;

namespace Arbitrage.Core.Tests.Strategies;

public sealed class SignalDecisionTests
{
    private const long T0 = 1_715_126_400_000;
    private const long Minute = 60_000;

    /// <summary>cvd (73, full on direction alone) + oi (2, full at +2 %) + p99 (25, never available here).</summary>
    private static StrategyDefinition EdgeStrategy(double threshold = 75) => Load($$"""
        { "id": "edge", "version": "1", "symbols": ["BTCUSDT"], "threshold": {{threshold}},
          "signals": { "cvd": { "weight": 73, "params": { "base_share": 1 } },
                       "oi":  { "weight": 2,  "params": { "full_change_pct": 2 } },
                       "p99": { "weight": 25 } },
          "tp_sl": { "sl_atr": 1.4, "tp1_atr": 1.05, "tp2_atr": 2.1 } }
        """);

    private static IndicatorValues NoP99(IndicatorValues v) => v with { P99Qty = null };

    /// <summary>Any direction scores 100: emits whenever preconditions and cooldown allow.</summary>
    private static StrategyDefinition Always(string extra = "") => Load($$"""
        { "id": "always", "tag": "al", "version": "1", "symbols": ["*"], "threshold": 50, {{extra}}
          "signals": { "cvd": { "weight": 100, "params": { "base_share": 1 } } },
          "tp_sl": { "sl_atr": 1.4, "tp1_atr": 1.05, "tp2_atr": 2.1 } }
        """);

    private static SignalDecision Evaluate(StrategyDefinition s, IndicatorValues v, CooldownBook? book = null,
        string symbol = "BTCUSDT", MarketInputs? m = null) =>
        SignalDecision.Evaluate(s, symbol, v, m ?? MarketInputs.Empty, book ?? CooldownBook.Empty);

    // ---- threshold -------------------------------------------------------------------------------------

    [Fact]
    public void Score_exactly_at_threshold_emits()
    {
        var d = Evaluate(EdgeStrategy(), NoP99(LongTick()), m: new MarketInputs(OpenInterestChangePct: 2));
        Assert.Equal(75, d.Score.Score);
        Assert.Equal(DecisionOutcome.Emitted, d.Outcome);
        Assert.True(d.Emitted);
        Assert.Equal(75, d.Signal!.Score);
    }

    [Fact]
    public void Score_just_below_threshold_does_not_emit()
    {
        var d = Evaluate(EdgeStrategy(), NoP99(LongTick()), m: new MarketInputs(OpenInterestChangePct: 1.9999999));
        Assert.True(d.Score.Score < 75);
        Assert.True(d.Score.Score > 74.9999);
        Assert.Equal(DecisionOutcome.BelowThreshold, d.Outcome);
        Assert.Null(d.Signal);
        Assert.Same(CooldownBook.Empty, d.Cooldowns);
        Assert.StartsWith("score 74.99999", d.Reason);
    }

    [Fact]
    public void Threshold_a_hair_above_the_score_does_not_emit() =>
        Assert.Equal(DecisionOutcome.BelowThreshold,
            Evaluate(EdgeStrategy(75.000001), NoP99(LongTick()), m: new MarketInputs(OpenInterestChangePct: 2)).Outcome);

    // ---- cooldown --------------------------------------------------------------------------------------

    [Fact]
    public void Same_direction_is_blocked_inside_the_cooldown_and_allowed_at_exactly_10_minutes()
    {
        var s = Always();
        var first = Evaluate(s, LongTick(T0));
        Assert.Equal(DecisionOutcome.Emitted, first.Outcome);
        var book = first.Cooldowns;
        Assert.Equal(T0, book.LastEmitted(new CooldownKey("always", "BTCUSDT", SignalDirection.Long)));

        foreach (var t in new[] { T0 + 15_000, T0 + 5 * Minute, T0 + 10 * Minute - 15_000, T0 + 10 * Minute - 1 })
        {
            var blocked = Evaluate(s, LongTick(t), book);
            Assert.Equal(DecisionOutcome.CoolingDown, blocked.Outcome);
            Assert.Same(book, blocked.Cooldowns);
            Assert.Contains($"next allowed at {T0 + 10 * Minute}", blocked.Reason);
        }

        var again = Evaluate(s, LongTick(T0 + 10 * Minute), book);
        Assert.Equal(DecisionOutcome.Emitted, again.Outcome);
        Assert.Equal(T0 + 10 * Minute, again.Cooldowns.LastEmitted(new CooldownKey("always", "BTCUSDT", SignalDirection.Long)));
    }

    [Fact]
    public void Opposite_direction_other_symbol_and_other_strategy_are_not_blocked()
    {
        var book = Evaluate(Always(), LongTick(T0)).Cooldowns;

        Assert.Equal(DecisionOutcome.Emitted, Evaluate(Always(), ShortTick(T0 + 15_000), book).Outcome);
        Assert.Equal(DecisionOutcome.Emitted, Evaluate(Always(), LongTick(T0 + 15_000), book, symbol: "ETHUSDT").Outcome);
        var other = Load(System.IO.File.ReadAllText(Path.Combine(RepoStrategiesDirectory(), "v51_baseline.json")));
        var full = LongTick(T0 + 15_000) with { LargeBuyQty = 10, CvdAccel = 100 };
        var m = new MarketInputs(0.4, -6, 3, 0.2);
        Assert.Equal(DecisionOutcome.Emitted, Evaluate(other, full, book, m: m).Outcome);
    }

    [Fact]
    public void Cooldown_runs_on_event_time_from_the_file()
    {
        var s = Always("\"cooldown_minutes\": 1,");
        var book = Evaluate(s, LongTick(T0)).Cooldowns;
        Assert.Equal(DecisionOutcome.CoolingDown, Evaluate(s, LongTick(T0 + 45_000), book).Outcome);
        Assert.Equal(DecisionOutcome.Emitted, Evaluate(s, LongTick(T0 + 60_000), book).Outcome);

        var none = Always("\"cooldown_minutes\": 0,");
        var book0 = Evaluate(none, LongTick(T0)).Cooldowns;
        Assert.Equal(DecisionOutcome.Emitted, Evaluate(none, LongTick(T0), book0).Outcome);
    }

    [Fact]
    public void Cooldown_book_is_an_immutable_value()
    {
        var key = new CooldownKey("s", "BTCUSDT", SignalDirection.Short);
        var empty = CooldownBook.Empty;
        var one = empty.Record(key, 1_000);
        Assert.Null(empty.LastEmitted(key));
        Assert.Equal(1_000, one.LastEmitted(key));
        Assert.True(one.Allows(key, 1_000 + 600_000, 600_000));
        Assert.False(one.Allows(key, 1_000 + 599_999, 600_000));
        Assert.Equal(601_000, one.BlockedUntil(key, 2_000, 600_000));
        Assert.Null(one.BlockedUntil(key, 601_000, 600_000));
        Assert.True(one.Allows(key with { Direction = SignalDirection.Long }, 1_001, 600_000));
        Assert.Single(one.Entries);
    }

    // ---- preconditions ---------------------------------------------------------------------------------

    [Fact]
    public void No_atr_means_no_signal_and_no_cooldown()
    {
        foreach (var atr in new double?[] { null, 0, double.NaN })
        {
            var d = Evaluate(Always(), LongTick() with { Atr = atr });
            Assert.Equal(DecisionOutcome.NoAtr, d.Outcome);
            Assert.Null(d.Signal);
            Assert.Same(CooldownBook.Empty, d.Cooldowns);
            Assert.Equal("no ATR yet (fewer than 14 closed 5-minute candles): cannot place TP/SL", d.Reason);
        }
    }

    [Fact]
    public void No_price_means_no_signal() =>
        Assert.Equal(DecisionOutcome.NoPrice, Evaluate(Always(), LongTick() with { LastPrice = double.NaN }).Outcome);

    [Fact]
    public void No_direction_means_no_signal()
    {
        var d = Evaluate(Always(), LongTick() with { Cvd4h = -1 });
        Assert.Equal(DecisionOutcome.NoDirection, d.Outcome);
        Assert.Equal(0, d.Score.Score);
    }

    [Fact]
    public void Disabled_strategy_and_uncovered_symbol_do_not_emit()
    {
        Assert.Equal(DecisionOutcome.Disabled, Evaluate(Always("\"enabled\": false,"), LongTick()).Outcome);
        Assert.Equal(DecisionOutcome.SymbolNotCovered, Evaluate(EdgeStrategy(0), LongTick(), symbol: "ETHUSDT").Outcome);
    }

    [Fact]
    public void Emitted_signal_carries_id_entry_levels_and_breakdown()
    {
        var d = Evaluate(Always(), ShortTick(T0));
        var sig = d.Signal!;
        Assert.Equal("al-BTCUSDT-S-1715126400000", sig.SignalId);
        Assert.Equal("always", sig.StrategyId);
        Assert.Equal("BTCUSDT", sig.Symbol);
        Assert.Equal(SignalDirection.Short, sig.Direction);
        Assert.Equal(T0, sig.TimeMs);
        Assert.Equal(100, sig.Score);
        Assert.Equal(50, sig.Threshold);
        Assert.Equal(100_000, sig.Entry);
        Assert.Equal(50, sig.Atr);
        Assert.Equal(new TpSlLevels(100_070, 99_947.5, 99_895), sig.Levels);
        Assert.Same(d.Score.Breakdown, sig.Breakdown);
    }

    // ---- TP/SL -----------------------------------------------------------------------------------------

    [Fact]
    public void Long_stop_below_targets_above()
    {
        var l = TpSl.Compute(SignalDirection.Long, 100, 10, new TpSlConfig(1.4, 1.05, 2.1));
        Assert.Equal(86, l.StopLoss, 9);
        Assert.Equal(110.5, l.TakeProfit1, 9);
        Assert.Equal(121, l.TakeProfit2, 9);
    }

    [Fact]
    public void Short_stop_above_targets_below()
    {
        var s = TpSl.Compute(SignalDirection.Short, 100, 10, new TpSlConfig(2.1, 1.4, 3.15));
        Assert.Equal(121, s.StopLoss, 9);
        Assert.Equal(86, s.TakeProfit1, 9);
        Assert.Equal(68.5, s.TakeProfit2, 9);
    }

    [Fact]
    public void Tp_sl_refuses_bad_arguments()
    {
        var c = new TpSlConfig(1, 1, 2);
        Assert.Throws<ArgumentException>(() => TpSl.Compute(SignalDirection.None, 100, 1, c));
        Assert.Throws<ArgumentOutOfRangeException>(() => TpSl.Compute(SignalDirection.Long, 100, 0, c));
        Assert.Throws<ArgumentOutOfRangeException>(() => TpSl.Compute(SignalDirection.Long, double.NaN, 1, c));
    }
}
