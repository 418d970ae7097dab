namespace Arbitrage.Core.Risk;

/// <summary>An effect the risk guard must carry out through the executor.</summary>
public abstract record RiskAction
{
    private RiskAction() { }

    /// <summary>Close every open position and cancel every working order.</summary>
    public sealed record FlattenAll(RiskRule Rule, string Reason) : RiskAction;

    /// <summary>Close the position on one symbol.</summary>
    public sealed record ClosePosition(string Symbol, RiskRule Rule, string Reason) : RiskAction;
}
