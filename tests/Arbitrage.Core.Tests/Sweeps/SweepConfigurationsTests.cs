using Arbitrage.Core.Sweeps;

namespace Arbitrage.Core.Tests.Sweeps;

/// <summary>The configuration list: the grid's order and ids, and a seeded random draw that is the same on every run.</summary>
public sealed class SweepConfigurationsTests
{
    private static SweepSpec Spec(SweepSearch search) => new(
        "s.json", ["t.zip"],
        [new SweepParameter("a", ["1", "2", "3"]), new SweepParameter("b.c", ["10", "20"]), new SweepParameter("d", ["true", "false", "\"x\"", "0.5"])],
        search, SweepObjective.PnlR, SweepValidation.Split(0.5), SweepOverfitRule.Default, 1000m, 1);

    [Fact]
    public void The_grid_is_every_combination_first_parameter_slowest_with_padded_ids()
    {
        var configs = SweepConfigurations.Of(Spec(SweepSearch.Grid));
        Assert.Equal(24, configs.Count);
        Assert.Equal(new SweepConfiguration("c001", ["1", "10", "true"]), configs[0], ConfigComparer.Instance);
        Assert.Equal(["1", "10", "false"], configs[1].Values);
        Assert.Equal(["1", "20", "true"], configs[4].Values);
        Assert.Equal(["2", "10", "true"], configs[8].Values);
        Assert.Equal(new SweepConfiguration("c024", ["3", "20", "0.5"]), configs[23], ConfigComparer.Instance);
        Assert.Equal(24, configs.Select(c => string.Join('|', c.Values)).Distinct().Count());
    }

    [Fact]
    public void A_random_search_draws_the_same_distinct_configurations_for_a_seed_and_others_for_another()
    {
        var first = SweepConfigurations.Of(Spec(new SweepSearch(true, 10, 42)));
        var again = SweepConfigurations.Of(Spec(new SweepSearch(true, 10, 42)));
        var other = SweepConfigurations.Of(Spec(new SweepSearch(true, 10, 43)));
        Assert.Equal(10, first.Count);
        Assert.Equal(first, again, ConfigComparer.Instance);
        Assert.NotEqual(first.Select(c => string.Join('|', c.Values)), other.Select(c => string.Join('|', c.Values)));
        Assert.Equal(10, first.Select(c => string.Join('|', c.Values)).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"c{i:000}"), first.Select(c => c.Id));
        var grid = SweepConfigurations.Of(Spec(SweepSearch.Grid)).Select(c => string.Join('|', c.Values)).ToHashSet();
        Assert.All(first, c => Assert.Contains(string.Join('|', c.Values), grid));
    }

    [Fact]
    public void More_samples_than_the_grid_is_the_grid()
    {
        Assert.Equal(SweepConfigurations.Of(Spec(SweepSearch.Grid)), SweepConfigurations.Of(Spec(new SweepSearch(true, 500, 1))), ConfigComparer.Instance);
    }

    /// <summary>The generator is SplitMix64 as published (reference outputs for seed 1234567), so a seed means the same draw everywhere.</summary>
    [Fact]
    public void SplitMix64_gives_the_reference_sequence()
    {
        var rng = new SplitMix64(1234567);
        Assert.Equal(6457827717110365317UL, rng.Next());
        Assert.Equal(3203168211198807973UL, rng.Next());
        Assert.Equal(9817491932198370423UL, rng.Next());
    }

    private sealed class ConfigComparer : IEqualityComparer<SweepConfiguration>
    {
        public static ConfigComparer Instance { get; } = new();

        public bool Equals(SweepConfiguration? x, SweepConfiguration? y) => x!.Id == y!.Id && x.Values.SequenceEqual(y.Values);

        public int GetHashCode(SweepConfiguration obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
