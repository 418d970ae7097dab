using Arbitrage.Core.Triangles;
using BenchmarkDotNet.Attributes;

namespace Arbitrage.Benchmarks.Triangles;

/// <summary>
/// Book updates through the incremental triangle detector (only the cycles through the updated pair) against a full
/// rescan of every cycle per update (baseline), on the synthetic 93-pair / 798-cycle venue of <see cref="SyntheticVenue"/>.
/// Per book update (OperationsPerInvoke): updates/s = 1e9 / Mean[ns]. Each update replaces a 10-level-a-side book.
/// Scenarios: <c>top</c> = the example config ($100 notionals, fee 0.1 %, threshold +0.05 %: legs fill on
/// the best level, episodes are rare); <c>deep</c> = $1000 notionals, a quarter of the legs walking two to four
/// levels; <c>churn</c> = deep, and a threshold of −0.4 % that keeps about 60 % of the cycles in episodes opening and
/// closing at random (a stress case: every evaluation is a coin toss for the branch predictor).
/// </summary>
[MemoryDiagnoser]
public class TriangleDetectorBenchmarks
{
    [Params("top", "deep", "churn")]
    public string Scenario { get; set; } = "top";

    private SyntheticVenue _venue = null!;
    private TriangleDetector _incremental = null!;
    private FullRescanDetector _rescan = null!;
    private long _shift;

    [GlobalSetup]
    public void Setup()
    {
        _venue = SyntheticVenue.Create(Scenario == "top" ? 100 : 1000);
        var settings = new TriangleDetectorSettings(0.001, Scenario == "churn" ? -0.004 : 0.0005, 5000);
        _incremental = new TriangleDetector(_venue.Universe, settings);
        _rescan = new FullRescanDetector(_venue.Universe, settings);
        _shift = 0;
        Incremental_PerUpdate(); // every book present before measuring
        FullRescan_PerUpdate();
        if (_incremental.OpenEpisodeCount != _rescan.OpenCount)
        {
            throw new InvalidOperationException($"incremental has {_incremental.OpenEpisodeCount} open episodes, the rescan {_rescan.OpenCount}");
        }

        var u = _venue.Universe;
        Console.WriteLine($"// synthetic venue: {u.Pairs.Count} pairs, {u.Cycles.Count} cycles, {u.Cycles.Count / 6} triangles, "
            + $"≤ {u.MaxCyclesPerPair} cycles a pair; open episodes after one pass: {_incremental.OpenEpisodeCount}");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SyntheticVenue.Updates)]
    public int FullRescan_PerUpdate()
    {
        long shift = _shift;
        foreach (var (pair, time, bids, asks) in _venue.Stream)
        {
            _rescan.Apply(pair, time + shift, bids, asks);
        }

        _shift += SyntheticVenue.Updates;
        return _rescan.OpenCount;
    }

    [Benchmark(OperationsPerInvoke = SyntheticVenue.Updates)]
    public int Incremental_PerUpdate()
    {
        long shift = _shift;
        int changes = 0;
        foreach (var (pair, time, bids, asks) in _venue.Stream)
        {
            changes += _incremental.Apply(pair, time + shift, bids, asks);
        }

        _shift += SyntheticVenue.Updates;
        return changes;
    }
}
