namespace Arbitrage.Core.Indicators;

/// <summary>Receives the indicator values of every evaluation tick, in tick order.</summary>
/// <remarks>
/// An interface rather than an event or a returned list so the hot path allocates nothing: the caller
/// passes a sink (an actor adapter, a test collector, a replay writer) and values are handed over by reference.
/// </remarks>
public interface ITickSink
{
    /// <summary>Called once per evaluation tick, including ticks skipped by a silent market.</summary>
    void OnTick(in IndicatorValues values);
}
