using System.Collections.Concurrent;
using Akka.Actor;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.UserData;
using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Engine.Triangles.Execution.Live;

/// <summary>
/// The Binance spot account that live triangle attempts trade (venue <c>binance-spot</c>): its free balances (read with
/// <c>GET /api/v3/account</c> at start and after every user-data reconnection, then kept by the stream's
/// <c>outboundAccountPosition</c>), the pairs' filters (<c>GET /api/v3/exchangeInfo</c>) and the spot user-data stream,
/// whose <c>executionReport</c>s answer an order as soon as the exchange ends it — before a placement's HTTP answer that
/// is slow or lost (the saga ignores the second answer). It makes one <see cref="BinanceSpotTriangleGateway"/> per
/// venue actor incarnation (<see cref="ITriangleGatewayFactory"/>). It does not own the signed REST client.
/// </summary>
public sealed class BinanceSpotTriangleAccount : ITriangleGatewayFactory, IAsyncDisposable
{
    /// <summary>The triangle venue this account trades.</summary>
    public const string Venue = "binance-spot";

    private readonly BinanceRestClient _rest;
    private readonly UserDataSession _session;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, decimal> _free = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (decimal Qty, decimal Commission, string Asset)> _streamFills = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, PairFilters> _filters = new Dictionary<string, PairFilters>();
    private IReadOnlyDictionary<string, string> _names = new Dictionary<string, string>();
    private IActorRef _actor = ActorRefs.Nobody;

    public BinanceSpotTriangleAccount(BinanceRestClient rest, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(rest);
        _rest = rest;
        var clock = time ?? TimeProvider.System;
        var keys = ListenKeyLifecycle.ForSpot(rest.Spot, clock);
        _session = new UserDataSession(keys, UserDataStreamClient.ForSpot(rest.Options, keys, clock));
        _session.Stream.Reconnected += key =>
        {
            _connected.TrySetResult();
            // Balance changes sent while the stream was down are lost: read the account again.
            _ = Task.Run(() => RefreshBalancesAsync(_session.Stopping));
        };
        _session.Stream.BadFrame += e => Warning?.Invoke($"spot user-data stream: unreadable frame skipped ({e})");
    }

    /// <summary>Things an operator should see (failed queries, bad frames). Handlers must not block.</summary>
    public event Action<string>? Warning;

    internal BinanceSpotApi Spot => _rest.Spot;

    /// <summary>
    /// Reads the filters and the balances and connects the user-data stream; the reason it could not (one line), else null.
    /// </summary>
    public async Task<string?> StartAsync(CancellationToken ct)
    {
        if (_session.Started) throw new InvalidOperationException("already started");
        var info = await _rest.Spot.GetExchangeInfoAsync(null, ct).ConfigureAwait(false);
        if (!info.Success) return $"spot exchangeInfo failed: {info.Error}";
        var filters = new Dictionary<string, PairFilters>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in info.Data.Pairs)
        {
            names[pair.Name] = pair.Symbol;
            if (FiltersOf(pair) is { } f) filters[pair.Name] = f;
        }

        _filters = filters;
        _names = names;
        if (await RefreshBalancesAsync(ct).ConfigureAwait(false) is { } error) return error;
        _session.Start(e =>
        {
            switch (e)
            {
                case OutboundAccountPosition p:
                    foreach (var b in p.Balances) _free[b.Asset] = b.Free;
                    break;
                case SpotExecutionReport r:
                    OnExecutionReport(r);
                    break;
            }
        });
        try
        {
            await _connected.Task.WaitAsync(ct).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return "the spot user-data stream did not connect";
        }
    }

    public ITriangleOrderGateway? Create(string venue, IActorRef actor)
    {
        if (venue != Venue) return null;
        lock (_streamFills) _actor = actor;
        return new BinanceSpotTriangleGateway(this, actor);
    }

    /// <summary>The free balance of <paramref name="asset"/> as last known (0 when the account does not hold it).</summary>
    public decimal Available(string asset) => _free.GetValueOrDefault(asset);

    public PairFilters? Filters(string symbol) => _filters.GetValueOrDefault(symbol);

    /// <summary>The exchange symbol of <c>BASE/QUOTE</c> (<c>ETHBTC</c>).</summary>
    public string ExchangeSymbol(string baseAsset, string quoteAsset) =>
        _names.GetValueOrDefault(baseAsset + "/" + quoteAsset) ?? baseAsset + quoteAsset;

    /// <summary>A gateway whose actor stopped no longer receives the stream's answers.</summary>
    internal void Release(IActorRef actor)
    {
        lock (_streamFills)
        {
            if (_actor.Equals(actor)) _actor = ActorRefs.Nobody;
        }
    }

    internal void OnWarning(string message) => Warning?.Invoke(message);

    /// <summary>Binance's filters as the planner reads them (null when the pair lacks the price or lot filter).</summary>
    public static PairFilters? FiltersOf(SpotPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        if (pair.Filters.Price is not { } price || pair.Filters.LotSize is not { } lot) return null;
        var market = pair.Filters.MarketLotSize;
        return new PairFilters(price.TickSize, lot.StepSize, lot.MinQty, lot.MaxQty,
            market?.StepSize ?? 0m, market?.MinQty ?? 0m, market?.MaxQty ?? 0m,
            pair.Filters.Notional?.MinNotional ?? 0m, pair.Filters.Notional?.MaxNotional ?? 0m);
    }

    private async Task<string?> RefreshBalancesAsync(CancellationToken ct)
    {
        try
        {
            var account = await _rest.Spot.GetAccountAsync(ct).ConfigureAwait(false);
            if (!account.Success)
            {
                Warning?.Invoke($"spot account read failed: {account.Error}");
                return $"spot account (GET /api/v3/account) failed: {account.Error}";
            }

            foreach (var b in account.Data.Balances) _free[b.Asset] = b.Free;
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return "cancelled";
        }
    }

    /// <summary>
    /// Trades add up per client id (the stream reports each trade's commission, not the total); an order's end is told to
    /// the venue actor as a final answer when the trades seen add up to its executed quantity, else left to REST.
    /// </summary>
    private void OnExecutionReport(SpotExecutionReport r)
    {
        IActorRef actor;
        TriangleSagaInput.LegReport? report = null;
        lock (_streamFills)
        {
            actor = _actor;
            var cid = r.ClientOrderId;
            _streamFills.TryGetValue(cid, out var seen);
            if (r.ExecutionType == "TRADE")
            {
                seen = (seen.Qty + r.LastFilledQty, seen.Commission + r.Commission, r.CommissionAsset ?? seen.Asset ?? string.Empty);
                _streamFills[cid] = seen;
            }

            if (BinanceSpotTriangleGateway.StatusOf(r.Status) is { } status)
            {
                _streamFills.Remove(cid);
                if (seen.Qty == r.CumulativeFilledQty)
                {
                    report = new TriangleSagaInput.LegReport(cid, status, r.CumulativeFilledQty, r.CumulativeQuoteQty, seen.Commission,
                        seen.Asset ?? string.Empty, $"user-data stream: {r.Status}{(r.RejectReason is "" or "NONE" ? "" : " " + r.RejectReason)}", r.TransactionTime);
                }
            }
        }

        if (report is not null && TriangleOrderIds.IsValid(report.ClientOrderId)) actor.Tell(new TriangleGatewayAnswer(report));
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();
}
