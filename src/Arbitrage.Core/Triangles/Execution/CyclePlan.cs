using System.Text.Json.Serialization;

namespace Arbitrage.Core.Triangles.Execution;

/// <summary>
/// One leg of a plan: the order to send and what it should give. Amounts are in the leg's <see cref="CycleLegSpec.From"/>
/// (in) and <see cref="CycleLegSpec.To"/> (out) assets; expectations are <c>double</c> (the detection's book maths),
/// what goes to the venue is <c>decimal</c>.
/// </summary>
/// <param name="Quantity">Base quantity of the order (rounded down to the step); for a MARKET buy, the base it should buy.</param>
/// <param name="QuoteQuantity">A MARKET buy's quote amount (<c>quoteOrderQty</c>); 0 otherwise.</param>
/// <param name="LimitPrice">The IOC limit price; null for MARKET.</param>
/// <param name="AmountIn">What the leg spends, expected.</param>
/// <param name="ExpectedOut">What the leg receives net of the taker fee, expected.</param>
/// <param name="AveragePrice">The expected average price of the walk (quote per base).</param>
/// <param name="WorstPrice">The worst level the walk reaches.</param>
public sealed record PlannedLeg(
    int Leg,
    string Symbol,
    TradeSide Side,
    LegOrderType Type,
    decimal Quantity,
    decimal QuoteQuantity,
    decimal? LimitPrice,
    double AmountIn,
    double ExpectedOut,
    double AveragePrice,
    double WorstPrice);

/// <summary>A cycle sized for execution: three legs in order, the expected end amount and return.</summary>
public sealed record CyclePlan(string CycleId, string StartAsset, decimal StartAmount, IReadOnlyList<PlannedLeg> Legs, double ExpectedEnd, double ExpectedReturn);

/// <summary>Why a cycle (or a leg) cannot be planned.</summary>
public enum PlanRefusal
{
    /// <summary><c>filters</c>: a quantity or notional breaks a filter, or the rounded cycle no longer clears the floor.</summary>
    [JsonStringEnumMemberName("filters")]
    Filters,

    /// <summary><c>stale</c>: a book is missing, unsynchronised or older than the staleness limit.</summary>
    [JsonStringEnumMemberName("stale")]
    Stale,

    /// <summary><c>infeasible</c>: a book runs out before the amount is converted.</summary>
    [JsonStringEnumMemberName("infeasible")]
    Infeasible,

    /// <summary><c>below_floor</c>: without any rounding the cycle does not clear <c>execute_min_net_return</c>.</summary>
    [JsonStringEnumMemberName("below_floor")]
    BelowFloor,
}

/// <summary>A plan, or why there is none (with words for the operator).</summary>
public readonly record struct PlanResult<T>(T? Value, PlanRefusal? Refusal, string Detail)
    where T : class
{
    public bool Ok => Value is not null;

    public static PlanResult<T> Of(T value) => new(value, null, string.Empty);

    public static PlanResult<T> Refused(PlanRefusal refusal, string detail) => new(null, refusal, detail);

    /// <summary>The refusal's code as episodes record it (<c>filters</c>, <c>stale</c>, …).</summary>
    public string ReasonCode => Refusal is { } r ? Serialization.EnumCodes.Of(r) : string.Empty;
}
