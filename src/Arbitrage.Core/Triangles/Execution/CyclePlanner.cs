using System.Globalization;
using Arbitrage.Core.Sizing;

namespace Arbitrage.Core.Triangles.Execution;

/// <summary>
/// Sizes a cycle for execution, leg by leg, with the detection's exact book maths (<see cref="LegConversion"/>) and the
/// pairs' filters: a sell's base quantity is what the leg holds rounded down to the step; a buy's is the base the held
/// quote buys on the book, rounded down to the step (a MARKET buy sends the quote amount, and the venue rounds the base
/// it buys the same way). The IOC limit price is the worst level the walk reaches, moved by the slippage against us,
/// rounded to the tick toward that level (so the order still reaches it and never exceeds the slippage).
/// Without filters the plan is the detection's to the bit.
/// </summary>
public static class CyclePlanner
{
    private const decimal BpsPerUnit = 10_000m;

    /// <summary>
    /// The plan of <paramref name="cycle"/> for <paramref name="notional"/> of its start asset on the books at
    /// <paramref name="nowMs"/>, or a refusal: <c>stale</c> (a book missing, unsynchronised or older than
    /// <paramref name="stalenessMs"/>), <c>infeasible</c> (a book runs out), <c>filters</c> (a quantity or notional breaks
    /// a filter, or the rounded cycle's return is below <paramref name="executeMinNetReturn"/>), <c>below_floor</c>
    /// (below the floor without any rounding).
    /// </summary>
    public static PlanResult<CyclePlan> Plan(
        CycleSpec cycle,
        ITriangleBooks books,
        decimal notional,
        double takerFee,
        TriangleExecutionSettings execution,
        decimal executeMinNetReturn,
        long nowMs,
        long stalenessMs)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(books);
        ArgumentNullException.ThrowIfNull(execution);
        if (notional <= 0m) throw new ArgumentOutOfRangeException(nameof(notional), notional, "notional must be > 0");

        var legBooks = new PairBook[cycle.Legs.Count];
        for (int i = 0; i < legBooks.Length; i++)
        {
            var symbol = cycle.Legs[i].Symbol;
            if (books.Book(symbol) is not { } book)
            {
                return PlanResult<CyclePlan>.Refused(PlanRefusal.Stale, $"{symbol}: no book");
            }

            if (!book.Synchronised)
            {
                return PlanResult<CyclePlan>.Refused(PlanRefusal.Stale, $"{symbol}: book not synchronised");
            }

            if (nowMs - book.TimeMs > stalenessMs)
            {
                return PlanResult<CyclePlan>.Refused(PlanRefusal.Stale, $"{symbol}: book {nowMs - book.TimeMs} ms old (limit {stalenessMs})");
            }

            legBooks[i] = book;
        }

        var type = execution.LegOrderType;
        var legs = new PlannedLeg[legBooks.Length];
        decimal amount = notional;
        double amountD = ToDouble(notional);
        bool rounded = false;
        for (int i = 0; i < legs.Length; i++)
        {
            var spec = cycle.Legs[i];
            var leg = SizeLeg(spec, legBooks[i], amount, amountD, takerFee, type, execution.MaxSlippageBps);
            if (leg.Value is not { } planned)
            {
                return PlanResult<CyclePlan>.Refused(leg.Refusal!.Value, $"leg {spec.Leg} {spec.Symbol}: {leg.Detail}");
            }

            legs[i] = planned;
            rounded |= !spec.Filters.IsNone;
            amountD = planned.ExpectedOut;
            amount = ToDecimalDown(amountD);
        }

        double n = ToDouble(notional);
        double r = amountD / n - 1;
        double floor = ToDouble(executeMinNetReturn);
        if (r < floor)
        {
            return PlanResult<CyclePlan>.Refused(rounded ? PlanRefusal.Filters : PlanRefusal.BelowFloor,
                $"planned return {Num(r)} < execute_min_net_return {Num(floor)}{(rounded ? " after rounding to the filters" : string.Empty)}");
        }

        return PlanResult<CyclePlan>.Of(new CyclePlan(cycle.Id, cycle.StartAsset, notional, legs, amountD, r));
    }

    /// <summary>
    /// One leg converting <paramref name="amountIn"/> of <see cref="CycleLegSpec.From"/> on <paramref name="book"/>
    /// (<paramref name="amountInDouble"/>: the same amount as the detection's double, used as is when the pair has no
    /// lot step so the maths stay the detection's). Refusals: <c>infeasible</c>, <c>filters</c>.
    /// </summary>
    public static PlanResult<PlannedLeg> SizeLeg(
        CycleLegSpec leg,
        PairBook book,
        decimal amountIn,
        double amountInDouble,
        double takerFee,
        LegOrderType type,
        decimal slippageBps)
    {
        ArgumentNullException.ThrowIfNull(leg);
        ArgumentNullException.ThrowIfNull(book);
        var filters = leg.Filters;
        var step = filters.StepFor(type);
        if (amountIn <= 0m || !(amountInDouble > 0))
        {
            return PlanResult<PlannedLeg>.Refused(PlanRefusal.Filters, "nothing to convert");
        }

        decimal quantity;
        double baseWalked;
        double expectedOut;
        double quoteWalked;
        if (leg.Side == LegSide.SellBase)
        {
            quantity = filters.RoundQuantity(amountIn, type);
            baseWalked = step > 0m ? ToDouble(quantity) : amountInDouble;
            if (!(baseWalked > 0))
            {
                return PlanResult<PlannedLeg>.Refused(PlanRefusal.Filters, $"{amountIn} {leg.From} rounds to quantity 0 (step {step})");
            }

            if (!LegConversion.TryConvert(LegSide.SellBase, baseWalked, book.Bids, takerFee, out expectedOut)
                || !LegConversion.TryConvert(LegSide.SellBase, baseWalked, book.Bids, 0, out quoteWalked))
            {
                return PlanResult<PlannedLeg>.Refused(PlanRefusal.Infeasible, $"the bids run out before {Num(baseWalked)} {leg.Base}");
            }
        }
        else
        {
            if (!LegConversion.TryConvert(LegSide.BuyBase, amountInDouble, book.Asks, 0, out var grossBase))
            {
                return PlanResult<PlannedLeg>.Refused(PlanRefusal.Infeasible, $"the asks run out before {Num(amountInDouble)} {leg.Quote}");
            }

            if (step > 0m)
            {
                quantity = StepRounding.Down(ToDecimalDown(grossBase), step);
                baseWalked = ToDouble(quantity);
                expectedOut = baseWalked * (1 - takerFee);
            }
            else
            {
                quantity = ToDecimalDown(grossBase);
                baseWalked = grossBase;
                LegConversion.TryConvert(LegSide.BuyBase, amountInDouble, book.Asks, takerFee, out expectedOut);
            }

            if (!(baseWalked > 0))
            {
                return PlanResult<PlannedLeg>.Refused(PlanRefusal.Filters, $"{amountIn} {leg.Quote} buys less than one step {step} of {leg.Base}");
            }

            quoteWalked = QuoteForBase(book.Asks, baseWalked);
        }

        var worst = WorstLevel(leg.Side == LegSide.SellBase ? book.Bids : book.Asks, baseWalked);
        decimal? limit = type == LegOrderType.LimitIoc ? LimitPrice(leg.TradeSide, worst, slippageBps, filters.TickSize) : null;
        if (limit is { } buyLimit && leg.Side == LegSide.BuyBase && quantity * buyLimit > amountIn)
        {
            // The venue reserves quantity × limit of the quote for a LIMIT buy (Binance refuses it otherwise): buy what
            // the amount held covers at the limit; what the slippage allowance leaves unspent stays in the quote asset.
            // A smaller quantity may stop at a better level, whose own limit is lower and covers more: the quantity is
            // the largest any level up to the walk's worst gives (what the levels up to it hold, what its limit covers).
            quantity = CoveredQuantity(book.Asks, amountIn, baseWalked, slippageBps, filters.TickSize, step);
            baseWalked = ToDouble(quantity);
            if (!(baseWalked > 0))
            {
                return PlanResult<PlannedLeg>.Refused(PlanRefusal.Filters, $"{amountIn} {leg.Quote} covers less than one step {step} of {leg.Base} at the limit {buyLimit}");
            }

            worst = WorstLevel(book.Asks, baseWalked);
            limit = LimitPrice(leg.TradeSide, worst, slippageBps, filters.TickSize);
            if (quantity * limit.Value > amountIn)
            {
                // A walk's double sums can end a level one ulp later than the levels' sum said: cover at this limit.
                var covered = decimal.Round(amountIn / limit.Value, 18, MidpointRounding.ToZero);
                quantity = step > 0m ? StepRounding.Down(covered, step) : covered;
                baseWalked = ToDouble(quantity);
                if (!(baseWalked > 0))
                {
                    return PlanResult<PlannedLeg>.Refused(PlanRefusal.Filters, $"{amountIn} {leg.Quote} covers less than one step {step} of {leg.Base} at the limit {limit}");
                }
            }

            expectedOut = baseWalked * (1 - takerFee);
            quoteWalked = QuoteForBase(book.Asks, baseWalked);
            worst = WorstLevel(book.Asks, baseWalked);
        }

        var average = quoteWalked / baseWalked;
        var notional = quantity * (limit ?? ToDecimalDown(average));
        if (filters.Check(quantity, notional, type) is { } broken)
        {
            return PlanResult<PlannedLeg>.Refused(PlanRefusal.Filters, broken);
        }

        var quoteQuantity = type == LegOrderType.Market && leg.Side == LegSide.BuyBase ? amountIn : 0m;
        var spends = leg.Side == LegSide.SellBase ? baseWalked : quoteWalked;
        return PlanResult<PlannedLeg>.Of(new PlannedLeg(leg.Leg, leg.Symbol, leg.TradeSide, type, quantity, quoteQuantity, limit, spends, expectedOut, average, worst));
    }

    /// <summary>
    /// The IOC limit: <paramref name="worst"/> moved by <paramref name="slippageBps"/> against us (down for a sell, up for
    /// a buy), rounded to the tick toward the worst level, and never past it.
    /// </summary>
    public static decimal LimitPrice(TradeSide side, double worst, decimal slippageBps, decimal tickSize)
    {
        var w = ToDecimalDown(worst);
        if (side == TradeSide.Sell)
        {
            var p = w * (1m - (slippageBps / BpsPerUnit));
            if (tickSize > 0m)
            {
                p = StepRounding.Up(p, tickSize);
                if (p > w) p = StepRounding.Down(w, tickSize);
                if (p <= 0m) p = tickSize;
            }

            return p;
        }
        else
        {
            var p = w * (1m + (slippageBps / BpsPerUnit));
            if (tickSize > 0m)
            {
                p = StepRounding.Down(p, tickSize);
                if (p < w) p = StepRounding.Up(w, tickSize);
            }

            return p;
        }
    }

    /// <summary>
    /// The largest base quantity (a multiple of <paramref name="step"/> when it is &gt; 0) a LIMIT buy of
    /// <paramref name="amountIn"/> quote can reserve: for each ask level up to the one where a walk of
    /// <paramref name="walked"/> base ends, what the levels
    /// up to it hold, at most what the amount covers at that level's limit price.
    /// </summary>
    public static decimal CoveredQuantity(ReadOnlySpan<BookLevel> asks, decimal amountIn, double walked, decimal slippageBps, decimal tickSize, decimal step)
    {
        decimal best = 0m;
        double held = 0;
        for (int i = 0; i < asks.Length; i++)
        {
            held += asks[i].Quantity;
            var limit = LimitPrice(TradeSide.Buy, asks[i].Price, slippageBps, tickSize);
            var q = Math.Min(decimal.Round(amountIn / limit, 18, MidpointRounding.ToZero), ToDecimalDown(held));
            if (step > 0m) q = StepRounding.Down(q, step);
            if (q > best) best = q;
            if (held >= walked) break;
        }

        return best;
    }

    /// <summary>The price of the level where a walk of <paramref name="baseQuantity"/> ends (the last level when it runs out).</summary>
    public static double WorstLevel(ReadOnlySpan<BookLevel> levels, double baseQuantity)
    {
        double left = baseQuantity;
        for (int i = 0; i < levels.Length; i++)
        {
            if (left <= levels[i].Quantity)
            {
                return levels[i].Price;
            }

            left -= levels[i].Quantity;
        }

        return levels.Length > 0 ? levels[^1].Price : double.NaN;
    }

    /// <summary>The quote a buy of <paramref name="baseQuantity"/> spends walking the asks (as much as the book holds).</summary>
    public static double QuoteForBase(ReadOnlySpan<BookLevel> asks, double baseQuantity)
    {
        double left = baseQuantity;
        double spent = 0;
        for (int i = 0; i < asks.Length && left > 0; i++)
        {
            var take = Math.Min(left, asks[i].Quantity);
            spent += take * asks[i].Price;
            left -= take;
        }

        return spent;
    }

    /// <summary>The largest decimal (of the shortest round-trip text) that is not above <paramref name="value"/> as a double.</summary>
    public static decimal ToDecimalDown(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "not a finite number");
        if (Math.Abs(value) < 1e-28) return 0m;
        var d = decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (ToDouble(d) > value)
        {
            // The text rounded up in decimal's last place: step one unit of that place down.
            d -= new decimal(1, 0, 0, false, (byte)d.Scale);
        }

        return d;
    }

    /// <summary>A decimal as the double its text parses to (as <see cref="TriangleDetectorSettings.ToDouble"/>).</summary>
    public static double ToDouble(decimal value) => TriangleDetectorSettings.ToDouble(value);

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
