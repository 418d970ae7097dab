using System.Text.Json.Serialization;

namespace Arbitrage.Core.Triangles.Execution;

/// <summary>How a cycle's legs go to the venue (<c>leg_order_type</c>).</summary>
public enum LegOrderType
{
    /// <summary><c>limit_ioc</c>: LIMIT, time in force IOC, priced at the worst level the plan walks moved by the slippage.</summary>
    [JsonStringEnumMemberName("limit_ioc")]
    LimitIoc,

    /// <summary><c>market</c>: MARKET (a buy by quote amount, a sell by base quantity).</summary>
    [JsonStringEnumMemberName("market")]
    Market,
}

/// <summary>What an attempt does with what it holds when a leg fills short, expires or is refused (<c>unwind</c>).</summary>
public enum UnwindPolicy
{
    /// <summary><c>market</c>: sell every non-start asset held back into the start asset at market.</summary>
    [JsonStringEnumMemberName("market")]
    Market,

    /// <summary><c>none</c>: leave it held; the attempt ends <c>failed</c>.</summary>
    [JsonStringEnumMemberName("none")]
    None,
}

/// <summary>
/// The execution keys of a triangle config (all optional). <c>execute_min_net_return</c> stays on
/// <see cref="TriangleConfig.ExecuteMinNetReturn"/>, where detection-era files already have it.
/// </summary>
/// <param name="MaxSlippageBps">The IOC limit price = the worst book level the plan walks, moved by this many bps against us.</param>
/// <param name="LegOrderType">LIMIT IOC (default) or MARKET legs.</param>
/// <param name="Unwind">The unwind policy.</param>
/// <param name="CooldownMs">No new attempt on a cycle for this long after one started on it.</param>
/// <param name="LegTimeoutMs">A leg without an answer after this long is queried by client order id (never resent blind).</param>
/// <param name="PaperBalances">Paper balances per asset; null = ten times each start asset's notional (<see cref="TriangleConfig.PaperBalancesOrDefault"/>).</param>
/// <param name="PaperLatencyMs">Event-time delay between a paper leg's sending and its answer.</param>
/// <param name="Execute">False (default): detection only, episodes stay <c>observed</c>.</param>
public sealed record TriangleExecutionSettings(
    decimal MaxSlippageBps = TriangleExecutionSettings.DefaultMaxSlippageBps,
    LegOrderType LegOrderType = LegOrderType.LimitIoc,
    UnwindPolicy Unwind = UnwindPolicy.Market,
    long CooldownMs = TriangleExecutionSettings.DefaultCooldownMs,
    long LegTimeoutMs = TriangleExecutionSettings.DefaultLegTimeoutMs,
    IReadOnlyDictionary<string, decimal>? PaperBalances = null,
    long PaperLatencyMs = 0,
    bool Execute = false)
{
    public const decimal DefaultMaxSlippageBps = 10m;
    public const decimal MaxMaxSlippageBps = 1000m;
    public const long DefaultCooldownMs = 1000;
    public const long DefaultLegTimeoutMs = 5000;

    /// <summary>Every key at its default: detection only.</summary>
    public static TriangleExecutionSettings Default { get; } = new();
}
