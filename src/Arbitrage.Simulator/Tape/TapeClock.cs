namespace Arbitrage.Simulator.Tape;

/// <summary>
/// The simulated exchange's clock: "now" is the event time of the last frame played (<see cref="SimulatorState.TapeNowMs"/>),
/// so at ×50 it runs fifty times faster than the wall clock and stops when the tape ends. What a client compares its
/// data's event times with (ingest lag); timers and timestamps stay the system's.
/// </summary>
public sealed class TapeClock(SimulatorState state) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(state.TapeNowMs);
}
