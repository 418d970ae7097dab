using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Topics;
using Prometheus;

namespace Arbitrage.Node.Api.Metrics;

/// <summary>
/// Ingest rate and lag per symbol from the indicator snapshots: <c>arb_ingest_trades_total</c> (counter of
/// <c>Values.Trades</c> deltas: use <c>rate()</c>), <c>arb_ingest_trades_per_second</c> (over the last
/// sampling interval, wall clock) and <c>arb_ingest_lag_seconds</c> (the exchange's clock minus the last tick's
/// event time: event time against event time, so a simulator playing a months-old tape at ×50 reports seconds, not months).
/// </summary>
public sealed class IngestMetricsActor : ReceiveActor, IWithTimers
{
    private readonly Dictionary<string, SymbolIngest> _symbols = new(StringComparer.Ordinal);
    private readonly IActorRef _mediator;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly TimeProvider _exchangeClock;
    private readonly Counter _trades;
    private readonly Gauge _rate;
    private readonly Gauge _lag;
    private long _sampledAtMs;

    /// <param name="clock">Wall clock of the sampling (trades per second).</param>
    /// <param name="exchangeClock">The exchange's clock the lag is measured against (<see cref="Hosting.ExchangeConnection.Clock"/>).</param>
    public IngestMetricsActor(IActorRef mediator, IMetricFactory metrics, TimeSpan interval, TimeProvider clock, TimeProvider exchangeClock)
    {
        _mediator = mediator;
        _interval = interval;
        _clock = clock;
        _exchangeClock = exchangeClock;
        _trades = metrics.CreateCounter("arb_ingest_trades_total", "Trades ingested per symbol (from indicator snapshots).", ["symbol"]);
        _rate = metrics.CreateGauge("arb_ingest_trades_per_second", "Trades per second per symbol over the last sampling interval.", ["symbol"]);
        _lag = metrics.CreateGauge("arb_ingest_lag_seconds", "The exchange's clock (wall clock; the tape's clock in a simulation) minus the event time of the symbol's last tick.", ["symbol"]);

        Receive<IndicatorSnapshot>(OnSnapshot);
        Receive<IndicatorSnapshotBatch>(b =>
        {
            foreach (var s in b.Snapshots)
            {
                OnSnapshot(s);
            }
        });
        Receive<Sample>(_ => OnSample());
        Receive<SubscribeAck>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props over the DistributedPubSub mediator, the default registry and a 5 s sampling interval; the lag against <paramref name="exchangeClock"/> (default: <paramref name="clock"/>).</summary>
    public static Props Props(IActorRef mediator, IMetricFactory? metrics = null, TimeSpan? interval = null, TimeProvider? clock = null, TimeProvider? exchangeClock = null) =>
        Akka.Actor.Props.Create(() => new IngestMetricsActor(
            mediator, metrics ?? Prometheus.Metrics.DefaultFactory, interval ?? TimeSpan.FromSeconds(5), clock ?? TimeProvider.System, exchangeClock ?? clock ?? TimeProvider.System));

    protected override void PreStart()
    {
        _mediator.Tell(new Subscribe(EngineTopics.Indicators, Self));
        _sampledAtMs = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        Timers.StartPeriodicTimer("sample", Sample.Instance, _interval);
    }

    private void OnSnapshot(IndicatorSnapshot s)
    {
        if (!_symbols.TryGetValue(s.Symbol, out var ingest))
        {
            ingest = new SymbolIngest { LastTrades = s.Values.Trades, SampledTrades = s.Values.Trades };
            _symbols[s.Symbol] = ingest;
        }
        else if (s.Values.Trades > ingest.LastTrades)
        {
            _trades.WithLabels(s.Symbol).Inc(s.Values.Trades - ingest.LastTrades);
            ingest.LastTrades = s.Values.Trades;
        }
        else if (s.Values.Trades < ingest.LastTrades)
        {
            // The symbol actor restarted from an older snapshot: re-base, never count backwards.
            ingest.LastTrades = ingest.SampledTrades = s.Values.Trades;
        }

        ingest.LastTickMs = Math.Max(ingest.LastTickMs, s.Values.TimeMs);
        _lag.WithLabels(s.Symbol).Set(LagSeconds(ingest));
    }

    private void OnSample()
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var seconds = Math.Max(0.001, (now - _sampledAtMs) / 1000.0);
        _sampledAtMs = now;
        foreach (var (symbol, ingest) in _symbols)
        {
            _rate.WithLabels(symbol).Set((ingest.LastTrades - ingest.SampledTrades) / seconds);
            ingest.SampledTrades = ingest.LastTrades;
            if (ingest.LastTickMs > 0)
            {
                _lag.WithLabels(symbol).Set(LagSeconds(ingest));
            }
        }
    }

    private double LagSeconds(SymbolIngest ingest) =>
        Math.Max(0, _exchangeClock.GetUtcNow().ToUnixTimeMilliseconds() - ingest.LastTickMs) / 1000.0;

    private sealed class SymbolIngest
    {
        public long LastTrades;
        public long SampledTrades;
        public long LastTickMs;
    }

    private sealed class Sample : INoSerializationVerificationNeeded
    {
        public static readonly Sample Instance = new();
    }
}
