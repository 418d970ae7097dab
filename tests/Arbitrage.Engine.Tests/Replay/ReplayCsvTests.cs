using System.Text;
using Arbitrage.Core.Indicators;
using Arbitrage.Engine.Replay;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Engine.Tests.Replay;

/// <summary>
/// The indicators CSV built as the ticks arrive gives exactly the bytes of the row-by-row string formatting
/// (the CSV contract), ordered by (time, symbol) whatever order the symbols' ticks arrived in.
/// </summary>
public sealed class ReplayCsvTests
{
    [Fact]
    public void Indicator_rows_are_byte_identical_to_the_string_rows_for_nulls_extremes_and_round_trip_doubles()
    {
        var rng = new Random(20260508);
        var symbols = new[] { "BTCUSD_PERP", "ETHUSDT", "ÉTH_ÜSD" };
        var bySymbol = symbols.ToDictionary(s => s, _ => new List<IndicatorSnapshot>());
        bySymbol["BTCUSD_PERP"].Add(new("BTCUSD_PERP", new IndicatorValues(1_778_198_385_000, 0, 0, -0.0, 1e-300, null, null, null, null, null, null, 0, 0, 0, double.NaN)));
        for (var i = 0; i < 80_000; i++) // several 1 MB chunks per symbol
        {
            double D() => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-12, 12));
            double? N() => rng.Next(4) == 0 ? null : D();
            var symbol = symbols[rng.Next(2)]; // some ticks at the same time for both: the symbol orders them
            var time = 1_778_198_400_000 + ((i / 2) * 15_000L);
            bySymbol[symbol].Add(new IndicatorSnapshot(symbol, new IndicatorValues(
                time, rng.NextInt64(0, 1L << 40), D(), D(), D(), N(), N(), N(), N(), N(), N(), D(), D(), D(), D())));
        }

        bySymbol["ÉTH_ÜSD"].Add(new("ÉTH_ÜSD", new IndicatorValues(long.MaxValue, long.MinValue, double.MaxValue, double.MinValue, double.Epsilon, 0.1 + 0.2, 1.0 / 3, -2.5e-17, 123456789.125, 100, 99.99999999999999, 1, 2, 3, 4)));

        var expected = new StringBuilder(ReplayCsv.IndicatorsHeader).Append('\n');
        foreach (var row in bySymbol.Values.SelectMany(r => r).OrderBy(r => r.Values.TimeMs).ThenBy(r => r.Symbol, StringComparer.Ordinal))
        {
            ReplayCsv.AppendIndicatorRow(expected, row);
        }

        // Arrival: ETH's ticks first, then the others interleaved batch by batch, as independent symbol actors deliver them.
        var rows = new IndicatorCsvRows();
        bySymbol["ETHUSDT"].ForEach(rows.Append);
        foreach (var batch in bySymbol["BTCUSD_PERP"].Chunk(500).Zip(bySymbol["ÉTH_ÜSD"].Chunk(500).Concat(Enumerable.Repeat(Array.Empty<IndicatorSnapshot>(), 1000))))
        {
            Array.ForEach(batch.Item1, rows.Append);
            Array.ForEach(batch.Item2, rows.Append);
        }

        using var stream = new MemoryStream();
        rows.WriteTo(stream);

        Assert.Equal(bySymbol.Values.Sum(r => r.Count), rows.Count);
        Assert.True(stream.Length > 4 << 20, "the rows span several chunks");
        Assert.Equal(new UTF8Encoding(false).GetBytes(expected.ToString()), stream.ToArray());
    }

    [Fact]
    public void One_symbol_is_written_chunk_by_chunk_in_arrival_order()
    {
        var rows = new IndicatorCsvRows();
        var expected = new StringBuilder(ReplayCsv.IndicatorsHeader).Append('\n');
        for (var i = 0; i < 30_000; i++)
        {
            var s = new IndicatorSnapshot("BTCUSDT", new IndicatorValues(i * 15_000L, i, i * 0.1, -i / 3.0, i, 1e5 / (i + 1), null, 7, null, 0.5, 2, 0, 0, 0, 0));
            rows.Append(s);
            ReplayCsv.AppendIndicatorRow(expected, s);
        }

        using var stream = new MemoryStream();
        rows.WriteTo(stream);
        Assert.Equal(new UTF8Encoding(false).GetBytes(expected.ToString()), stream.ToArray());
    }
}
