using System.Text.Json;
using Arbitrage.Core.Strategies;
using static Arbitrage.Core.Tests.Strategies.StrategyFixtures;

namespace Arbitrage.Core.Tests.Strategies;

public sealed class BreakdownJsonTests
{
    [Fact]
    public void Writes_compact_json_in_a_fixed_key_order()
    {
        IReadOnlyList<SignalContribution> breakdown =
        [
            new("cvd", 30, 30, "ok", 152.5),
            new("p99", 20.0 / 3, 20, "ok", 1.0 / 3),
            new("oi", 0, 15, "missing", null),
            new("accel", 0, 5, "against", -0.1),
        ];

        Assert.Equal(
            "[{\"name\":\"cvd\",\"points\":30,\"weight\":30,\"status\":\"ok\",\"input\":152.5}," +
            "{\"name\":\"p99\",\"points\":6.666666666666667,\"weight\":20,\"status\":\"ok\",\"input\":0.3333333333333333}," +
            "{\"name\":\"oi\",\"points\":0,\"weight\":15,\"status\":\"missing\",\"input\":null}," +
            "{\"name\":\"accel\",\"points\":0,\"weight\":5,\"status\":\"against\",\"input\":-0.1}]",
            BreakdownJson.Write(breakdown));
    }

    [Fact]
    public void Doubles_round_trip_exactly()
    {
        double[] values = [1.0 / 3, 0.1 + 0.2, 1e-17, 123456789.123456789, -2.5e300, double.Epsilon];
        var json = BreakdownJson.Write(values.Select(v => new SignalContribution("x", v, v, "ok", v)).ToList());
        using var doc = JsonDocument.Parse(json);
        var i = 0;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            Assert.Equal(values[i], item.GetProperty("points").GetDouble());
            Assert.Equal(values[i], item.GetProperty("input").GetDouble());
            i++;
        }
    }

    [Fact]
    public void Non_finite_input_is_written_as_null() =>
        Assert.Equal("[{\"name\":\"x\",\"points\":0,\"weight\":1,\"status\":\"against\",\"input\":null}]",
            BreakdownJson.Write([new SignalContribution("x", 0, 1, "against", double.NaN)]));

    [Fact]
    public void Same_score_gives_byte_identical_json()
    {
        var s = Load(System.IO.File.ReadAllText(Path.Combine(RepoStrategiesDirectory(), "v52_8signals.json")));
        var v = LongTick() with { LargeBuyQty = 2, LargeSellQty = 1, CvdAccel = 3.3 };
        var m = new MarketInputs(0.9, -1.7, 0.3, 0.013, -0.00007, 12_345.6, 23_456.7);

        var first = BreakdownJson.Write(SignalScorer.Score(s, v, m).Breakdown);
        var second = BreakdownJson.Write(SignalScorer.Score(Load(System.IO.File.ReadAllText(
            Path.Combine(RepoStrategiesDirectory(), "v52_8signals.json"))), v, m).Breakdown);

        Assert.Equal(first, second);
        Assert.StartsWith("[{\"name\":\"cvd\",\"points\":25,\"weight\":25,\"status\":\"ok\",\"input\":60},", first);
        Assert.DoesNotContain(" ", first);
    }

    [Fact]
    public void Empty_breakdown_is_an_empty_array() => Assert.Equal("[]", BreakdownJson.Write([]));
}
