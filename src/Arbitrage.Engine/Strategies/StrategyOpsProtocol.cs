using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Strategies;

/// <summary>
/// Ask <see cref="StrategiesActor"/>: switch a running strategy on or off (operator command). Answered with
/// <see cref="StrategyEnabledSet"/>, or <see cref="StrategyNotFound"/> for an unknown id. The switch lasts
/// until the strategy file is next reloaded (the file stays the source of truth).
/// </summary>
[Manifest("set-strategy-enabled.v1")]
public sealed record SetStrategyEnabled(string StrategyId, bool Enabled) : IWireMessage;

/// <param name="Changed">False when the strategy already was in the requested state.</param>
[Manifest("strategy-enabled-set.v1")]
public sealed record StrategyEnabledSet(string StrategyId, bool Enabled, bool Changed) : IWireMessage;

[Manifest("strategy-not-found.v1")]
public sealed record StrategyNotFound(string StrategyId) : IWireMessage;
