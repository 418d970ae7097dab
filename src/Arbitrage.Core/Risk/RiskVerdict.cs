namespace Arbitrage.Core.Risk;

/// <summary>A request for a new order, as the risk guard sees it.</summary>
/// <param name="RiskUsd">The order's planned risk; null = <see cref="RiskParameters.RiskPerTradeUsd"/>.</param>
/// <param name="ReducesPosition">Closing / reduce-only orders are never blocked: flattening must always work.</param>
public sealed record OrderCheck(string Symbol, decimal? RiskUsd = null, bool ReducesPosition = false);

/// <summary>Allowed, or rejected by one rule with a reason an operator can act on.</summary>
public abstract record RiskVerdict
{
    private RiskVerdict() { }

    public static readonly RiskVerdict Allowed = new AllowedVerdict();

    public bool IsAllowed => this is AllowedVerdict;

    public sealed record AllowedVerdict : RiskVerdict;

    public sealed record Rejected(RiskRule Rule, string Reason) : RiskVerdict;
}
