using System.Diagnostics.Metrics;

namespace Arbitrage.Engine.Telemetry;

/// <summary>
/// The engine's own instruments (System.Diagnostics.Metrics; the node exports them on <c>/metrics</c>
/// through prometheus-net's meter adapter).
/// </summary>
public static class EngineMetrics
{
    public const string MeterName = "Arbitrage.Engine";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Milliseconds from <c>Persist</c>/<c>SaveSnapshot</c> to the journal's confirmation, by writer.</summary>
    public static readonly Histogram<double> JournalWriteMs =
        Meter.CreateHistogram<double>("arbitrage.journal.write.duration", "ms", "Journal/snapshot write latency as seen by the persisting actor");
}
