using Arbitrage.Core.Execution;

namespace Arbitrage.Engine.Execution.Paper;

/// <summary>An event of the paper venue's own journal: what the simulated exchange did, never what the executor believes.</summary>
public interface IPaperVenueEvent : IPersistedEvent
{
    long TimeMs { get; }
}

/// <summary>The account was opened with <paramref name="BalanceUsd"/> (once, at the venue's first start; later settings do not change it).</summary>
[Manifest("paper-account-opened.v1")]
public sealed record PaperAccountOpened(decimal BalanceUsd, long TimeMs) : IPaperVenueEvent;

/// <summary>An order the venue took: working until it fills (a MARKET order fills at once when a price is known) or ends.</summary>
[Manifest("paper-order-accepted.v1")]
public sealed record PaperOrderAccepted(
    string ClientOrderId,
    string Symbol,
    Side Side,
    OrderType Type,
    decimal Quantity,
    decimal? StopPrice,
    bool ReduceOnly,
    long TimeMs) : IPaperVenueEvent;

/// <summary>
/// The order filled <paramref name="Quantity"/> (the whole order, or what a reduce-only order could reduce) at
/// <paramref name="Price"/>; position and balance follow from it (realised PnL against the average entry, minus the fee).
/// </summary>
[Manifest("paper-order-filled.v1")]
public sealed record PaperOrderFilled(string ClientOrderId, decimal Quantity, decimal Price, decimal FeeUsd, long TimeMs) : IPaperVenueEvent;

/// <summary>The order ended without a fill: canceled by its owner, or expired (a reduce-only order with nothing to reduce).</summary>
[Manifest("paper-order-ended.v1")]
public sealed record PaperOrderEnded(string ClientOrderId, GatewayOrderStatus Status, long TimeMs) : IPaperVenueEvent;

/// <summary>A position row of <see cref="PaperVenueSnapshot"/>.</summary>
public sealed record PaperPositionRow(string Symbol, decimal Quantity, decimal EntryPrice);

/// <summary>
/// The venue's state in the snapshot store: balance, positions, every order it still remembers, the working ones in
/// placement order and the finished ones oldest first. Prices are not kept: after a restart the venue waits for fresh ones.
/// </summary>
[Manifest("paper-venue-snapshot.v1")]
public sealed record PaperVenueSnapshot(
    bool Opened,
    decimal BalanceUsd,
    IReadOnlyList<PaperPositionRow> Positions,
    IReadOnlyList<GatewayOrder> Orders,
    IReadOnlyList<string> Working,
    IReadOnlyList<string> Finished) : IPersistedSnapshot;
