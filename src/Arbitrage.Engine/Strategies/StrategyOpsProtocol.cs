namespace Arbitrage.Engine.Strategies;

/// <summary>
/// Ask <see cref="StrategiesActor"/>: switch a running strategy on or off (operator command). Answered with
/// <see cref="StrategyEnabledSet"/>, or <see cref="StrategyNotFound"/> for an unknown id. The switch lasts
/// until the strategy file is next reloaded (the file stays the source of truth).
/// </summary>
public sealed record SetStrategyEnabled(string StrategyId, bool Enabled);

/// <param name="Changed">False when the strategy already was in the requested state.</param>
public sealed record StrategyEnabledSet(string StrategyId, bool Enabled, bool Changed);

public sealed record StrategyNotFound(string StrategyId);
