using Prometheus;

namespace Arbitrage.Node.Alerts;

/// <summary>Delivery metrics per channel (<c>arb_alerts_*{channel}</c>) on the node's /metrics.</summary>
public static class AlertMetrics
{
    public static readonly Counter Sent = Metrics.CreateCounter("arb_alerts_sent_total", "Alerts delivered, per channel (a flood summary counts once).", ["channel"]);

    public static readonly Counter Failed = Metrics.CreateCounter("arb_alerts_failed_total", "Send attempts that failed (5xx, timeout, 429, refused), per channel.", ["channel"]);

    public static readonly Counter Retried = Metrics.CreateCounter("arb_alerts_retried_total", "Sends retried after a failure or a 429, per channel.", ["channel"]);

    public static readonly Counter Dropped = Metrics.CreateCounter("arb_alerts_dropped_total", "Alerts refused for good by the channel (a 4xx other than 429), per channel.", ["channel"]);

    public static readonly Counter Coalesced = Metrics.CreateCounter("arb_alerts_coalesced_total", "Alerts folded into a flood summary, per channel.", ["channel"]);

    public static readonly Gauge QueueDepth = Metrics.CreateGauge("arb_alerts_queue_depth", "Alerts waiting to be sent, per channel.", ["channel"]);
}
