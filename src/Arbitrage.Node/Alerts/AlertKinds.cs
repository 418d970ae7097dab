namespace Arbitrage.Node.Alerts;

/// <summary>The event kinds a channel's <c>Events</c> may list (<c>*</c> = all of them except <see cref="Signal"/>).</summary>
public static class AlertKinds
{
    public const string CircuitBroken = "circuit_broken";
    public const string RiskResumed = "risk_resumed";
    public const string KillSwitch = "kill_switch";
    public const string KillSwitchReleased = "kill_switch_released";
    public const string HoldTimeout = "hold_timeout";
    public const string ForceClose = "force_close";
    public const string OrderFilled = "order_filled";
    public const string TradeClosed = "trade_closed";
    public const string TradeAborted = "trade_aborted";
    public const string ExecutionAlert = "execution_alert";
    public const string PositionWrittenOff = "position_written_off";
    public const string Reconciliation = "reconciliation";
    public const string AccountNotReady = "account_not_ready";
    public const string TriangleAttempt = "triangle_attempt";
    public const string Cluster = "cluster";
    public const string Feed = "feed";
    public const string ExchangeConnection = "exchange_connection";

    /// <summary>Every signal a strategy emits: only for channels that list it by name (a phone, not the ops room).</summary>
    public const string Signal = "signal";

    /// <summary>A flood summary ("12 more signals in the last minute"): routed as the kind it stands for.</summary>
    public const string Coalesced = "coalesced";

    public static readonly IReadOnlyList<string> All =
    [
        CircuitBroken, RiskResumed, KillSwitch, KillSwitchReleased, HoldTimeout, ForceClose, OrderFilled, TradeClosed,
        TradeAborted, ExecutionAlert, PositionWrittenOff, Reconciliation, AccountNotReady, TriangleAttempt, Cluster, Feed,
        ExchangeConnection, Signal,
    ];
}
