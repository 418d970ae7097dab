using System.Globalization;
using Arbitrage.Engine.Replay;
using BenchmarkDotNet.Attributes;

namespace Arbitrage.Benchmarks.Parsing;

/// <summary>
/// Shortest round-trip double → UTF-8 as the replay's indicators CSV writes it: .NET's "R" vs ShortestDouble
/// (same bytes), over 10,000 seeded values shaped like the CSV's columns. Per value.
/// </summary>
[MemoryDiagnoser]
public class DoubleFormatBenchmarks
{
    private const int Values = 10_000;
    private readonly double[] _values = new double[Values];
    private readonly byte[] _buffer = new byte[64];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(20260508);
        double cvd = 0, lotCvd = 0, notional = 0, volume = 0, atr = 40;
        for (int i = 0; i < Values; i++)
        {
            double price = 79_000 + Math.Round(rng.NextDouble() * 2_000, 1);
            double lots = Math.Round(rng.NextDouble() * 3, 3);
            notional += price * lots;
            volume += lots;
            _values[i] = (i % 10) switch
            {
                // CVD in contracts: integers, signed.
                0 or 1 => cvd += rng.Next(-500, 500),
                // CVD in base-asset lots of 0.001: short decimals that pick up binary noise as they sum.
                2 or 3 => lotCvd += rng.Next(2) == 0 ? lots : -lots,
                // VWAPs: full 15-17 digit doubles.
                4 or 5 or 6 => notional / volume,
                // Wilder ATR.
                7 => atr = ((atr * 13) + (rng.NextDouble() * 80)) / 14,
                // Percentiles over a 288-value history, sometimes exactly 0 or 1.
                8 => rng.Next(289) / 288.0,
                // Prices as parsed from the tape.
                _ => price,
            };
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Values)]
    public int DotNetR()
    {
        int total = 0;
        foreach (double v in _values)
        {
            v.TryFormat(_buffer, out int n, "R", CultureInfo.InvariantCulture);
            total += n;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Values)]
    public int Shortest()
    {
        int total = 0;
        foreach (double v in _values)
        {
            ShortestDouble.TryFormat(v, _buffer, out int n);
            total += n;
        }

        return total;
    }
}
