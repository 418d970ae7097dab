using System.Net;
using System.Text;
using Akka.Actor;
using Arbitrage.Core.Indicators;
using Arbitrage.Engine.Symbols;
using Arbitrage.Node.Api.Metrics;
using Prometheus;

namespace Arbitrage.Node.Tests.Live;

[Collection(BridgeHostCollection.Name)]
public sealed class MetricsTests(BridgeHost host)
{
    [Fact]
    public async Task Metrics_endpoint_is_served_with_http_metrics()
    {
        using (await host.SendAsync(HttpMethod.Get, "/api/stream")) { }
        using var r = await host.SendAsync(HttpMethod.Get, "/metrics");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var text = await r.Content.ReadAsStringAsync();
        Assert.Contains("http_request_duration_seconds", text);
    }

    [Fact]
    public async Task Ingest_actor_counts_trade_deltas_and_reports_rate_and_lag()
    {
        var registry = Metrics.NewCustomRegistry();
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_010_000));
        var probe = host.System.ActorOf(Props.Empty);
        var actor = host.System.ActorOf(IngestMetricsActor.Props(probe, Metrics.WithCustomRegistry(registry), TimeSpan.FromMilliseconds(100), clock));
        try
        {
            actor.Tell(new IndicatorSnapshot("BTCUSDT", Values(1_700_000_000_000, 100)));
            actor.Tell(new IndicatorSnapshot("BTCUSDT", Values(1_700_000_008_000, 160)));
            await BridgeHost.EventuallyAsync(async () =>
            {
                var text = await ScrapeAsync(registry);
                return text.Contains("arb_ingest_trades_total{symbol=\"BTCUSDT\"} 60") && text.Contains("arb_ingest_lag_seconds{symbol=\"BTCUSDT\"} 2");
            }, "trades counter 60 and lag 2 s");

            // Restarted symbol actor: counts re-base instead of going backwards.
            actor.Tell(new IndicatorSnapshot("BTCUSDT", Values(1_700_000_009_000, 10)));
            actor.Tell(new IndicatorSnapshot("BTCUSDT", Values(1_700_000_009_500, 15)));
            await BridgeHost.EventuallyAsync(async () => (await ScrapeAsync(registry)).Contains("arb_ingest_trades_total{symbol=\"BTCUSDT\"} 65"), "counter 65");
            await BridgeHost.EventuallyAsync(async () => (await ScrapeAsync(registry)).Contains("arb_ingest_trades_per_second{symbol=\"BTCUSDT\"}"), "sampled rate");
        }
        finally
        {
            host.System.Stop(actor);
            host.System.Stop(probe);
        }
    }

    [Fact]
    public async Task Ingest_lag_is_measured_on_the_exchange_clock_not_the_wall_clock()
    {
        // A simulator plays a tape of 2026-05-08 at ×50 while the wall clock says December: the lag must compare
        // tape time with tape time (the exchange's clock), not report the months between the tape and today.
        var registry = Metrics.NewCustomRegistry();
        var wall = new ManualClock(DateTimeOffset.Parse("2026-12-05T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var tapeNow = DateTimeOffset.FromUnixTimeMilliseconds(1_778_198_430_000 + 3_500);
        var probe = host.System.ActorOf(Props.Empty);
        var actor = host.System.ActorOf(IngestMetricsActor.Props(probe, Metrics.WithCustomRegistry(registry), TimeSpan.FromMilliseconds(100), wall, new ManualClock(tapeNow)));
        try
        {
            actor.Tell(new IndicatorSnapshot("BTCUSD_PERP", Values(1_778_198_415_000, 142)));
            actor.Tell(new IndicatorSnapshot("BTCUSD_PERP", Values(1_778_198_430_000, 246)));
            await BridgeHost.EventuallyAsync(async () =>
            {
                var text = await ScrapeAsync(registry);
                return text.Contains("arb_ingest_trades_total{symbol=\"BTCUSD_PERP\"} 104") && text.Contains("arb_ingest_trades_per_second{symbol=\"BTCUSD_PERP\"}");
            }, "the snapshots and a sample");

            // Still 3.5 s after the sampling timer ran (it used to reset the lag to wall clock minus tick).
            Assert.Contains("arb_ingest_lag_seconds{symbol=\"BTCUSD_PERP\"} 3.5", await ScrapeAsync(registry));
        }
        finally
        {
            host.System.Stop(actor);
            host.System.Stop(probe);
        }
    }

    private static IndicatorValues Values(long timeMs, long trades) =>
        new(timeMs, trades, 0, 0, 0, null, null, null, null, null, null, 0, 0, 0, 100);

    private static async Task<string> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
