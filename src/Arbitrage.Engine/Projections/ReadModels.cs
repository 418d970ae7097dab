namespace Arbitrage.Engine.Projections;

/// <summary>The read models the node keeps: every handler, grouped by tag when the projections start.</summary>
public static class ReadModels
{
    /// <summary>Signals and audit; risk and trade handlers join here when those events exist.</summary>
    public static IReadOnlyList<IProjectionHandler> DefaultHandlers() =>
    [
        new SignalProjection(),
        new AuditRecordedProjection(),
        new AuditCompletedProjection(),
    ];
}
