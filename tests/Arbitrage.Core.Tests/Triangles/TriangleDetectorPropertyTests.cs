using Arbitrage.Core.Triangles;
using CsCheck;

namespace Arbitrage.Core.Tests.Triangles;

/// <summary>The incremental detector against the brute-force full rescan (<see cref="BruteForceTriangles"/>).</summary>
public sealed class TriangleDetectorPropertyTests
{
    [Fact]
    public void Incremental_episodes_equal_the_brute_force_rescan_on_random_venues_and_books() =>
        Gen.Int.Sample(seed =>
        {
            var (setup, inputs) = TriangleRuns.Random(seed);
            var expected = TriangleEpisodesCsv.Format(BruteForceTriangles.Run(setup, inputs));
            var actual = TriangleEpisodesCsv.Format(TriangleRuns.Incremental(setup, inputs));
            Assert.True(expected == actual, $"seed {seed}\nexpected:\n{expected}\nactual:\n{actual}");
        }, iter: 400);

    [Fact]
    public void The_random_scenarios_reach_every_case_the_property_is_meant_to_cover()
    {
        // Guards the generator: the property above is only as good as the cases it meets.
        int episodes = 0, onThreshold = 0, closedByLoss = 0, openAtEnd = 0, tiedPeaks = 0, multiEvaluation = 0, infeasible = 0, stale = 0, unsorted = 0;
        for (int seed = 0; seed < 400; seed++)
        {
            var (setup, inputs) = TriangleRuns.Random(seed);
            var universe = TriangleUniverse.Create(setup.Symbols.Select(s => TradingPair.TryParse(s, out var p) ? p : null!), setup.Starts);
            var detector = new TriangleDetector(universe, new TriangleDetectorSettings(setup.Fee, setup.Min, setup.StalenessMs));
            var returnsSeen = new Dictionary<int, List<double>>();
            foreach (var e in inputs)
            {
                if (!universe.TryGetPair(e.Symbol, out int pair))
                {
                    continue;
                }

                if (e.Unsynchronised)
                {
                    detector.MarkUnsynchronised(pair, e.TimeMs);
                }
                else
                {
                    unsorted += e.Bids.Zip(e.Bids.Skip(1)).Any(p => p.Second.Price > p.First.Price) ? 1 : 0;
                    detector.Apply(pair, e.TimeMs, TriangleRuns.Levels(e.Bids), TriangleRuns.Levels(e.Asks));
                }

                foreach (var ev in detector.Evaluations)
                {
                    infeasible += ev.Status == CycleStatus.Infeasible ? 1 : 0;
                    stale += ev.Status == CycleStatus.Stale ? 1 : 0;
                    onThreshold += ev.Status == CycleStatus.Evaluated && ev.NetReturn == setup.Min ? 1 : 0;
                    if (ev.Status == CycleStatus.Evaluated && ev.NetReturn >= setup.Min)
                    {
                        if (!returnsSeen.TryGetValue(ev.Cycle, out var list))
                        {
                            returnsSeen[ev.Cycle] = list = [];
                        }

                        list.Add(ev.NetReturn);
                    }
                }

                foreach (var c in detector.Changes)
                {
                    episodes += c.Kind == EpisodeChangeKind.Opened ? 1 : 0;
                    closedByLoss += c.Episode.EndedBy is EpisodeEnd.Unsynchronised or EpisodeEnd.Stale ? 1 : 0;
                    multiEvaluation += c.Kind == EpisodeChangeKind.Closed && c.Episode.Evaluations > 1 ? 1 : 0;
                }
            }

            openAtEnd += detector.OpenEpisodeCount;
            tiedPeaks += returnsSeen.Values.Count(l => l.Count != l.Distinct().Count());
        }

        Assert.True(episodes > 1500, $"episodes {episodes}");
        Assert.True(onThreshold > 40, $"returns exactly on the threshold {onThreshold}");
        Assert.True(closedByLoss > 600, $"closed by a lost or stale book {closedByLoss}");
        Assert.True(openAtEnd > 35, $"open at the end {openAtEnd}");
        Assert.True(tiedPeaks > 100, $"cycles with equal returns {tiedPeaks}");
        Assert.True(multiEvaluation > 600, $"episodes of several evaluations {multiEvaluation}");
        Assert.True(infeasible > 5000, $"infeasible evaluations {infeasible}");
        Assert.True(stale > 5000, $"stale evaluations {stale}");
        Assert.True(unsorted > 1000, $"unsorted bid sides {unsorted}");
    }
}
