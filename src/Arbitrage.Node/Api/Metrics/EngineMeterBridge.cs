using System.Diagnostics.Metrics;
using Arbitrage.Engine.Telemetry;
using Prometheus;

namespace Arbitrage.Node.Api.Metrics;

/// <summary>
/// Exports the engine's System.Diagnostics.Metrics instruments as Prometheus metrics:
/// <c>arb_journal_write_ms{writer}</c> (histogram) from <see cref="EngineMetrics.JournalWriteMs"/>;
/// <c>arb_feed_trade_gaps_total{symbol}</c> and <c>arb_feed_missing_trades_total{symbol}</c> (agg ids the exchange
/// would not serve) from <see cref="EngineMetrics.TradeGaps"/> and <see cref="EngineMetrics.MissingTrades"/>.
/// </summary>
public sealed class EngineMeterBridge : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Histogram _journalWrite;
    private readonly Counter _tradeGaps;
    private readonly Counter _missingTrades;

    public EngineMeterBridge(IMetricFactory metrics)
    {
        _journalWrite = metrics.CreateHistogram(
            "arb_journal_write_ms",
            "Journal/snapshot write latency as seen by the persisting actor (ms)",
            ["writer"],
            new HistogramConfiguration { Buckets = [0.5, 1, 2, 5, 10, 20, 50, 100, 250, 1000] });
        _tradeGaps = metrics.CreateCounter("arb_feed_trade_gaps_total", "Agg-id ranges the exchange would not serve (missing for good), per symbol.", ["symbol"]);
        _missingTrades = metrics.CreateCounter("arb_feed_missing_trades_total", "Agg ids missing for good (in the reported gaps), per symbol.", ["symbol"]);
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
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
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
}
