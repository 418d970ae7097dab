namespace Arbitrage.Core.Triangles.Execution;

/// <summary>The numbers of an attempt's result (<see cref="TriangleAttemptResult"/>) from its state.</summary>
public static class TriangleAttemptResults
{
    public static TriangleAttemptResult Of(TriangleSagaState s, TriangleAttemptOutcome outcome, string detail, long endMs)
    {
        ArgumentNullException.ThrowIfNull(s);
        var started = s.Started ?? throw new InvalidOperationException("the attempt has not started");
        var plan = started.Plan;
        var cycle = started.Cycle;
        var start = cycle.StartAsset;
        var pnl = s.Held(start);

        decimal fees = 0m;
        double slippage = 0;
        int slipped = 0;
        int filled = 0;
        var latencies = new List<long>(3);
        foreach (var o in s.Orders)
        {
            if (o.Answer is not { } a) continue;
            fees += a.Commission * UnitValue(started, a.CommissionAsset);
            if (o.Intent.Unwind) continue;
            latencies.Add(a.TimeMs - o.Intent.TimeMs);
            if (o.Complete) filled++;
            if (a.ExecutedQty > 0m && o.Intent.Order.AveragePrice > 0)
            {
                var average = (double)(a.QuoteQty / a.ExecutedQty);
                var planned = o.Intent.Order.AveragePrice;
                slippage += (o.Intent.Order.Side == TradeSide.Buy ? average - planned : planned - average) / planned * 10_000;
                slipped++;
            }
        }

        var held = new SortedDictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (asset, amount) in s.Holdings)
        {
            if (asset != start && amount != 0m) held[asset] = amount;
        }

        return new TriangleAttemptResult(
            started.AttemptId, started.Venue, cycle.Id, start, outcome, started.TimeMs, endMs,
            plan.StartAmount, plan.StartAmount + pnl, pnl, pnl * started.StartUsdPrice, fees * started.StartUsdPrice,
            slipped == 0 ? 0 : slippage / slipped, filled, latencies, held, detail);
    }

    /// <summary>
    /// One unit of <paramref name="asset"/> in the start asset at the plan's rates (the start asset: 1; the asset after
    /// leg 1 or 2: the notional over that leg's expected output); 0 for an asset outside the cycle.
    /// </summary>
    public static decimal UnitValue(TriangleAttemptStarted started, string asset)
    {
        ArgumentNullException.ThrowIfNull(started);
        if (asset == started.Cycle.StartAsset) return 1m;
        for (int i = 0; i < 2; i++)
        {
            if (started.Cycle.Legs[i].To == asset && started.Plan.Legs[i].ExpectedOut > 0)
            {
                return started.Plan.StartAmount / CyclePlanner.ToDecimalDown(started.Plan.Legs[i].ExpectedOut);
            }
        }

        return 0m;
    }
}
