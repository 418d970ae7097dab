using Arbitrage.Core.Sizing;

namespace Arbitrage.Core.Triangles.Execution;

/// <summary>A fill of an order against a book: base executed, quote spent or received, commission in the received asset.</summary>
public readonly record struct PaperFill(LegStatus Status, decimal ExecutedQty, decimal QuoteQty, decimal Commission, string CommissionAsset, string Detail)
{
    public decimal AveragePrice => ExecutedQty > 0m ? QuoteQty / ExecutedQty : 0m;
}

/// <summary>
/// How an order fills against a book, as the venue would (the detection's level walk, in <c>decimal</c>): a sell walks
/// the bids, a buy the asks, from the best level; an IOC limit stops at its price (a partial fill expires the rest); a
/// MARKET order walks until done or the book ends. A MARKET buy by quote amount spends up to it and buys the base rounded
/// down to the market step. Commission = taker fee on the received asset.
/// </summary>
public static class PaperSpotBook
{
    public static PaperFill Fill(TriangleOrderRequest order, PairBook book, PairFilters filters, decimal takerFee)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(filters);
        var levels = order.Side == TradeSide.Sell ? book.Bids : book.Asks;
        decimal executed, quote;
        if (order.Type == LegOrderType.Market && order.Side == TradeSide.Buy && order.QuoteQuantity > 0m)
        {
            // By quote: the base the quote buys on the book, rounded down to the step, then what that base costs.
            decimal leftQuote = order.QuoteQuantity, gross = 0m;
            foreach (var l in levels)
            {
                if (leftQuote <= 0m) break;
                var price = Dec(l.Price);
                var spend = Math.Min(leftQuote, Dec(l.Quantity) * price);
                gross += spend / price;
                leftQuote -= spend;
            }

            var step = filters.StepFor(LegOrderType.Market);
            var target = step > 0m ? StepRounding.Down(gross, step) : gross;
            (executed, quote) = Walk(levels, target, null, TradeSide.Buy);
        }
        else
        {
            (executed, quote) = Walk(levels, order.Quantity, order.Type == LegOrderType.LimitIoc ? order.LimitPrice : null, order.Side);
        }

        var received = order.Side == TradeSide.Sell ? quote : executed;
        var asset = order.Side == TradeSide.Sell ? order.Quote : order.Base;
        var commission = received * takerFee;
        var complete = order.Type == LegOrderType.Market ? executed > 0m && (order.QuoteQuantity > 0m || executed >= order.Quantity) : executed >= order.Quantity;
        var status = complete ? LegStatus.Filled : LegStatus.Expired;
        var detail = complete ? string.Empty : executed > 0m ? "partially filled, rest expired" : "expired: nothing within the limit";
        return new PaperFill(status, executed, quote, commission, asset, detail);
    }

    /// <summary>Base <paramref name="quantity"/> through <paramref name="levels"/>, stopping at <paramref name="limit"/> (sell: price below it; buy: above).</summary>
    private static (decimal Executed, decimal Quote) Walk(BookLevel[] levels, decimal quantity, decimal? limit, TradeSide side)
    {
        decimal left = quantity, executed = 0m, quote = 0m;
        foreach (var l in levels)
        {
            if (left <= 0m) break;
            var price = Dec(l.Price);
            if (limit is { } p && (side == TradeSide.Sell ? price < p : price > p)) break;
            var take = Math.Min(left, Dec(l.Quantity));
            executed += take;
            quote += take * price;
            left -= take;
        }

        return (executed, quote);
    }

    private static decimal Dec(double v) => CyclePlanner.ToDecimalDown(v);
}

/// <summary>
/// A paper venue for triangle legs: one balance sheet per venue (per asset), fills from <see cref="PaperSpotBook"/>
/// on the book at the time the leg is sent, answered after the configured latency in event time. An order its
/// balance cannot cover is rejected with reason <c>balance</c> (a buy limit reserves quantity × limit price, as the venue).
/// Not thread-safe: one per venue, driven by one actor.
/// </summary>
public sealed class PaperTriangleVenue
{
    public const string BalanceReason = "balance";

    private readonly Dictionary<string, decimal> _balances;
    private readonly Dictionary<string, TriangleSagaInput.LegReport> _orders = new(StringComparer.Ordinal);
    private readonly decimal _takerFee;
    private readonly long _latencyMs;

    public PaperTriangleVenue(IReadOnlyDictionary<string, decimal> balances, decimal takerFee, long latencyMs)
    {
        ArgumentNullException.ThrowIfNull(balances);
        _balances = new Dictionary<string, decimal>(balances, StringComparer.Ordinal);
        _takerFee = takerFee;
        _latencyMs = latencyMs;
    }

    public IReadOnlyDictionary<string, decimal> Balances => _balances;

    public decimal Balance(string asset) => _balances.GetValueOrDefault(asset);

    /// <summary>
    /// Executes <paramref name="order"/> on <paramref name="book"/> at <paramref name="sentMs"/>; the answer's time is
    /// <c>sentMs + latency</c>. The same client id twice gives the first answer again (the venue's duplicate check).
    /// </summary>
    public TriangleSagaInput.LegReport Execute(TriangleOrderRequest order, PairBook book, PairFilters filters, long sentMs)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (_orders.TryGetValue(order.ClientOrderId, out var known)) return known;
        var at = sentMs + _latencyMs;
        var (spendAsset, reserve) = order.Side == TradeSide.Sell
            ? (order.Base, order.Quantity)
            : (order.Quote, order.Type == LegOrderType.Market ? (order.QuoteQuantity > 0m ? order.QuoteQuantity : 0m) : order.Quantity * (order.LimitPrice ?? 0m));
        TriangleSagaInput.LegReport report;
        if (reserve > Balance(spendAsset) || (order.Side == TradeSide.Buy && order.Type == LegOrderType.Market && order.QuoteQuantity <= 0m))
        {
            report = new(order.ClientOrderId, LegReportStatus.Rejected, 0m, 0m, 0m, string.Empty,
                $"{BalanceReason}: {spendAsset} {Balance(spendAsset)} < {reserve}", at);
        }
        else
        {
            var fill = PaperSpotBook.Fill(order, book, filters, _takerFee);
            var (spent, got) = order.Side == TradeSide.Sell ? (fill.ExecutedQty, fill.QuoteQty) : (fill.QuoteQty, fill.ExecutedQty);
            var receivedAsset = order.Side == TradeSide.Sell ? order.Quote : order.Base;
            _balances[spendAsset] = Balance(spendAsset) - spent;
            _balances[receivedAsset] = Balance(receivedAsset) + got - fill.Commission;
            var status = fill.Status == LegStatus.Filled ? LegReportStatus.Filled : LegReportStatus.Expired;
            report = new(order.ClientOrderId, status, fill.ExecutedQty, fill.QuoteQty, fill.Commission, fill.CommissionAsset, fill.Detail, at);
        }

        _orders[order.ClientOrderId] = report;
        return report;
    }

    /// <summary>A query by client id: the answer given, or <see cref="LegReportStatus.NotFound"/>.</summary>
    public TriangleSagaInput.LegReport Query(string clientOrderId, long timeMs) =>
        _orders.TryGetValue(clientOrderId, out var known)
            ? known with { TimeMs = timeMs }
            : new(clientOrderId, LegReportStatus.NotFound, 0m, 0m, 0m, string.Empty, "no such order", timeMs);
}
