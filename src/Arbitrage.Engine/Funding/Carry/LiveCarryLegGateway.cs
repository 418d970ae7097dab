using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Core.Funding.Carry;

namespace Arbitrage.Engine.Funding.Carry;

/// <summary>Settings of <see cref="LiveCarryLegGateway"/>.</summary>
public sealed record LiveCarryLegSettings
{
    /// <summary>
    /// USD-M taker fee used for the perp leg's commission: <c>/fapi/v1/order</c> answers carry none (the
    /// executor's live path reads it from the user-data stream; carry legs are REST-only).
    /// </summary>
    public decimal PerpFeeRate { get; init; } = 0.0005m;

    /// <summary>Spot fee used only for a commission paid in an asset that is neither USD-like nor the base (e.g. BNB).</summary>
    public decimal SpotFeeRate { get; init; } = 0.001m;

    /// <summary>Carry symbol → spot symbol where they differ (default: the same name, e.g. BTCUSDT on both).</summary>
    public IReadOnlyDictionary<string, string> SpotSymbols { get; init; } = new Dictionary<string, string>();

    /// <summary>How often an order with an unknown outcome (or a market order still NEW) is queried before giving up.</summary>
    public int MaxQueries { get; init; } = 5;

    /// <summary>Pause between those queries.</summary>
    public TimeSpan QueryInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Placements per leg order; a placement after the first only follows a query that proved the previous one never arrived.</summary>
    public int MaxPlacements { get; init; } = 2;

    /// <summary>Commission assets counted 1:1 as USD.</summary>
    public IReadOnlySet<string> UsdAssets { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "USDT", "USDC", "FDUSD", "BUSD", "USD" };
}

/// <summary>
/// Carry legs on Binance: the spot leg as a MARKET order on <c>/api/v3/order</c>, the perp leg as a MARKET order on
/// <c>/fapi/v1/order</c>, both with the leg's stable client id. A placement whose outcome is unknown (503, timeout,
/// 5xx, a dropped connection, an unreadable answer) is resolved by querying that client id — only a query that
/// finds no order allows another placement, so a leg is never sent twice. A client id whose outcome could not be
/// learnt is remembered, and the next call with it (the carry retries failed legs with the same id) queries first.
/// Fills report the average price, the executed quantity and the commission in USD (spot: from the fills;
/// perp: <see cref="LiveCarryLegSettings.PerpFeeRate"/> × quote, see there). The gateway does not own the REST client.
/// </summary>
public sealed partial class LiveCarryLegGateway : ICarryLegGateway
{
    private readonly BinanceRestClient _rest;
    private readonly LiveCarryLegSettings _settings;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, byte> _unresolved = new(StringComparer.Ordinal);

    public LiveCarryLegGateway(BinanceRestClient rest, LiveCarryLegSettings? settings = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(rest);
        _rest = rest;
        _settings = settings ?? new LiveCarryLegSettings();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>What an exchange order looks like to the gateway, whichever market it is on.</summary>
    /// <param name="Quantity">Executed quantity; for a spot buy net of a commission paid in the base asset (what is held).</param>
    private sealed record LegState(string Status, decimal Quantity, decimal AvgPrice, decimal FeeUsd)
    {
        public bool IsFinal => Status is "FILLED" or "CANCELED" or "EXPIRED" or "REJECTED" or "EXPIRED_IN_MATCH";
    }

    private enum Lookup { Found, NotFound, Unknown }

    // Both Binance client-id patterns accept this subset (spot: [a-zA-Z0-9-_], futures also . : /).
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,36}$")]
    private static partial Regex PortableClientId();

    /// <summary>The client id sent to Binance: the carry's id when both markets accept it, else a stable hash of it.</summary>
    public static string ExchangeClientId(string clientId)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        if (PortableClientId().IsMatch(clientId)) return clientId;
        return "cl-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clientId)))[..32];
    }

    public async Task<CarryLegResult> ExecuteAsync(CarryLegOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Quantity <= 0m) return CarryLegResult.Failed($"live: quantity {order.Quantity} must be > 0");
        var clientId = ExchangeClientId(order.ClientId);
        var name = $"{order.Leg} {order.Side} {order.Quantity} {SymbolOf(order)} ({clientId})";

        if (_unresolved.ContainsKey(clientId))
        {
            // An earlier call never learnt whether this order exists: find out before sending anything.
            var (lookup, prior, why) = await ResolveAsync(order, clientId).ConfigureAwait(false);
            if (lookup == Lookup.Unknown) return CarryLegResult.Failed($"{name}: outcome of the earlier placement still unknown ({why}); not sent again");
            _unresolved.TryRemove(clientId, out _);
            if (lookup == Lookup.Found) return ToResult(order, prior!, name);
        }

        for (var attempt = 1; attempt <= Math.Max(1, _settings.MaxPlacements); attempt++)
        {
            var (state, error) = await PlaceAsync(order, clientId).ConfigureAwait(false);
            if (state is not null)
            {
                if (!state.IsFinal)
                {
                    _unresolved[clientId] = 0; // accepted but not final yet (a futures MARKET answer may say NEW)
                    var (l, s, why) = await ResolveAsync(order, clientId).ConfigureAwait(false);
                    if (l != Lookup.Found) return CarryLegResult.Failed($"{name}: accepted, final state unknown ({why})");
                    state = s!;
                }

                _unresolved.TryRemove(clientId, out _);
                return ToResult(order, state, name);
            }

            if (!IsOutcomeUnknown(error!)) return CarryLegResult.Failed($"{name}: refused: {error}");

            _unresolved[clientId] = 0;
            var (lookup, found, reason) = await ResolveAsync(order, clientId).ConfigureAwait(false);
            switch (lookup)
            {
                case Lookup.Found:
                    _unresolved.TryRemove(clientId, out _);
                    return ToResult(order, found!, name);
                case Lookup.NotFound:
                    _unresolved.TryRemove(clientId, out _);
                    continue; // the placement never arrived: sending it again cannot duplicate it
                default:
                    return CarryLegResult.Failed($"{name}: placement outcome unknown ({error}); queries: {reason}");
            }
        }

        return CarryLegResult.Failed($"{name}: not accepted after {_settings.MaxPlacements} placements");
    }

    private static bool IsOutcomeUnknown(BinanceError e) => e.Kind is BinanceErrorKind.UnknownOrderStatus or BinanceErrorKind.ServerError
        or BinanceErrorKind.Transport or BinanceErrorKind.Timeout or BinanceErrorKind.Malformed;

    private string SymbolOf(CarryLegOrder order) =>
        order.Leg == CarryLeg.Spot ? _settings.SpotSymbols.GetValueOrDefault(order.Symbol, order.Symbol) : order.Symbol;

    private CarryLegResult ToResult(CarryLegOrder order, LegState s, string name) =>
        s.Quantity > 0m
            ? CarryLegResult.Filled(new CarryLegFill(order.Leg, order.Side, s.Quantity, s.AvgPrice, s.FeeUsd, order.TimeMs))
            : CarryLegResult.Failed($"{name}: {s.Status} without a fill");

    private async Task<(LegState? State, BinanceError? Error)> PlaceAsync(CarryLegOrder order, string clientId)
    {
        var side = order.Side == CarrySide.Buy ? OrderSide.Buy : OrderSide.Sell;
        if (order.Leg == CarryLeg.Spot)
        {
            var r = await _rest.Spot.PlaceMarketOrderAsync(SymbolOf(order), side, order.Quantity, clientId).ConfigureAwait(false);
            return r.Success ? (await SpotStateAsync(r.Data, fromPlacement: true).ConfigureAwait(false), null) : (null, r.Error);
        }

        var p = await _rest.Trading.PlaceOrderAsync(new NewOrder(order.Symbol, side, OrderType.Market) { Quantity = order.Quantity, ClientOrderId = clientId })
            .ConfigureAwait(false);
        return p.Success ? (PerpState(p.Data), null) : (null, p.Error);
    }

    /// <summary>Queries the client id until the order is final, absent, or the queries run out (then a still-open market order is cancelled).</summary>
    private async Task<(Lookup Lookup, LegState? State, string Why)> ResolveAsync(CarryLegOrder order, string clientId)
    {
        var why = "not queried";
        LegState? open = null;
        for (var i = 0; i < Math.Max(1, _settings.MaxQueries); i++)
        {
            if (i > 0) await Task.Delay(_settings.QueryInterval, _time).ConfigureAwait(false);
            var (state, error) = await QueryAsync(order, clientId).ConfigureAwait(false);
            if (state is not null)
            {
                if (state.IsFinal) return (Lookup.Found, state, "");
                open = state;
                why = $"still {state.Status}";
                continue;
            }

            if (error!.Kind == BinanceErrorKind.OrderNotFound) return (Lookup.NotFound, null, error.Message);
            why = error.ToString();
        }

        if (open is null) return (Lookup.Unknown, null, why);

        // A market order that stays open is not going to fill as one: cancel the rest and report what filled.
        await CancelAsync(order, clientId).ConfigureAwait(false);
        var (after, _) = await QueryAsync(order, clientId).ConfigureAwait(false);
        return after is { IsFinal: true } ? (Lookup.Found, after, "") : (Lookup.Unknown, null, why);
    }

    private async Task<(LegState? State, BinanceError? Error)> QueryAsync(CarryLegOrder order, string clientId)
    {
        if (order.Leg == CarryLeg.Spot)
        {
            var r = await _rest.Spot.GetOrderAsync(OrderRef.ByClientId(SymbolOf(order), clientId)).ConfigureAwait(false);
            return r.Success ? (await SpotStateAsync(r.Data, fromPlacement: false).ConfigureAwait(false), null) : (null, r.Error);
        }

        var p = await _rest.Trading.GetOrderAsync(OrderRef.ByClientId(order.Symbol, clientId)).ConfigureAwait(false);
        return p.Success ? (PerpState(p.Data), null) : (null, p.Error);
    }

    private async Task CancelAsync(CarryLegOrder order, string clientId)
    {
        if (order.Leg == CarryLeg.Spot) await _rest.Spot.CancelOrderAsync(OrderRef.ByClientId(SymbolOf(order), clientId)).ConfigureAwait(false);
        else await _rest.Trading.CancelOrderAsync(OrderRef.ByClientId(order.Symbol, clientId)).ConfigureAwait(false);
    }

    private LegState PerpState(OrderInfo o)
    {
        var avg = o.AvgPrice > 0m ? o.AvgPrice : o.ExecutedQty > 0m ? o.CumQuote / o.ExecutedQty : 0m;
        var quote = o.CumQuote > 0m ? o.CumQuote : avg * o.ExecutedQty;
        return new LegState(o.Status, o.ExecutedQty, avg, quote * _settings.PerpFeeRate);
    }

    /// <summary>Spot commission from the FULL answer's fills; a queried order carries none, so its trades are read.</summary>
    private async Task<LegState> SpotStateAsync(SpotOrderInfo o, bool fromPlacement)
    {
        var fee = 0m;
        var baseCommission = 0m; // a buy's commission taken from the base received: not held, not sellable
        if (o.ExecutedQty > 0m)
        {
            IEnumerable<(decimal Price, decimal Qty, decimal Commission, string Asset)> fills = o.Fills.Select(f => (f.Price, f.Quantity, f.Commission, f.CommissionAsset));
            if (!fromPlacement || o.Fills.Count == 0)
            {
                var trades = await _rest.Spot.GetMyTradesAsync(o.Symbol, o.OrderId).ConfigureAwait(false);
                fills = trades.Success
                    ? trades.Data.Select(t => (t.Price, t.Quantity, t.Commission, t.CommissionAsset))
                    : [(o.AvgPrice, o.ExecutedQty, o.CumulativeQuoteQty * _settings.SpotFeeRate, "USDT")]; // estimate: the trades did not answer
            }

            foreach (var (price, qty, commission, asset) in fills)
            {
                var inBase = !_settings.UsdAssets.Contains(asset) && o.Symbol.StartsWith(asset, StringComparison.Ordinal);
                if (inBase) baseCommission += commission;
                fee += _settings.UsdAssets.Contains(asset) ? commission
                    : inBase ? commission * price           // paid in the base asset
                    : price * qty * _settings.SpotFeeRate;  // BNB or other: estimated
            }
        }

        // The leg holds what the account received: a buy's base commission is not part of the position.
        var held = o.Side == "BUY" ? o.ExecutedQty - baseCommission : o.ExecutedQty;
        return new LegState(o.Status, held, o.AvgPrice, fee);
    }
}
