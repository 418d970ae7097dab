namespace Arbitrage.Core.Risk;

/// <summary>An open position as the hold-timeout rule needs it: symbol and event time of the entry fill.</summary>
public sealed record HeldPosition(string Symbol, long OpenedAtMs);
