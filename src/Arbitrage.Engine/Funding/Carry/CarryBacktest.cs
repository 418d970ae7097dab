using Akka.Actor;
using Arbitrage.Core.Funding;
using Arbitrage.Core.Funding.Carry;

namespace Arbitrage.Engine.Funding.Carry;

/// <summary>
/// Runs the live <see cref="CarryActor"/>s over recorded <see cref="MarkPriceUpdate"/>s (one code path with paper
/// and live): settlements are detected from the stream with the rule <see cref="FundingActor"/> uses (Core
/// <see cref="FundingRoll"/>: the next funding time rolls forward → a settlement at the old time with the last predicted
/// rate, at the last mark) and sent before the update that revealed them. Journals under its own persistence ids (<c>carry-backtest-{runId}-SYMBOL</c>).
/// </summary>
public static class CarryBacktest
{
    /// <returns>Closed carries, then carries still open at the end (marked at the last update, exit reason <c>open</c>), by open time.</returns>
    public static async Task<IReadOnlyList<CarryResult>> RunAsync(
        ActorSystem system, IEnumerable<MarkPriceUpdate> updates, CarryConfig config,
        ICarryLegGateway? gateway = null, string? runId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(config);
        runId ??= Guid.NewGuid().ToString("N");
        var carries = system.ActorOf(
            CarryActors.Props(config, gateway ?? new PaperCarryLegGateway(config.FeeRate), mediator: null, persistenceIdPrefix: $"carry-backtest-{runId}-"),
            $"carry-backtest-{runId}");
        try
        {
            var last = new Dictionary<string, MarkPriceUpdate>(StringComparer.Ordinal);
            foreach (var u in updates)
            {
                ct.ThrowIfCancellationRequested();
                if (!config.Trades(u.Symbol)) continue;
                if (last.TryGetValue(u.Symbol, out var previous))
                {
                    if (u.EventTimeMs <= previous.EventTimeMs) continue;
                    if (SettlementBetween(previous, u) is { } settlement) carries.Tell(settlement);
                }

                last[u.Symbol] = u;
                carries.Tell(u);
            }

            var results = new List<CarryResult>();
            foreach (var symbol in last.Keys.Order(StringComparer.Ordinal))
            {
                // Mailbox order: the status answer comes after every update sent before it.
                var status = await carries.Ask<CarryStatus>(new GetCarryStatus(symbol), TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
                results.AddRange(status.Closed);
                if (status.OpenResult is { } open) results.Add(open);
            }

            results.Sort((a, b) => a.OpenedMs != b.OpenedMs ? a.OpenedMs.CompareTo(b.OpenedMs) : string.CompareOrdinal(a.Symbol, b.Symbol));
            return results;
        }
        finally
        {
            await carries.GracefulStop(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
    }

    /// <summary>The settlement <paramref name="after"/> reveals (Core <see cref="FundingRoll"/>, as <see cref="FundingActor"/> detects it), or null.</summary>
    public static FundingSettlementDetected? SettlementBetween(MarkPriceUpdate before, MarkPriceUpdate after)
    {
        ArgumentNullException.ThrowIfNull(after);
        return after.RollAfter(before) is { } roll ? FundingSettlementDetected.Of(before, roll) : null;
    }
}
