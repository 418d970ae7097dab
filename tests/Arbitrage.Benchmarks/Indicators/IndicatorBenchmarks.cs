using Arbitrage.Core.Indicators;
using Arbitrage.Core.MarketData;
using BenchmarkDotNet.Attributes;

namespace Arbitrage.Benchmarks.Indicators;

/// <summary>
/// Cost per trade of the incremental §4 indicators over the real BTCUSD_PERP day, against the naive
/// recompute (baseline) and a bare 3-window 1-second-bucket CVD loop (the floor of any bucketed design).
/// All results are per trade (OperationsPerInvoke); trades/s = 1e9 / Mean[ns].
/// </summary>
[MemoryDiagnoser]
public class IndicatorBenchmarks
{
    private const int NaiveSliceTrades = 4_000; // ≈ the first hour: the naive is O(n) per tick
    private Trade[] _day = [];
    private Trade[] _slice = [];
    private readonly Trade[] _chunk = new Trade[4096];
    private readonly NullSink _sink = new();
    private SymbolIndicators _steady = new();
    private long _shift;
    private readonly double[] _bareRing = new double[86_400];

    [GlobalSetup]
    public void Setup()
    {
        _day = RealDay.Load();
        _slice = _day[..NaiveSliceTrades];
        _steady = new SymbolIndicators();
        _shift = 0;
        FeedShiftedDay(); // warm: the 24 h window is full from here on
    }

    /// <summary>Baseline: recompute everything from the raw trades at every tick (first ~hour of the day).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = NaiveSliceTrades)]
    public double NaiveRecompute_PerTrade()
    {
        var naive = new NaiveRecompute();
        foreach (ref readonly var t in _slice.AsSpan())
        {
            naive.OnTrade(in t);
        }

        return naive.Checksum;
    }

    /// <summary>A fresh symbol fed the whole day with one OnTrades call (includes building the structures).</summary>
    [Benchmark(OperationsPerInvoke = 105_280)]
    public long Incremental_FreshSymbol_FullDay()
    {
        var s = new SymbolIndicators();
        s.OnTrades(_day, _sink);
        return _sink.Ticks;
    }

    /// <summary>
    /// Steady state: one long-lived symbol, every invocation is the next day (the real day shifted by 24 h,
    /// copied in 4096-trade chunks — the copy is included). The 24 h window is full, blocks expire each tick.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 105_280)]
    public long Incremental_SteadyState_FullDay()
    {
        FeedShiftedDay();
        return _sink.Ticks;
    }

    /// <summary>Reference floor: CVD over 30 m / 4 h / 24 h with 1-second buckets, nothing else.</summary>
    [Benchmark(OperationsPerInvoke = 105_280)]
    public double BareThreeWindowSecondBuckets_FullDay()
    {
        const int n = 86_400;
        double[] ring = _bareRing;
        Array.Clear(ring);
        var trades = _day;
        long second = trades[0].TimeMs / 1000;
        double w30 = 0, w4h = 0, w24h = 0, check = 0;
        for (int i = 0; i < trades.Length; i++)
        {
            long s = trades[i].TimeMs / 1000;
            while (second < s)
            {
                second++;
                w30 -= ring[(int)((second - 1_800) % n)];
                w4h -= ring[(int)((second - 14_400) % n)];
                w24h -= ring[(int)(second % n)];
                ring[(int)(second % n)] = 0;
                check += w30 + w4h + w24h;
            }

            double d = trades[i].Delta;
            ring[(int)(s % n)] += d;
            w30 += d;
            w4h += d;
            w24h += d;
        }

        return check;
    }

    private void FeedShiftedDay()
    {
        long shift = _shift;
        var day = _day;
        for (int i = 0; i < day.Length; i += _chunk.Length)
        {
            int len = Math.Min(_chunk.Length, day.Length - i);
            for (int j = 0; j < len; j++)
            {
                ref readonly Trade t = ref day[i + j];
                _chunk[j] = new Trade(t.AggId, t.Price, t.Quantity, t.TimeMs + shift, t.IsBuyerMaker);
            }

            _steady.OnTrades(_chunk.AsSpan(0, len), _sink);
        }

        _shift += 86_400_000;
    }

    private sealed class NullSink : ITickSink
    {
        public long Ticks;
        private double _acc;

        public void OnTick(in IndicatorValues values)
        {
            Ticks++;
            _acc += values.Cvd30m;
        }
    }
}
