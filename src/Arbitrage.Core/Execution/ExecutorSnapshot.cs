using Arbitrage.Core.Serialization;
using Arbitrage.Core.Sizing;

namespace Arbitrage.Core.Execution;

/// <summary>
/// <see cref="ExecutorState"/> in the snapshot store: the trades still open (or finishing) with their orders, the signal ids it
/// remembers, its clock and count of closed trades. Rows sorted by id, so equal states store equal bytes.
/// </summary>
[Manifest("executor-snapshot.v1")]
public sealed record ExecutorSnapshot(
    IReadOnlyList<ExecutorSnapshot.Trade> Trades,
    IReadOnlyList<ExecutorSnapshot.Order> Orders,
    IReadOnlyList<ExecutorSnapshot.Seen> SeenSignals,
    long LastEventMs,
    int TradesClosed) : IPersistedSnapshot
{
    /// <summary>A <see cref="TradeRecord"/>.</summary>
    public sealed record Trade(
        TradePlanned Plan,
        IReadOnlyList<string> OrderIds,
        decimal EntryQuantity,
        decimal EntryNotional,
        decimal EntryFeesUsd,
        long? EntryTimeMs,
        IReadOnlyList<Fill> Exits,
        long LastExitTimeMs,
        OrderLeg? LastExitLeg,
        FlattenRequested? Flatten,
        bool Finished);

    /// <summary>An <see cref="OrderRecord"/>.</summary>
    public sealed record Order(
        OrderIntent Intent,
        bool Accepted,
        decimal FilledQuantity,
        decimal FilledNotional,
        decimal FeesUsd,
        GatewayOrderStatus? EndStatus);

    /// <summary>A remembered signal id and the event time it was handled at.</summary>
    public sealed record Seen(string SignalId, long TimeMs);
}
