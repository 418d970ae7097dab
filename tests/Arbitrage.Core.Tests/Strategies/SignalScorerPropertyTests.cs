using System.Text.Json.Nodes;
using Arbitrage.Core.Indicators;
using Arbitrage.Core.Strategies;
using CsCheck;

namespace Arbitrage.Core.Tests.Strategies;

public sealed class SignalScorerPropertyTests
{
    /// <summary>A random valid strategy file: any non-empty subset of signals, integer weights summing to 100,
    /// every parameter drawn from its allowed range.</summary>
    private static readonly Gen<string> StrategyJson =
        Gen.Select(Gen.Int[1, 255], Gen.Int[0, 100].Array[7], Gen.Double[0, 1].Array[20], Gen.Double[0, 100])
            .Select((mask, cuts, units, threshold) =>
            {
                var chosen = SignalCatalog.All.Where((_, i) => (mask & (1 << i)) != 0).ToList();
                var points = cuts.Take(chosen.Count - 1).Append(0).Append(100).Order().ToArray();
                var signals = new JsonObject();
                var u = 0;
                for (var i = 0; i < chosen.Count; i++)
                {
                    var ps = new JsonObject();
                    foreach (var p in chosen[i].Params)
                    {
                        var upper = double.IsPositiveInfinity(p.Max) ? p.Min + 10 : p.Max;
                        var unit = units[u++ % units.Length];
                        var value = p.Min + Math.Max(unit, p.MinInclusive ? 0 : 1e-6) * (upper - p.Min);
                        ps[p.Name] = value;
                    }
                    signals[chosen[i].Name] = new JsonObject { ["weight"] = points[i + 1] - points[i], ["params"] = ps };
                }

                return new JsonObject
                {
                    ["id"] = "prop",
                    ["version"] = "1",
                    ["symbols"] = new JsonArray("*"),
                    ["threshold"] = threshold,
                    ["signals"] = signals,
                    ["tp_sl"] = new JsonObject { ["sl_atr"] = 1, ["tp1_atr"] = 1, ["tp2_atr"] = 2 },
                }.ToJsonString();
            });

    private static readonly Gen<double> Value = Gen.Frequency(
        (6, Gen.Double[-1e6, 1e6]),
        (2, Gen.Double[-1, 1]),
        (1, Gen.Const(0.0)),
        (1, Gen.OneOf(Gen.Const(double.NaN), Gen.Const(double.PositiveInfinity), Gen.Const(double.NegativeInfinity))));

    private static readonly Gen<double?> Maybe =
        Gen.Select(Gen.Int[0, 4], Value, (n, v) => n == 0 ? (double?)null : v);

    private static readonly Gen<IndicatorValues> Indicators =
        Gen.Select(Value, Value, Value, Maybe, Maybe, Value, Gen.Double[0, 50], Gen.Double[0, 50])
            .Select((cvd30, cvd4h, cvd24h, atr, p99, accel, buy, sell) =>
                new IndicatorValues(15_000, 10, cvd30, cvd4h, cvd24h, null, null, null, atr, null, p99, accel, buy, sell, 100));

    private static readonly Gen<MarketInputs> Inputs =
        Gen.Select(Maybe, Maybe, Maybe, Maybe, Maybe, Maybe, Maybe)
            .Select((a, b, c, d, e, f, g) => new MarketInputs(a, b, c, d, e, f, g));

    [Fact]
    public void Score_is_within_0_and_100_and_equals_the_sum_of_the_breakdown() =>
        Gen.Select(StrategyJson, Indicators, Inputs).Sample((json, v, m) =>
        {
            var strategy = StrategyFixtures.Load(json);
            var result = SignalScorer.Score(strategy, v, m);

            Assert.InRange(result.Score, 0, 100);
            Assert.Equal(result.Breakdown.Sum(c => c.Points), result.Score, 9);
            Assert.Equal(strategy.Signals.Select(s => s.Name), result.Breakdown.Select(c => c.Name));
            foreach (var c in result.Breakdown)
            {
                Assert.InRange(c.Points, 0, c.Weight);
                Assert.Equal(c.Status == SignalContribution.Missing, c.Input is null);
                if (c.Status == SignalContribution.Ok)
                    Assert.True(c.Weight == 0 || c.Points > 0);
                else
                    Assert.Equal(0, c.Points);
            }

            if (result.Direction == SignalDirection.None)
                Assert.Equal(0, result.Score);

            // Deterministic, down to the bytes written to the CSV.
            Assert.Equal(BreakdownJson.Write(result.Breakdown), BreakdownJson.Write(SignalScorer.Score(strategy, v, m).Breakdown));
        }, iter: 2000);

    /// <summary>The allocation-free pre-check the actors use decides exactly as the full evaluation.</summary>
    [Fact]
    public void ScoreOnly_and_EvaluateCandidate_agree_bit_for_bit_with_the_full_evaluation() =>
        Gen.Select(StrategyJson, Indicators, Inputs, Gen.Bool).Sample((json, v, m, cooling) =>
        {
            var strategy = StrategyFixtures.Load(json);
            Assert.Equal(BitConverter.DoubleToInt64Bits(SignalScorer.Score(strategy, v, m).Score),
                BitConverter.DoubleToInt64Bits(SignalScorer.ScoreOnly(strategy, v, m)));

            var book = CooldownBook.Empty;
            if (cooling)
            {
                book = book.Record(new CooldownKey(strategy.Id, "BTCUSDT", SignalScorer.DirectionOf(v)), v.TimeMs);
            }

            var full = SignalDecision.Evaluate(strategy, "BTCUSDT", v, m, book);
            var candidate = SignalDecision.EvaluateCandidate(strategy, "BTCUSDT", v, m, book, out var scored);

            // What it hands to the score watch: the full evaluation's score and its missing inputs, bit for bit.
            Assert.True(scored.Evaluated);
            Assert.Equal(full.Score.Direction, scored.Direction);
            if (full.Score.Direction == SignalDirection.None)
            {
                Assert.True(double.IsNaN(scored.Score));
            }
            else
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(full.Score.Score), BitConverter.DoubleToInt64Bits(scored.Score));
                for (var i = 0; i < full.Score.Breakdown.Count; i++)
                {
                    Assert.Equal(full.Score.Breakdown[i].Status == SignalContribution.Missing, (scored.Missing & (1u << i)) != 0);
                }
            }
            if (full.Outcome != DecisionOutcome.Emitted)
            {
                Assert.Null(candidate); // every rejection, cooldown included, without building a breakdown
            }
            else
            {
                Assert.NotNull(candidate);
                Assert.Equal(full.Outcome, candidate.Outcome);
                Assert.Equal(full.Signal!.SignalId, candidate.Signal?.SignalId);
                Assert.Equal(full.Signal.Score, candidate.Signal?.Score);
                Assert.Equal(BreakdownJson.Write(full.Signal.Breakdown), BreakdownJson.Write(candidate.Signal!.Breakdown));
            }
        }, iter: 3000);

    [Fact]
    public void Mirroring_every_input_mirrors_the_direction_and_keeps_the_score() =>
        Gen.Select(StrategyJson, Indicators, Inputs).Sample((json, v, m) =>
        {
            var strategy = StrategyFixtures.Load(json);
            // A short market is the mirror image of a long one: flows, imbalances and premia change sign,
            // liquidation sides swap; ratios mirror around the neutral value only for symmetric params, so
            // ls_ratio and funding are left out here (their contrarian formulas are tested by example).
            var mirroredV = v with
            {
                Cvd30m = -v.Cvd30m, Cvd4h = -v.Cvd4h, Cvd24h = -v.Cvd24h, CvdAccel = -v.CvdAccel,
                LargeBuyQty = v.LargeSellQty, LargeSellQty = v.LargeBuyQty,
            };
            var mirroredM = m with
            {
                CoinbasePremiumPct = -m.CoinbasePremiumPct,
                LiquidatedLongUsd = m.LiquidatedShortUsd,
                LiquidatedShortUsd = m.LiquidatedLongUsd,
            };
            var a = SignalScorer.Score(strategy, v, m);
            var b = SignalScorer.Score(strategy, mirroredV, mirroredM);

            var expected = a.Direction switch
            {
                SignalDirection.Long => SignalDirection.Short,
                SignalDirection.Short => SignalDirection.Long,
                _ => SignalDirection.None,
            };
            Assert.Equal(expected, b.Direction);
            for (var i = 0; i < a.Breakdown.Count; i++)
            {
                if (a.Breakdown[i].Name is SignalCatalog.LsRatio or SignalCatalog.FundingRate)
                    continue;
                Assert.Equal(a.Breakdown[i].Points, b.Breakdown[i].Points, 9);
                Assert.Equal(a.Breakdown[i].Status, b.Breakdown[i].Status);
            }
        }, iter: 1000);

    [Fact]
    public void Generated_strategies_are_valid_files() =>
        StrategyJson.Sample(json =>
        {
            var result = StrategyLoader.LoadText("prop.json", json);
            Assert.True(result.IsValid, string.Join("; ", result.Errors) + " in " + json);
            Assert.Equal(100, result.Definition!.Signals.Sum(s => s.Weight), 9);
        }, iter: 500);
}
