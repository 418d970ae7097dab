using Arbitrage.Core.Execution;

namespace Arbitrage.Core.Strategies;

/// <summary>Trade direction of a signal. <see cref="None"/> = CVD windows disagree: nothing to trade.</summary>
public enum SignalDirection
{
    None = 0,
    Long = 1,
    Short = 2,
}

/// <summary>Between the scorer's verdict and the direction of what is traded.</summary>
public static class SignalDirections
{
    /// <summary>The direction to trade; <see cref="SignalDirection.None"/> has none (a bug to ask).</summary>
    public static Direction ToDirection(this SignalDirection direction) => direction switch
    {
        SignalDirection.Long => Direction.Long,
        SignalDirection.Short => Direction.Short,
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "no direction to trade"),
    };

    public static SignalDirection ToSignalDirection(this Direction direction) =>
        direction == Direction.Long ? SignalDirection.Long : SignalDirection.Short;
}
