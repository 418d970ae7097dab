using System.Diagnostics.Metrics;
using Arbitrage.Engine.Telemetry;
using Prometheus;

namespace Arbitrage.Node.Api.Metrics;

/// <summary>
/// Exports the engine's System.Diagnostics.Metrics instruments as Prometheus metrics:
/// <c>arb_journal_write_ms{writer}</c> (histogram) from <see cref="EngineMetrics.JournalWriteMs"/>;
/// <c>arb_feed_trade_gaps_total{symbol}</c> and <c>arb_feed_missing_trades_total{symbol}</c> (agg ids the exchange
/// would not serve) from <see cref="EngineMetrics.TradeGaps"/> and <see cref="EngineMetrics.MissingTrades"/>; the triangle
/// detectors' <c>arb_triangle_*{venue}</c> (book updates, evaluations, decision latency, open episodes, unsynchronised books).
/// </summary>
public sealed class EngineMeterBridge : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Histogram _journalWrite;
    private readonly Counter _tradeGaps;
    private readonly Counter _missingTrades;
    private readonly Counter _triangleUpdates;
    private readonly Counter _triangleEvaluations;
    private readonly Histogram _triangleDecision;
    private readonly Gauge _triangleOpen;
    private readonly Gauge _triangleUnsynced;

    public EngineMeterBridge(IMetricFactory metrics)
    {
        _journalWrite = metrics.CreateHistogram(
            "arb_journal_write_ms",
            "Journal/snapshot write latency as seen by the persisting actor (ms)",
            ["writer"],
            new HistogramConfiguration { Buckets = [0.5, 1, 2, 5, 10, 20, 50, 100, 250, 1000] });
        _tradeGaps = metrics.CreateCounter("arb_feed_trade_gaps_total", "Agg-id ranges the exchange would not serve (missing for good), per symbol.", ["symbol"]);
        _missingTrades = metrics.CreateCounter("arb_feed_missing_trades_total", "Agg ids missing for good (in the reported gaps), per symbol.", ["symbol"]);
        _triangleUpdates = metrics.CreateCounter("arb_triangle_book_updates_total", "Book events applied by the triangle detectors, per venue (rate() = updates/s).", ["venue"]);
        _triangleEvaluations = metrics.CreateCounter("arb_triangle_evaluations_total", "Cycle evaluations by the triangle detectors, per venue.", ["venue"]);
        _triangleDecision = metrics.CreateHistogram(
            "arb_triangle_decision_us",
            "Book update to detection decision inside the triangle actor (microseconds), per venue",
            ["venue"],
            new HistogramConfiguration { Buckets = [1, 2, 5, 10, 20, 50, 100, 250, 1000, 10_000] });
        _triangleOpen = metrics.CreateGauge("arb_triangle_open_episodes", "Open triangle opportunity episodes, per venue.", ["venue"]);
        _triangleUnsynced = metrics.CreateGauge("arb_triangle_unsynchronised_books", "Pairs of the configured triangles whose book is not synchronised, per venue.", ["venue"]);
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
            else if (instrument == EngineMetrics.TriangleDecisionUs)
            {
                _triangleDecision.WithLabels(Label(tags, "venue")).Observe(value);
            }
        });
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument == EngineMetrics.TriangleBookUpdates || instrument == EngineMetrics.TriangleEvaluations)
            {
                (instrument == EngineMetrics.TriangleBookUpdates ? _triangleUpdates : _triangleEvaluations).WithLabels(Label(tags, "venue")).Inc(value);
                return;
            }

            if (instrument == EngineMetrics.TriangleOpenEpisodes || instrument == EngineMetrics.TriangleUnsynchronisedBooks)
            {
                (instrument == EngineMetrics.TriangleOpenEpisodes ? _triangleOpen : _triangleUnsynced).WithLabels(Label(tags, "venue")).Inc(value);
                return;
            }

            var counter = instrument == EngineMetrics.TradeGaps ? _tradeGaps : instrument == EngineMetrics.MissingTrades ? _missingTrades : null;
            if (counter is null)
            {
                return;
            }

            var symbol = "unknown";
            foreach (var tag in tags)
            {
                if (tag.Key == "symbol" && tag.Value is string s)
                {
                    symbol = s;
                }
            }

            counter.WithLabels(symbol).Inc(value);
        });
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private static string Label(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key && tag.Value is string v)
            {
                return v;
            }
        }

        return "unknown";
    }
}
