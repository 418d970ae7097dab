using Arbitrage.Core.Sizing;

namespace Arbitrage.Core.Execution;

/// <summary>What the executor's decisions (<see cref="ExecutorLogic"/>) take from its settings.</summary>
/// <param name="Filters">Exchange filters per symbol; a signal on a symbol without filters is rejected.</param>
/// <param name="MaxConcurrentPositions">Open trades at most (one per symbol in any case).</param>
/// <param name="TakerFeeRate">Fee rate assumed when the exchange does not report a fill's fee.</param>
public sealed record ExecutionRules(
    IReadOnlyDictionary<string, SymbolFilters> Filters,
    int MaxConcurrentPositions = 3,
    decimal TakerFeeRate = 0.0004m);
