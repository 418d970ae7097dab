using System.Diagnostics;
using Akka.Actor;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Engine.Triangles.Execution.Live;

/// <summary>
/// Live triangle legs on Binance spot for one venue actor: <c>POST /api/v3/order</c> with the leg's client order id,
/// LIMIT <c>timeInForce=IOC</c> (or MARKET, a buy by <c>quoteOrderQty</c>), <c>newOrderRespType=FULL</c> (fills and
/// commissions in the answer). Every answer is told to the actor as a <see cref="TriangleGatewayAnswer"/>. An answer
/// that may hide a placed order (503, a timeout, a lost connection, "duplicate order") is
/// <see cref="LegReportStatus.Unknown"/>: the saga queries it by client id (<c>GET /api/v3/order</c>, then
/// <c>GET /api/v3/myTrades</c> of the order for its commissions), never resends it. A query the exchange cannot answer
/// now, or that finds the order still open, says nothing: the attempt's leg timer asks again.
/// </summary>
public sealed class BinanceSpotTriangleGateway(BinanceSpotTriangleAccount account, IActorRef actor) : ITriangleOrderGateway, IDisposable
{
    public void Send(TriangleOrderRequest request, long timeMs)
    {
        ArgumentNullException.ThrowIfNull(request);
        _ = SendAsync(request, timeMs);
    }

    public void Query(string symbol, string clientOrderId, long timeMs) => _ = QueryAsync(symbol, clientOrderId, timeMs);

    /// <summary>Nothing is pending on the actor's clock: the exchange answers in its own time.</summary>
    public void BeforeBook(long nextBookMs)
    {
    }

    public void Flush()
    {
    }

    public decimal? Available(string asset) => account.Available(asset);

    public PairFilters? Filters(string symbol) => account.Filters(symbol);

    public void Dispose() => account.Release(actor);

    /// <summary>The leg status of a final order status; null while the order can still change (NEW, PARTIALLY_FILLED).</summary>
    public static LegReportStatus? StatusOf(string status) => status switch
    {
        "FILLED" => LegReportStatus.Filled,
        "EXPIRED" or "EXPIRED_IN_MATCH" or "CANCELED" => LegReportStatus.Expired,
        "REJECTED" => LegReportStatus.Rejected,
        _ => null,
    };

    /// <summary>Whether a failed placement may nevertheless have placed the order (then it is queried, never resent).</summary>
    public static bool MayHavePlaced(BinanceError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Kind is BinanceErrorKind.UnknownOrderStatus or BinanceErrorKind.ServerError or BinanceErrorKind.Timeout
                   or BinanceErrorKind.Transport or BinanceErrorKind.Malformed
               || BinanceSpotApi.RejectReason(error) == SpotRejectReason.DuplicateOrder;
    }

    private async Task SendAsync(TriangleOrderRequest r, long timeMs)
    {
        var started = Stopwatch.GetTimestamp();
        var symbol = account.ExchangeSymbol(r.Base, r.Quote);
        var side = r.Side == TradeSide.Buy ? OrderSide.Buy : OrderSide.Sell;
        BinanceResult<SpotOrderInfo> result;
        try
        {
            result = r.Type == LegOrderType.Market
                ? r.QuoteQuantity > 0m
                    ? await account.Spot.PlaceQuoteMarketOrderAsync(symbol, side, r.QuoteQuantity, r.ClientOrderId).ConfigureAwait(false)
                    : await account.Spot.PlaceMarketOrderAsync(symbol, side, r.Quantity, r.ClientOrderId).ConfigureAwait(false)
                : await account.Spot.PlaceImmediateLimitOrderAsync(symbol, side, r.Quantity,
                    r.LimitPrice ?? throw new InvalidOperationException($"{r.ClientOrderId}: a LIMIT IOC leg without a price"), r.ClientOrderId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The client returns failures as values; anything thrown is as good as no answer.
            Tell(new(r.ClientOrderId, LegReportStatus.Unknown, 0m, 0m, 0m, string.Empty, $"placement threw: {e.GetBaseException().Message}", After(timeMs, started)));
            return;
        }

        if (!result.Success)
        {
            var status = MayHavePlaced(result.Error) ? LegReportStatus.Unknown : LegReportStatus.Rejected;
            Tell(new(r.ClientOrderId, status, 0m, 0m, 0m, string.Empty, $"{symbol}: {result.Error}", After(timeMs, started)));
            return;
        }

        var o = result.Data;
        if (StatusOf(o.Status) is not { } final)
        {
            // An IOC order is final in its answer; one that is not is asked about again.
            Tell(new(r.ClientOrderId, LegReportStatus.Unknown, 0m, 0m, 0m, string.Empty, $"{symbol}: answered {o.Status}", After(timeMs, started)));
            return;
        }

        var commission = o.Fills.Sum(f => f.Commission);
        var asset = o.Fills.Count > 0 ? o.Fills[0].CommissionAsset : string.Empty;
        Tell(new(r.ClientOrderId, final, o.ExecutedQty, o.CumulativeQuoteQty, commission, asset, $"{symbol}: {o.Status}", Time(o.TransactTime, timeMs, started)));
    }

    private async Task QueryAsync(string symbolName, string clientOrderId, long timeMs)
    {
        var started = Stopwatch.GetTimestamp();
        var parts = symbolName.Split('/');
        var symbol = parts.Length == 2 ? account.ExchangeSymbol(parts[0], parts[1]) : symbolName;
        try
        {
            var order = await account.Spot.GetOrderAsync(OrderRef.ByClientId(symbol, clientOrderId)).ConfigureAwait(false);
            if (!order.Success)
            {
                if (order.Error.Kind == BinanceErrorKind.OrderNotFound)
                {
                    Tell(new(clientOrderId, LegReportStatus.NotFound, 0m, 0m, 0m, string.Empty, $"{symbol}: {order.Error}", After(timeMs, started)));
                }
                else
                {
                    account.OnWarning($"query of {clientOrderId} on {symbol} failed ({order.Error}); asked again at the leg timeout");
                }

                return;
            }

            var o = order.Data;
            if (StatusOf(o.Status) is not { } final) return; // still open: the leg timer asks again

            decimal commission = 0m;
            string asset = string.Empty;
            if (o.ExecutedQty > 0m)
            {
                var trades = await account.Spot.GetMyTradesAsync(symbol, o.OrderId).ConfigureAwait(false);
                if (!trades.Success)
                {
                    account.OnWarning($"trades of {clientOrderId} on {symbol} could not be read ({trades.Error}); asked again at the leg timeout");
                    return;
                }

                commission = trades.Data.Sum(t => t.Commission);
                asset = trades.Data.Count > 0 ? trades.Data[0].CommissionAsset : string.Empty;
            }

            Tell(new(clientOrderId, final, o.ExecutedQty, o.CumulativeQuoteQty, commission, asset, $"{symbol}: {o.Status} (queried)",
                Time(o.UpdateTime, timeMs, started)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            account.OnWarning($"query of {clientOrderId} on {symbol} threw ({e.GetBaseException().Message}); asked again at the leg timeout");
        }
    }

    private void Tell(TriangleSagaInput.LegReport report) => actor.Tell(new TriangleGatewayAnswer(report));

    /// <summary>The event time of an answer: the exchange's time when it gave one, else the send's time plus the wait.</summary>
    private static long Time(long exchangeMs, long sentMs, long started) => exchangeMs > 0 ? Math.Max(exchangeMs, sentMs) : After(sentMs, started);

    private static long After(long sentMs, long started) => sentMs + (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
