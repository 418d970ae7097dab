namespace Arbitrage.Core.Strategies;

/// <summary>Trade direction of a signal. <see cref="None"/> = CVD windows disagree: nothing to trade.</summary>
public enum SignalDirection
{
    None = 0,
    Long = 1,
    Short = 2,
}
