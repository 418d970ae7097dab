using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Engine.Triangles.Execution;

/// <summary>
/// Whether a candidate cycle is attempted now (pure: the core's planner and risk rules on the venue's books and risk
/// state): the saga's <see cref="TriangleSagaInput.Start"/> with the risk request to record, or the refusal's reason
/// code (<c>filters</c>, <c>stale</c>, <c>infeasible</c>, <c>below_floor</c>, <c>cooldown</c>, <c>balance</c>, <c>risk:&lt;rule&gt;</c>).
/// </summary>
internal static class TriangleAttemptDecision
{
    private static readonly string[] UsdQuotes = ["USD", "USDT", "USDC", "BUSD", "FDUSD"];

    public readonly record struct Result(TriangleSagaInput.Start? Start, TriangleRiskRequest? Request, string Reason, string Detail);

    public static Result Decide(
        TriangleCandidate c, ITriangleBooks books, TriangleRiskLimits limits, TriangleRiskState risk, string venue, decimal? availableStart, long sequence,
        Func<string, PairFilters?>? filters = null)
    {
        var config = c.Config;
        var notional = config.StartAssets.First(s => s.Asset == c.Cycle.StartAsset).Notional;
        var spec = CycleSpec.Of(c.Universe, c.Cycle, filters);
        var plan = CyclePlanner.Plan(spec, books, notional, c.TakerFee, config.Exec, config.ExecuteMinNetReturn, c.TimeMs, config.StalenessMs);
        if (plan.Value is not { } p) return new(null, null, plan.ReasonCode, plan.Detail);

        var usd = UsdPrice(c.Cycle.StartAsset, books);
        var request = new TriangleRiskRequest(venue, c.Cycle.Id, c.Cycle.StartAsset, p.StartAmount, p.StartAmount * usd, availableStart, c.TimeMs);
        var verdict = TriangleRiskRules.Approve(limits with { CooldownMs = config.Exec.CooldownMs }, risk, request);
        if (!verdict.Approved) return new(null, null, verdict.Reason, verdict.Detail);

        // Deterministic in a replay: the same tape gives the same ids (the sequence is the venue journal's attempt count).
        var id = string.Join('-', venue, config.Id, c.Cycle.Id.Replace('>', '_'), c.TimeMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var start = new TriangleSagaInput.Start(id, venue, spec, p, c.TakerFee, TriangleAttemptPolicy.From(config.Exec), usd, c.TimeMs);
        return new(start, request, string.Empty, string.Empty);
    }

    /// <summary>USD per unit of <paramref name="asset"/>: 1 for USD and its stablecoins, else the mid of its USD book on the venue, else 0 (not valued).</summary>
    public static decimal UsdPrice(string asset, ITriangleBooks books)
    {
        if (UsdQuotes.Contains(asset, StringComparer.Ordinal)) return 1m;
        foreach (var quote in UsdQuotes)
        {
            if (books.Book(asset + "/" + quote) is { Synchronised: true, Bids.Length: > 0, Asks.Length: > 0 } b)
            {
                return CyclePlanner.ToDecimalDown((b.Bids[0].Price + b.Asks[0].Price) / 2);
            }
        }

        return 0m;
    }
}
