namespace Arbitrage.Engine.Projections;

/// <summary>The read models the node keeps: every handler, grouped by tag when the projections start.</summary>
public static class ReadModels
{
    /// <summary>Signals, audit and closed trades.</summary>
    public static IReadOnlyList<IProjectionHandler> DefaultHandlers() =>
    [
        new SignalProjection(),
        new AuditRecordedProjection(),
        new AuditCompletedProjection(),
        new TradeClosedProjection(),
    ];
}
