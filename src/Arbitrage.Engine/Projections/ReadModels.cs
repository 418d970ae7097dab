using Arbitrage.Core.Risk;

namespace Arbitrage.Engine.Projections;

/// <summary>The read models the node keeps: every handler, grouped by tag when the projections start.</summary>
public static class ReadModels
{
    /// <summary>Signals, audit, closed trades and the risk history.</summary>
    public static IReadOnlyList<IProjectionHandler> DefaultHandlers() =>
    [
        new SignalProjection(),
        new AuditRecordedProjection(),
        new AuditCompletedProjection(),
        new TradeClosedProjection(),
        new RiskHistoryProjection<TradeResultRecorded>(),
        new RiskHistoryProjection<CircuitBroken>(),
        new RiskHistoryProjection<Resumed>(),
        new RiskHistoryProjection<KillSwitchEngaged>(),
        new RiskHistoryProjection<KillSwitchReleased>(),
        new RiskHistoryProjection<HoldTimeoutAlerted>(),
        new RiskHistoryProjection<ForceCloseOrdered>(),
        new RiskHistoryProjection<SignalBlocked>(),
        new RiskHistoryProjection<RiskParametersSet>(),
        new RiskHistoryProjection<PositionCloseOrdered>(),
        new RiskHistoryProjection<TradingEnabledSet>(),
        new RiskHistoryProjection<ExecutionAlertRaised>(),
        new TriangleEpisodeOpenedProjection(),
        new TriangleEpisodeClosedProjection(),
        new TriangleAttemptStartedProjection(),
        new TriangleAttemptEndedProjection(),
    ];
}
