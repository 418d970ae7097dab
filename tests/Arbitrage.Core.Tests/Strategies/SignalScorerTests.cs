using Arbitrage.Core.Indicators;
using Arbitrage.Core.Strategies;
using static Arbitrage.Core.Tests.Strategies.StrategyFixtures;

namespace Arbitrage.Core.Tests.Strategies;

public sealed class SignalScorerTests
{
    private const int Precision = 9;

    private static SignalContribution Single(StrategyDefinition s, IndicatorValues v, MarketInputs? m = null)
    {
        var result = SignalScorer.Score(s, v, m ?? MarketInputs.Empty);
        var c = Assert.Single(result.Breakdown);
        Assert.Equal(c.Points, result.Score, Precision);
        return c;
    }

    private static void AssertContribution(SignalContribution c, double points, string status, double? input)
    {
        Assert.Equal(points, c.Points, Precision);
        Assert.Equal(status, c.Status);
        if (input is null)
            Assert.Null(c.Input);
        else
            Assert.Equal(input.Value, c.Input!.Value, Precision);
    }

    // ---- direction -------------------------------------------------------------------------------------

    [Theory]
    [InlineData(1, 1, SignalDirection.Long)]
    [InlineData(-1, -1, SignalDirection.Short)]
    [InlineData(1, -1, SignalDirection.None)]
    [InlineData(-1, 1, SignalDirection.None)]
    [InlineData(0, 1, SignalDirection.None)]
    [InlineData(1, 0, SignalDirection.None)]
    [InlineData(0, 0, SignalDirection.None)]
    [InlineData(-1, 0, SignalDirection.None)]
    public void Direction_needs_cvd_30m_and_4h_to_agree(double cvd30, double cvd4h, SignalDirection expected)
    {
        var v = LongTick() with { Cvd30m = cvd30, Cvd4h = cvd4h };
        Assert.Equal(expected, SignalScorer.DirectionOf(v));
        Assert.Equal(expected, SignalScorer.Score(Only("cvd"), v, MarketInputs.Empty).Direction);
    }

    [Fact]
    public void No_direction_scores_zero_and_nothing_is_ok()
    {
        var s = Load(System.IO.File.ReadAllText(Path.Combine(RepoStrategiesDirectory(), "v52_8signals.json")));
        var v = LongTick() with { Cvd4h = -1, LargeBuyQty = 10, CvdAccel = 100 };
        var m = new MarketInputs(LongShortRatio: 0.5, OpenInterestChangePct: 5, CoinbasePremiumPct: 1, FundingRate: -0.001);

        var result = SignalScorer.Score(s, v, m);

        Assert.Equal(SignalDirection.None, result.Direction);
        Assert.Equal(0, result.Score);
        Assert.All(result.Breakdown, c => Assert.Equal(0, c.Points));
        Assert.Equal(
            ["against", "against", "against", "against", "against", "against", "against", "missing"],
            result.Breakdown.Select(c => c.Status));
    }

    // ---- cvd -------------------------------------------------------------------------------------------

    [Fact]
    public void Cvd_full_when_24h_agrees_base_share_otherwise()
    {
        var s = Only("cvd");
        AssertContribution(Single(s, LongTick()), 100, "ok", 60);
        AssertContribution(Single(s, LongTick() with { Cvd24h = -5 }), 70, "ok", 60);
        AssertContribution(Single(s, ShortTick()), 100, "ok", -60);
        AssertContribution(Single(s, ShortTick() with { Cvd24h = 5 }), 70, "ok", -60);
        AssertContribution(Single(Only("cvd", """{ "base_share": 0.5 }"""), LongTick() with { Cvd24h = 0 }), 50, "ok", 60);
    }

    // ---- p99 -------------------------------------------------------------------------------------------

    [Fact]
    public void P99_scores_large_trade_imbalance_in_the_direction()
    {
        var s = Only("p99");
        AssertContribution(Single(s, LongTick() with { LargeBuyQty = 3, LargeSellQty = 1 }), 100, "ok", 0.5);
        AssertContribution(Single(s, LongTick() with { LargeBuyQty = 2, LargeSellQty = 1 }), 100.0 * 2 / 3, "ok", 1.0 / 3);
        AssertContribution(Single(s, ShortTick() with { LargeBuyQty = 1, LargeSellQty = 3 }), 100, "ok", -0.5);
    }

    [Fact]
    public void P99_against_and_missing()
    {
        var s = Only("p99");
        AssertContribution(Single(s, LongTick() with { LargeBuyQty = 1, LargeSellQty = 3 }), 0, "against", -0.5);
        AssertContribution(Single(s, ShortTick() with { LargeBuyQty = 3, LargeSellQty = 1 }), 0, "against", 0.5);
        AssertContribution(Single(s, LongTick()), 0, "against", 0); // no large trades at all
        AssertContribution(Single(s, LongTick() with { P99Qty = null, LargeBuyQty = 3 }), 0, "missing", null);
    }

    // ---- accel -----------------------------------------------------------------------------------------

    [Fact]
    public void Accel_is_measured_in_mean_5_minute_cvds()
    {
        // cvd_30m = 60 → mean 5-minute CVD = 10.
        var s = Only("accel");
        AssertContribution(Single(s, LongTick() with { CvdAccel = 10 }), 100, "ok", 10);
        AssertContribution(Single(s, LongTick() with { CvdAccel = 5 }), 50, "ok", 5);
        AssertContribution(Single(s, LongTick() with { CvdAccel = -5 }), 0, "against", -5);
        AssertContribution(Single(s, ShortTick() with { CvdAccel = -10 }), 100, "ok", -10);
        AssertContribution(Single(s, ShortTick() with { CvdAccel = 10 }), 0, "against", 10);
        AssertContribution(Single(Only("accel", """{ "full_ratio": 2 }"""), LongTick() with { CvdAccel = 10 }), 50, "ok", 10);
    }

    // ---- ls_ratio --------------------------------------------------------------------------------------

    [Fact]
    public void Ls_ratio_is_contrarian_in_level_and_change()
    {
        var s = Only("ls_ratio");
        AssertContribution(Single(s, LongTick(), new MarketInputs(LongShortRatio: 0.5, LongShortRatioChangePct: -5)), 100, "ok", 0.5);
        AssertContribution(Single(s, LongTick(), new MarketInputs(LongShortRatio: 0.75)), 25, "ok", 0.75);
        AssertContribution(Single(s, LongTick(), new MarketInputs(LongShortRatio: 1.2, LongShortRatioChangePct: -2.5)), 25, "ok", 1.2);
        AssertContribution(Single(s, ShortTick(), new MarketInputs(LongShortRatio: 1.5, LongShortRatioChangePct: 5)), 100, "ok", 1.5);
    }

    [Fact]
    public void Ls_ratio_against_and_missing()
    {
        var s = Only("ls_ratio");
        AssertContribution(Single(s, LongTick(), new MarketInputs(LongShortRatio: 1.5, LongShortRatioChangePct: 2)), 0, "against", 1.5);
        AssertContribution(Single(s, ShortTick(), new MarketInputs(LongShortRatio: 0.5, LongShortRatioChangePct: -2)), 0, "against", 0.5);
        AssertContribution(Single(s, LongTick(), new MarketInputs(LongShortRatioChangePct: -5)), 0, "missing", null);
    }

    // ---- oi --------------------------------------------------------------------------------------------

    [Fact]
    public void Oi_rising_confirms_either_direction()
    {
        var s = Only("oi");
        AssertContribution(Single(s, LongTick(), new MarketInputs(OpenInterestChangePct: 2)), 100, "ok", 2);
        AssertContribution(Single(s, ShortTick(), new MarketInputs(OpenInterestChangePct: 1)), 50, "ok", 1);
        AssertContribution(Single(s, LongTick(), new MarketInputs(OpenInterestChangePct: -1)), 0, "against", -1);
        AssertContribution(Single(s, ShortTick(), new MarketInputs(OpenInterestChangePct: 0)), 0, "against", 0);
        AssertContribution(Single(s, LongTick()), 0, "missing", null);
    }

    // ---- coinbase_premium ------------------------------------------------------------------------------

    [Fact]
    public void Coinbase_premium_confirms_longs_and_a_discount_confirms_shorts()
    {
        var s = Only("coinbase_premium");
        AssertContribution(Single(s, LongTick(), new MarketInputs(CoinbasePremiumPct: 0.1)), 100, "ok", 0.1);
        AssertContribution(Single(s, LongTick(), new MarketInputs(CoinbasePremiumPct: 0.05)), 50, "ok", 0.05);
        AssertContribution(Single(s, ShortTick(), new MarketInputs(CoinbasePremiumPct: -0.2)), 100, "ok", -0.2);
        AssertContribution(Single(s, LongTick(), new MarketInputs(CoinbasePremiumPct: -0.1)), 0, "against", -0.1);
        AssertContribution(Single(s, ShortTick(), new MarketInputs(CoinbasePremiumPct: 0.1)), 0, "against", 0.1);
        AssertContribution(Single(s, ShortTick()), 0, "missing", null);
    }

    // ---- funding_rate ----------------------------------------------------------------------------------

    [Fact]
    public void Funding_is_contrarian_around_the_neutral_rate()
    {
        var s = Only("funding_rate"); // neutral 0.0001, full at 0.0004 away from it
        AssertContribution(Single(s, LongTick(), new MarketInputs(FundingRate: -0.0003)), 100, "ok", -0.0003);
        AssertContribution(Single(s, LongTick(), new MarketInputs(FundingRate: -0.0001)), 50, "ok", -0.0001);
        AssertContribution(Single(s, ShortTick(), new MarketInputs(FundingRate: 0.0005)), 100, "ok", 0.0005);
        AssertContribution(Single(s, ShortTick(), new MarketInputs(FundingRate: 0.0003)), 50, "ok", 0.0003);
    }

    [Fact]
    public void Funding_against_and_missing()
    {
        var s = Only("funding_rate");
        AssertContribution(Single(s, LongTick(), new MarketInputs(FundingRate: 0.0001)), 0, "against", 0.0001); // neutral
        AssertContribution(Single(s, LongTick(), new MarketInputs(FundingRate: 0.0005)), 0, "against", 0.0005); // crowded longs
        AssertContribution(Single(s, ShortTick(), new MarketInputs(FundingRate: -0.0003)), 0, "against", -0.0003); // crowded shorts
        AssertContribution(Single(s, LongTick()), 0, "missing", null);
    }

    // ---- liquidation -----------------------------------------------------------------------------------

    [Fact]
    public void Liquidations_of_the_opposite_side_confirm()
    {
        var s = Only("liquidation");
        AssertContribution(Single(s, LongTick(), new MarketInputs(LiquidatedLongUsd: 10_000, LiquidatedShortUsd: 30_000)), 100, "ok", 0.5);
        AssertContribution(Single(s, LongTick(), new MarketInputs(LiquidatedLongUsd: 15_000, LiquidatedShortUsd: 25_000)), 50, "ok", 0.25);
        AssertContribution(Single(s, ShortTick(), new MarketInputs(LiquidatedLongUsd: 30_000, LiquidatedShortUsd: 10_000)), 100, "ok", -0.5);
    }

    [Fact]
    public void Liquidation_against_small_and_missing()
    {
        var s = Only("liquidation");
        AssertContribution(Single(s, LongTick(), new MarketInputs(LiquidatedLongUsd: 30_000, LiquidatedShortUsd: 10_000)), 0, "against", -0.5);
        AssertContribution(Single(s, ShortTick(), new MarketInputs(LiquidatedLongUsd: 10_000, LiquidatedShortUsd: 30_000)), 0, "against", 0.5);
        AssertContribution(Single(s, LongTick(), new MarketInputs(LiquidatedLongUsd: 0, LiquidatedShortUsd: 0)), 0, "against", 0);
        AssertContribution(Single(Only("liquidation", """{ "min_total_usd": 50000 }"""), LongTick(),
            new MarketInputs(LiquidatedLongUsd: 10_000, LiquidatedShortUsd: 30_000)), 0, "against", 0.5);
        AssertContribution(Single(s, LongTick(), new MarketInputs(LiquidatedShortUsd: 30_000)), 0, "missing", null);
    }

    [Fact]
    public void Non_finite_inputs_count_as_missing()
    {
        AssertContribution(Single(Only("oi"), LongTick(), new MarketInputs(OpenInterestChangePct: double.NaN)), 0, "missing", null);
        AssertContribution(Single(Only("funding_rate"), LongTick(), new MarketInputs(FundingRate: double.PositiveInfinity)), 0, "missing", null);
    }

    // ---- whole strategies ------------------------------------------------------------------------------

    [Fact]
    public void V52_with_every_signal_confirming_a_long_scores_100()
    {
        var s = Load(System.IO.File.ReadAllText(Path.Combine(RepoStrategiesDirectory(), "v52_8signals.json")));
        var v = LongTick() with { LargeBuyQty = 9, LargeSellQty = 1, CvdAccel = 20 };
        var m = new MarketInputs(0.4, -6, 3, 0.2, -0.0005, 1_000, 50_000);

        var result = SignalScorer.Score(s, v, m);

        Assert.Equal(SignalDirection.Long, result.Direction);
        Assert.Equal(100, result.Score, Precision);
        Assert.All(result.Breakdown, c => Assert.Equal(SignalContribution.Ok, c.Status));
        Assert.Equal(s.Signals.Select(x => x.Weight), result.Breakdown.Select(c => c.Points));
    }

    [Fact]
    public void V51_short_mixes_ok_against_and_missing_and_sums_the_points()
    {
        var s = Load(System.IO.File.ReadAllText(Path.Combine(RepoStrategiesDirectory(), "v51_baseline.json")));
        // cvd 30 (24h agrees) + p99 20·(0.25/0.5) + accel against + ls missing + oi 15·(1/2) + premium against
        var v = ShortTick() with { LargeBuyQty = 3, LargeSellQty = 5, CvdAccel = 1 };
        var m = new MarketInputs(OpenInterestChangePct: 1, CoinbasePremiumPct: 0.05);

        var result = SignalScorer.Score(s, v, m);

        Assert.Equal(SignalDirection.Short, result.Direction);
        Assert.Equal(["ok", "ok", "against", "missing", "ok", "against"], result.Breakdown.Select(c => c.Status));
        Assert.Equal([30, 10, 0, 0, 7.5, 0], result.Breakdown.Select(c => c.Points));
        Assert.Equal(47.5, result.Score, Precision);
    }
}
