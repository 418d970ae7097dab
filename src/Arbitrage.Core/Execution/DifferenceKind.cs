using System.Text.Json.Serialization;
using Arbitrage.Core.Serialization;

namespace Arbitrage.Core.Execution;

/// <summary>What reconciliation found (<see cref="ReconciliationDifference"/>); the JSON names are the codes.</summary>
public enum DifferenceKind
{
    /// <summary>The exchange did something with one of our unfinished orders while we did not look: adopted.</summary>
    [JsonStringEnumMemberName("order_adopted")]
    OrderAdopted,

    /// <summary>An entry (or an order of a finished trade) the exchange never received: abandoned.</summary>
    [JsonStringEnumMemberName("intent_not_sent")]
    IntentNotSent,

    /// <summary>A protective order the exchange never received: sent again under the same client id.</summary>
    [JsonStringEnumMemberName("intent_resent")]
    IntentResent,

    /// <summary>An open order at the exchange that no open trade owns: canceled.</summary>
    [JsonStringEnumMemberName("orphan_order")]
    OrphanOrder,

    /// <summary>The position the journal expects is not the one the exchange holds: left for an operator.</summary>
    [JsonStringEnumMemberName("position_mismatch")]
    PositionMismatch,

    /// <summary>A fill arrived after its trade closed: recorded.</summary>
    [JsonStringEnumMemberName("fill_after_close")]
    FillAfterClose,
}

public static class DifferenceKinds
{
    /// <summary>The short code, e.g. <c>position_mismatch</c> (the JSON name).</summary>
    public static string Code(this DifferenceKind kind) => EnumCodes.Of(kind);
}
