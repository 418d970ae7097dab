using System.Diagnostics.Metrics;
using Arbitrage.Engine.Telemetry;
using Prometheus;

namespace Arbitrage.Node.Api.Metrics;

/// <summary>
/// Exports the engine's System.Diagnostics.Metrics instruments as Prometheus metrics:
/// <c>arb_journal_write_ms{writer}</c> (histogram) from <see cref="EngineMetrics.JournalWriteMs"/>.
/// </summary>
public sealed class EngineMeterBridge : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Histogram _journalWrite;

    public EngineMeterBridge(IMetricFactory metrics)
    {
        _journalWrite = metrics.CreateHistogram(
            "arb_journal_write_ms",
            "Journal/snapshot write latency as seen by the persisting actor (ms)",
            ["writer"],
            new HistogramConfiguration { Buckets = [0.5, 1, 2, 5, 10, 20, 50, 100, 250, 1000] });
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EngineMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument == EngineMetrics.JournalWriteMs)
            {
                var writer = "unknown";
                foreach (var tag in tags)
                {
                    if (tag.Key == "writer" && tag.Value is string w)
                    {
                        writer = w;
                    }
                }

                _journalWrite.WithLabels(writer).Observe(value);
            }
        });
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();
}
