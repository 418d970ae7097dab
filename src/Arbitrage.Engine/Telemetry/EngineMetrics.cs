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

    /// <summary>Ranges of agg ids the exchange would not serve (reported and skipped), by symbol.</summary>
    public static readonly Counter<long> TradeGaps =
        Meter.CreateCounter<long>("arbitrage.feed.trade_gaps", "{gap}", "Agg-id ranges the exchange would not serve (missing for good)");

    /// <summary>Agg ids in those ranges, by symbol.</summary>
    public static readonly Counter<long> MissingTrades =
        Meter.CreateCounter<long>("arbitrage.feed.missing_trades", "{trade}", "Agg ids missing for good (in the reported gaps)");

    /// <summary>Book events applied by the triangle detectors, by venue.</summary>
    public static readonly Counter<long> TriangleBookUpdates =
        Meter.CreateCounter<long>("arbitrage.triangles.book_updates", "{update}", "Book events applied by the triangle detectors");

    /// <summary>Cycle evaluations (evaluated or infeasible) by the triangle detectors, by venue.</summary>
    public static readonly Counter<long> TriangleEvaluations =
        Meter.CreateCounter<long>("arbitrage.triangles.evaluations", "{evaluation}", "Cycle evaluations by the triangle detectors");

    /// <summary>Microseconds inside the detector actor from taking a book to the detectors' decision, by venue.</summary>
    public static readonly Histogram<double> TriangleDecisionUs =
        Meter.CreateHistogram<double>("arbitrage.triangles.decision.duration", "us", "Book update to detection decision inside the triangle actor");

    /// <summary>Open opportunity episodes, by venue (the actor adds its changes).</summary>
    public static readonly UpDownCounter<long> TriangleOpenEpisodes =
        Meter.CreateUpDownCounter<long>("arbitrage.triangles.open_episodes", "{episode}", "Open triangle opportunity episodes");

    /// <summary>Pairs of the configured cycles whose book is not synchronised, by venue.</summary>
    public static readonly UpDownCounter<long> TriangleUnsynchronisedBooks =
        Meter.CreateUpDownCounter<long>("arbitrage.triangles.unsynchronised_books", "{book}", "Triangle pairs whose book is not synchronised");

    /// <summary>Triangle cycle attempts ended, by venue and outcome (completed, unwound, failed).</summary>
    public static readonly Counter<long> TriangleAttempts =
        Meter.CreateCounter<long>("arbitrage.triangles.attempts", "{attempt}", "Triangle cycle attempts ended, by outcome");

    /// <summary>Candidate cycles not attempted, by venue and reason (filters, stale, cooldown, balance, risk:…).</summary>
    public static readonly Counter<long> TriangleMissed =
        Meter.CreateCounter<long>("arbitrage.triangles.missed", "{candidate}", "Triangle candidates refused by the planner or the risk rules");

    /// <summary>Triangle orders (legs and unwinds) handed to the gateway, by venue.</summary>
    public static readonly Counter<long> TriangleLegsSent =
        Meter.CreateCounter<long>("arbitrage.triangles.legs_sent", "{order}", "Triangle orders sent to the venue gateway");

    /// <summary>PnL in USD of each ended attempt, by venue and outcome.</summary>
    public static readonly Histogram<double> TrianglePnlUsd =
        Meter.CreateHistogram<double>("arbitrage.triangles.pnl", "USD", "PnL of triangle attempts in USD");

    /// <summary>Mean adverse slippage of an attempt's filled legs against its plan, bps.</summary>
    public static readonly Histogram<double> TriangleSlippageBps =
        Meter.CreateHistogram<double>("arbitrage.triangles.slippage", "bps", "Slippage of triangle legs against the plan");

    /// <summary>Event-time ms from a leg's intent to its answer.</summary>
    public static readonly Histogram<double> TriangleLegLatencyMs =
        Meter.CreateHistogram<double>("arbitrage.triangles.leg_latency", "ms", "Triangle leg latency, intent to answer (event time)");
}
