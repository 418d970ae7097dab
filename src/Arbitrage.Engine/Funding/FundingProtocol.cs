using Arbitrage.Binance.Protocol;
using Arbitrage.Core.Funding;
using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Funding;

/// <summary>Every message for a FundingActor names its symbol (the child name under <see cref="FundingActors"/>).</summary>
public interface IFundingMessage
{
    string Symbol { get; }
}

/// <summary>
/// One <c>markPriceUpdate</c> (markPrice@1s). Prices and the rate stay <c>decimal</c>: the exchange sends
/// exact decimal strings and settlements are money.
/// </summary>
/// <param name="PredictedRate">The funding rate predicted for the settlement at <paramref name="NextFundingTimeMs"/>.</param>
[Manifest("mark-price-update.v1")]
public sealed record MarkPriceUpdate(
    string Symbol,
    long EventTimeMs,
    decimal MarkPrice,
    decimal IndexPrice,
    decimal EstimatedSettlePrice,
    decimal PredictedRate,
    long NextFundingTimeMs) : IFundingMessage, IWireMessage
{
    public static MarkPriceUpdate From(in MarkPriceEvent e) =>
        new(e.Symbol, e.EventTimeMs, e.MarkPrice, e.IndexPrice, e.EstimatedSettlePrice, e.FundingRate, e.NextFundingTimeMs);

    /// <summary>(mark − index) / index; 0 when the index is not known.</summary>
    public decimal Basis => IndexPrice == 0m ? 0m : (MarkPrice - IndexPrice) / IndexPrice;

    /// <summary>The same observation as the Core value the funding and carry rules take (a method: this record's JSON is a wire shape).</summary>
    public MarkPriceQuote ToQuote() => new(Symbol, EventTimeMs, MarkPrice, IndexPrice, EstimatedSettlePrice, PredictedRate, NextFundingTimeMs);

    public static MarkPriceUpdate From(MarkPriceQuote q)
    {
        ArgumentNullException.ThrowIfNull(q);
        return new(q.Symbol, q.EventTimeMs, q.MarkPrice, q.IndexPrice, q.EstimatedSettlePrice, q.PredictedRate, q.NextFundingTimeMs);
    }

    /// <summary>The Core <see cref="FundingRoll"/> this update shows after <paramref name="previous"/>, or null when the next funding time did not move forward.</summary>
    public FundingRoll? RollAfter(MarkPriceUpdate previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return FundingRoll.Between(previous.NextFundingTimeMs, previous.PredictedRate, NextFundingTimeMs);
    }
}

/// <summary>Write every buffered snapshot row now (including the buckets still open); answered with <see cref="FundingSnapshotsFlushed"/>.</summary>
[Manifest("flush-funding-snapshots.v1")]
public sealed record FlushFundingSnapshots(string Symbol) : IFundingMessage, IWireMessage;

[Manifest("funding-snapshots-flushed.v1")]
public sealed record FundingSnapshotsFlushed(string Symbol, long RowsWritten) : IWireMessage;

/// <summary>The actor's current view; answered with <see cref="FundingStateReply"/>.</summary>
[Manifest("get-funding-state.v1")]
public sealed record GetFundingState(string Symbol) : IFundingMessage, IWireMessage;

/// <param name="Latest">Latest update (null before the first).</param>
/// <param name="ObservedIntervalHours">Spacing of the last two next-funding times seen (a roll), null before the first roll.</param>
/// <param name="Settlements">Settlements detected since the actor started.</param>
/// <param name="RowsWritten">Snapshot rows written (upserts, all tiers).</param>
[Manifest("funding-state-reply.v1")]
public sealed record FundingStateReply(
    string Symbol,
    MarkPriceUpdate? Latest,
    decimal? Basis,
    int? ObservedIntervalHours,
    IReadOnlyList<FundingSettlementDetected> Settlements,
    long Updates,
    long RowsWritten,
    string? LastWriteError) : IWireMessage;

/// <summary>
/// The next funding time rolled forward: a settlement happened at <paramref name="TimeMs"/> with (we assume)
/// the last predicted rate. <paramref name="Estimated"/> until the REST history confirms it. Published on
/// <see cref="FundingTopics.Settlements"/> and <see cref="FundingTopics.SettlementsOf"/>.
/// </summary>
[Manifest("funding-settlement-detected.v1")]
public sealed record FundingSettlementDetected(string Symbol, long TimeMs, decimal Rate, decimal MarkPrice, bool Estimated) : IWireMessage
{
    /// <summary>The settlement of <paramref name="roll"/>, seen after <paramref name="before"/> (its symbol and mark): an estimate.</summary>
    public static FundingSettlementDetected Of(MarkPriceUpdate before, FundingRoll roll)
    {
        ArgumentNullException.ThrowIfNull(before);
        return new(before.Symbol, roll.Settlement.TimeMs, roll.Settlement.Rate, before.MarkPrice, Estimated: true);
    }
}

/// <summary>DistributedPubSub topic names of the funding actors.</summary>
public static class FundingTopics
{
    public const string Settlements = "funding-settlements";

    public static string SettlementsOf(string symbol) => "funding-settlements." + symbol;
}
