namespace Arbitrage.Core.Execution;

/// <summary>
/// Which way a signal or a trade goes: Long = bought first (profits when the price rises); Short = sold first.
/// In the journal <c>long</c>/<c>short</c> (snake_case names), on the HTTP/SSE JSON <c>Long</c>/<c>Short</c>; a signal's
/// <c>direction</c> field keeps its <c>Long</c>/<c>Short</c> in the journal too (<see cref="Strategies.SignalEmitted"/>).
/// </summary>
public enum Direction
{
    Long,
    Short,
}

/// <summary>The order sides of a direction.</summary>
public static class Directions
{
    /// <summary>The side that opens a position: buy for a long, sell for a short.</summary>
    public static Side OpeningSide(this Direction direction) => direction == Direction.Long ? Side.Buy : Side.Sell;

    /// <summary>The side that closes (reduces) a position.</summary>
    public static Side ClosingSide(this Direction direction) => direction == Direction.Long ? Side.Sell : Side.Buy;

    /// <summary>+1 for a long, −1 for a short: the sign of a position's quantity.</summary>
    public static decimal Sign(this Direction direction) => direction == Direction.Long ? 1m : -1m;
}
