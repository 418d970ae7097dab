using Arbitrage.Core.Execution;
using Arbitrage.Core.Sizing;

namespace Arbitrage.Core.Tests.Sizing;

public class StepRoundingTests
{
    [Theory]
    [InlineData("1.23456", "0.001", "1.234", "1.235", "1.235")]
    [InlineData("1.2345", "0.001", "1.234", "1.235", "1.235")] // midpoint: nearest goes away from zero
    [InlineData("60000.05", "0.1", "60000.0", "60000.1", "60000.1")]
    [InlineData("3.7", "0.5", "3.5", "4.0", "3.5")]
    [InlineData("7", "1", "7", "7", "7")]
    [InlineData("0.00049", "0.001", "0.000", "0.001", "0.000")]
    public void Rounds_to_step(string value, string step, string down, string up, string nearest)
    {
        decimal v = decimal.Parse(value), s = decimal.Parse(step);
        Assert.Equal(decimal.Parse(down), StepRounding.Down(v, s));
        Assert.Equal(decimal.Parse(up), StepRounding.Up(v, s));
        Assert.Equal(decimal.Parse(nearest), StepRounding.Nearest(v, s));
    }

    [Fact]
    public void Result_carries_only_the_step_decimals()
    {
        // "0.0010" has a trailing zero as Binance sends it; the order must say "1.234", not "1.2340000".
        Assert.Equal("1.234", StepRounding.Down(1.23456m, 0.0010m).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("60000.1", StepRounding.Up(60000.05m, 0.10m).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Stop_and_entry_round_away_from_each_other()
    {
        Assert.Equal(99.9m, StepRounding.StopAwayFromEntry(99.95m, Direction.Long, 0.1m));
        Assert.Equal(100.0m, StepRounding.StopAwayFromEntry(99.95m, Direction.Short, 0.1m));
        Assert.Equal(100.1m, StepRounding.EntryAwayFromStop(100.01m, Direction.Long, 0.1m));
        Assert.Equal(100.0m, StepRounding.EntryAwayFromStop(100.09m, Direction.Short, 0.1m));
    }

    [Fact]
    public void Non_positive_step_is_a_bug()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StepRounding.Down(1m, 0m));
    }
}
