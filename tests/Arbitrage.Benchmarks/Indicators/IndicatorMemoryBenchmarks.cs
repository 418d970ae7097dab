using Arbitrage.Core.Indicators;
using Arbitrage.Core.MarketData;
using BenchmarkDotNet.Attributes;

namespace Arbitrage.Benchmarks.Indicators;

/// <summary>
/// Memory held by one symbol after a full 24 h window, for the real day (105 k trades) and for a synthetic
/// day 20× denser built from it (same quantity distribution, 2.1 M trades): it must not follow the trade
/// count. Printed in GlobalSetup (GC.GetTotalMemory before/after); the benchmark itself times the dense day.
/// </summary>
[MemoryDiagnoser]
public class IndicatorMemoryBenchmarks
{
    private Trade[] _day = [];
    private Trade[] _dense = [];

    [GlobalSetup]
    public void Setup()
    {
        _day = RealDay.Load();
        _dense = Densify(_day, 20);
        long real = HeldBytes(_day, out var a);
        long dense = HeldBytes(_dense, out var b);
        Console.WriteLine($"// Indicator memory, 24 h window: real day {_day.Length:N0} trades -> {real / 1048576.0:F2} MB; " +
                          $"dense day {_dense.Length:N0} trades -> {dense / 1048576.0:F2} MB");
        GC.KeepAlive(a);
        GC.KeepAlive(b);
    }

    [Benchmark(OperationsPerInvoke = 2_105_600)]
    public long Incremental_DenseDay_PerTrade()
    {
        var sink = new CountingSink();
        new SymbolIndicators().OnTrades(_dense, sink);
        return sink.Ticks;
    }

    /// <summary>Bytes retained by a symbol that has ingested <paramref name="trades"/>.</summary>
    public static long HeldBytes(Trade[] trades, out SymbolIndicators symbol)
    {
        var sink = new CountingSink();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        symbol = new SymbolIndicators();
        symbol.OnTrades(trades, sink);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(symbol);
        return after - before;
    }

    /// <summary>k trades per real trade within the same second, quantities drawn from the real ones.</summary>
    private static Trade[] Densify(Trade[] day, int k)
    {
        var rng = new Random(42);
        var result = new Trade[day.Length * k];
        long id = 0;
        for (int i = 0; i < day.Length; i++)
        {
            long ms = day[i].TimeMs;
            long nextMs = i + 1 < day.Length ? day[i + 1].TimeMs : ms + 1;
            for (int j = 0; j < k; j++)
            {
                long time = ms + (nextMs - ms) * j / k;
                var q = day[rng.Next(day.Length)].Quantity;
                result[i * k + j] = new Trade(id++, day[i].Price, q, time, rng.Next(2) == 0);
            }
        }

        return result;
    }

    private sealed class CountingSink : ITickSink
    {
        public long Ticks;

        public void OnTick(in IndicatorValues values) => Ticks++;
    }
}
