using System.Text;
using Arbitrage.Core.Indicators;
using Arbitrage.Engine.Replay;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Engine.Tests.Replay;

/// <summary>The UTF-8 indicators writer gives exactly the bytes of the row-by-row string formatting (the CSV contract).</summary>
public sealed class ReplayCsvTests
{
    [Fact]
    public void WriteIndicators_is_byte_identical_to_the_string_rows_for_nulls_extremes_and_round_trip_doubles()
    {
        var rng = new Random(20260508);
        var rows = new List<IndicatorSnapshot>
        {
            new("BTCUSD_PERP", new IndicatorValues(1_778_198_415_000, 0, 0, -0.0, 1e-300, null, null, null, null, null, null, 0, 0, 0, double.NaN)),
            new("ÉTH_ÜSD", new IndicatorValues(long.MaxValue, long.MinValue, double.MaxValue, double.MinValue, double.Epsilon, 0.1 + 0.2, 1.0 / 3, -2.5e-17, 123456789.125, 100, 99.99999999999999, 1, 2, 3, 4)),
        };
        for (var i = 0; i < 80_000; i++) // more 16 k-row blocks than one parallel wave holds on small machines
        {
            double D() => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-12, 12));
            double? N() => rng.Next(4) == 0 ? null : D();
            rows.Add(new IndicatorSnapshot(i % 3 == 0 ? "ETHUSDT" : "BTCUSD_PERP", new IndicatorValues(
                1_778_198_400_000 + (i * 15_000L), rng.NextInt64(0, 1L << 40), D(), D(), D(), N(), N(), N(), N(), N(), N(), D(), D(), D(), D())));
        }

        var expected = new StringBuilder(ReplayCsv.IndicatorsHeader).Append('\n');
        foreach (var row in rows)
        {
            ReplayCsv.AppendIndicatorRow(expected, row);
        }

        using var stream = new MemoryStream();
        ReplayCsv.WriteIndicators(stream, rows);

        var bytes = stream.ToArray();
        Assert.True(bytes.Length > 1 << 20, "the rows span several blocks");
        Assert.Equal(new UTF8Encoding(false).GetBytes(expected.ToString()), bytes);
    }
}
