using Akka.Actor;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Strategies;

/// <summary>
/// The non-trade inputs of a symbol (long/short ratio, OI, premium, funding, liquidations) after an input event at event
/// time <paramref name="TimeMs"/>: a strategy scores a tick at time T with the latest update at or before T, so a replay of
/// the same tape scores as live did. 0 = no event time (a polled sample): from the next tick on.
/// </summary>
[Manifest("market-inputs-updated.v1")]
public sealed record MarketInputsUpdated(string Symbol, MarketInputs Inputs, long TimeMs = 0) : IWireMessage;

/// <summary>Swap the definition of a running strategy (hot reload, enable/disable).</summary>
public sealed record ReplaceDefinition(StrategyDefinition Definition) : INoSerializationVerificationNeeded;

/// <summary>A strategy is subscribed and recovered: it will see every snapshot published from now on.</summary>
public sealed record StrategyReady(string StrategyId) : INoSerializationVerificationNeeded;

/// <summary>Published after a strategy handled (and persisted everything for) the last tick of a finite feed.</summary>
[Manifest("strategy-stream-ended.v1")]
public sealed record StrategyStreamEnded(string StrategyId, string Symbol) : IWireMessage;

/// <summary>A strategy file was (re)loaded or rejected; published on the strategy-events topic.</summary>
[Manifest("strategy-file-loaded.v1")]
public sealed record StrategyFileLoaded(string File, string StrategyId, string Version, bool Enabled) : IWireMessage;

[Manifest("strategy-file-rejected.v1")]
public sealed record StrategyFileRejected(string File, IReadOnlyList<string> Errors) : IWireMessage;

/// <summary>A running strategy's file was deleted (or renamed away): the strategy stopped and is no longer listed.</summary>
[Manifest("strategy-file-removed.v1")]
public sealed record StrategyFileRemoved(string File, string StrategyId, string Version) : IWireMessage;

/// <summary>Stop once the journal writes already started are done (its file was removed).</summary>
public sealed record StopStrategy : INoSerializationVerificationNeeded
{
    public static StopStrategy Instance { get; } = new();
}

/// <summary>Ask the supervisor: answered with <see cref="StrategiesReady"/> once every strategy is ready.</summary>
[Manifest("await-strategies-ready.v1")]
public sealed record AwaitStrategiesReady : IWireMessage;

[Manifest("strategies-ready.v1")]
public sealed record StrategiesReady(IReadOnlyList<string> StrategyIds) : IWireMessage;

/// <summary>Ask the supervisor for the running strategies.</summary>
[Manifest("list-strategies.v1")]
public sealed record ListStrategies : IWireMessage;

/// <param name="Running">False while the strategy is down (its journal failed) and its supervisor restarts it with backoff.</param>
/// <param name="Problem">Why it is down; null while running.</param>
public sealed record StrategyInfo(
    string Id, string Version, string File, bool Enabled, double Threshold, IReadOnlyList<string> Symbols, bool Running = true, string? Problem = null);

[Manifest("strategy-list.v1")]
public sealed record StrategyList(IReadOnlyList<StrategyInfo> Strategies) : IWireMessage;

/// <summary>
/// Ask a <see cref="StrategyActor"/>: answered with its <see cref="StrategyScoreReport"/> (best score, inputs missing,
/// signals) since it started or its definition last changed.
/// </summary>
public sealed record GetStrategyScore : INoSerializationVerificationNeeded
{
    public static readonly GetStrategyScore Instance = new();
}

/// <summary>Ask the supervisor: answered with <see cref="StrategyScores"/>, one report per running strategy, by id.</summary>
[Manifest("get-strategy-scores.v1")]
public sealed record GetStrategyScores : IWireMessage
{
    public static readonly GetStrategyScores Instance = new();
}

[Manifest("strategy-scores.v1")]
public sealed record StrategyScores(IReadOnlyList<StrategyScoreReport> Strategies) : IWireMessage;

/// <summary>
/// A strategy has recovered its journal and waits for <see cref="ResumeStrategy"/> from its owner before it subscribes:
/// a restart after a journal failure must not emit before the signals that failed to be written are.
/// </summary>
public sealed record StrategyRecovered(string StrategyId) : INoSerializationVerificationNeeded;

/// <summary>
/// The owner's answer to <see cref="StrategyRecovered"/>: the definition in force (a hot reload or an operator switch made
/// while the strategy was down survives its restart), the latest market inputs per symbol, and the signals whose journal
/// write failed, oldest first. Those are written now, unless the journal already has them, then published and sent to
/// the risk guard; then the strategy takes the snapshots its supervisor kept while it was down.
/// </summary>
public sealed record ResumeStrategy(StrategyDefinition Definition, IReadOnlyList<SignalEmitted> Unwritten, IReadOnlyList<MarketInputsUpdated> Inputs)
    : INoSerializationVerificationNeeded;

/// <summary>A strategy stops: its journal failed (write or recovery). <paramref name="Unwritten"/> is the signal whose write failed, if any.</summary>
public sealed record StrategyDown(string StrategyId, string Reason, SignalEmitted? Unwritten) : INoSerializationVerificationNeeded;

/// <summary>Re-read one file (sent by the directory watcher, or by tests); a file that is gone is a removal.</summary>
public sealed record ReloadStrategyFile(string Path) : INoSerializationVerificationNeeded;

/// <summary>A running strategy's file was found missing a grace period ago: stop the strategy if it still is.</summary>
public sealed record ConfirmStrategyFileRemoved(string Path) : INoSerializationVerificationNeeded;
