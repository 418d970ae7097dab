using System.Globalization;
using System.Text.Json;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Signing;

namespace Arbitrage.Binance.Rest;

/// <summary>Public market data: server time, exchange rules, depth, trades, funding, sentiment.</summary>
public sealed class BinanceExchangeDataApi
{
    private readonly BinanceRestTransport _t;
    private readonly ServerClock _clock;

    internal BinanceExchangeDataApi(BinanceRestTransport transport, ServerClock clock)
    {
        _t = transport;
        _clock = clock;
    }

    private Uri Fapi => _t.Options.UsdmRestBaseUrl;

    public Task<BinanceResult<bool>> PingAsync(CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v1/ping", new RestParameters(), Security.None, CallKind.Read, _ => true, ct);

    /// <summary><c>GET /fapi/v1/time</c>: server time in Unix ms.</summary>
    public Task<BinanceResult<long>> GetServerTimeAsync(CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v1/time", new RestParameters(), Security.None, CallKind.Read,
            ParseServerTime, ct);

    /// <summary>Reads the server time and sets <see cref="ServerClock"/>'s offset; returns the offset in ms.</summary>
    public async Task<BinanceResult<long>> SyncServerTimeAsync(CancellationToken ct = default)
    {
        var sent = _clock.LocalNowMs;
        var r = await GetServerTimeAsync(ct).ConfigureAwait(false);
        if (!r.Success) return r.Error;
        _clock.Observe(r.Data, sent, _clock.LocalNowMs);
        return _clock.OffsetMs;
    }

    /// <summary><c>GET /fapi/v1/exchangeInfo</c> reduced to the filters sizing needs.</summary>
    public Task<BinanceResult<ExchangeInfo>> GetExchangeInfoAsync(CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v1/exchangeInfo", new RestParameters(), Security.None, CallKind.Read, ParseExchangeInfo, ct);

    /// <summary><c>GET /fapi/v1/depth</c> (limit 5, 10, 20, 50, 100, 500, 1000).</summary>
    public Task<BinanceResult<DepthSnapshot>> GetOrderBookAsync(string symbol, int? limit = null, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v1/depth", new RestParameters().Add("symbol", symbol).Add("limit", limit),
            Security.None, CallKind.Read, ParseDepth, ct);

    /// <summary><c>GET /fapi/v1/aggTrades</c>: by <c>fromId</c> for gap-free catch-up, or by time window.</summary>
    public Task<BinanceResult<IReadOnlyList<AggTradeRecord>>> GetAggTradesAsync(AggTradesQuery q, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v1/aggTrades",
            new RestParameters().Add("symbol", q.Symbol).Add("fromId", q.FromId).Add("startTime", q.StartTime)
                .Add("endTime", q.EndTime).Add("limit", q.Limit),
            Security.None, CallKind.Read, ParseList<AggTradeRecord>, ct);

    /// <summary><c>GET /fapi/v1/premiumIndex</c> for one symbol.</summary>
    public Task<BinanceResult<PremiumIndex>> GetPremiumIndexAsync(string symbol, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v1/premiumIndex", new RestParameters().Add("symbol", symbol),
            Security.None, CallKind.Read, b => JsonSerializer.Deserialize<PremiumIndex>(b, BinanceRestTransport.Json)!, ct);

    /// <summary><c>GET /fapi/v1/premiumIndex</c> for every symbol.</summary>
    public Task<BinanceResult<IReadOnlyList<PremiumIndex>>> GetPremiumIndexesAsync(CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v1/premiumIndex", new RestParameters(), Security.None, CallKind.Read, ParseList<PremiumIndex>, ct);

    /// <summary>One page of <c>GET /fapi/v1/fundingRate</c> (ascending, at most 1000).</summary>
    public Task<BinanceResult<IReadOnlyList<FundingRateRecord>>> GetFundingRatesAsync(string symbol, long? startTime = null,
        long? endTime = null, int? limit = null, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v1/fundingRate",
            new RestParameters().Add("symbol", symbol).Add("startTime", startTime).Add("endTime", endTime).Add("limit", limit),
            Security.None, CallKind.Read, ParseList<FundingRateRecord>, ct);

    /// <summary>All settled funding rates in [start, end], paging forward by <paramref name="pageSize"/>.</summary>
    public async Task<BinanceResult<IReadOnlyList<FundingRateRecord>>> GetFundingRateHistoryAsync(string symbol, long startTime,
        long endTime, int pageSize = 1000, CancellationToken ct = default)
    {
        var all = new List<FundingRateRecord>();
        var from = startTime;
        while (from <= endTime)
        {
            var page = await GetFundingRatesAsync(symbol, from, endTime, pageSize, ct).ConfigureAwait(false);
            if (!page.Success) return page.Error;
            all.AddRange(page.Data);
            if (page.Data.Count < pageSize) break;
            from = page.Data[^1].FundingTime + 1;
        }
        return BinanceResult<IReadOnlyList<FundingRateRecord>>.Ok(all);
    }

    /// <summary><c>GET /futures/data/openInterestHist</c> (period 5m … 1d; last 30 days only).</summary>
    public Task<BinanceResult<IReadOnlyList<OpenInterestHistRecord>>> GetOpenInterestHistoryAsync(string symbol, string period,
        int? limit = null, long? startTime = null, long? endTime = null, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/futures/data/openInterestHist",
            new RestParameters().Add("symbol", symbol).Add("period", period).Add("limit", limit).Add("startTime", startTime).Add("endTime", endTime),
            Security.None, CallKind.Read, ParseList<OpenInterestHistRecord>, ct);

    /// <summary><c>GET /futures/data/globalLongShortAccountRatio</c>.</summary>
    public Task<BinanceResult<IReadOnlyList<LongShortRatioRecord>>> GetGlobalLongShortAccountRatioAsync(string symbol, string period,
        int? limit = null, long? startTime = null, long? endTime = null, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/futures/data/globalLongShortAccountRatio",
            new RestParameters().Add("symbol", symbol).Add("period", period).Add("limit", limit).Add("startTime", startTime).Add("endTime", endTime),
            Security.None, CallKind.Read, ParseList<LongShortRatioRecord>, ct);

    /// <summary><c>GET /futures/data/topLongShortAccountRatio</c> (top traders, by accounts).</summary>
    public Task<BinanceResult<IReadOnlyList<LongShortRatioRecord>>> GetTopLongShortAccountRatioAsync(string symbol, string period,
        int? limit = null, long? startTime = null, long? endTime = null, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/futures/data/topLongShortAccountRatio",
            new RestParameters().Add("symbol", symbol).Add("period", period).Add("limit", limit).Add("startTime", startTime).Add("endTime", endTime),
            Security.None, CallKind.Read, ParseList<LongShortRatioRecord>, ct);

    /// <summary><c>GET /futures/data/topLongShortPositionRatio</c> (top traders, by position size).</summary>
    public Task<BinanceResult<IReadOnlyList<LongShortRatioRecord>>> GetTopLongShortPositionRatioAsync(string symbol, string period,
        int? limit = null, long? startTime = null, long? endTime = null, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/futures/data/topLongShortPositionRatio",
            new RestParameters().Add("symbol", symbol).Add("period", period).Add("limit", limit).Add("startTime", startTime).Add("endTime", endTime),
            Security.None, CallKind.Read, ParseList<LongShortRatioRecord>, ct);

    /// <summary><c>GET /futures/data/takerlongshortRatio</c> (taker buy / sell volume per period).</summary>
    public Task<BinanceResult<IReadOnlyList<TakerVolumeRecord>>> GetTakerBuySellVolumeAsync(string symbol, string period,
        int? limit = null, long? startTime = null, long? endTime = null, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/futures/data/takerlongshortRatio",
            new RestParameters().Add("symbol", symbol).Add("period", period).Add("limit", limit).Add("startTime", startTime).Add("endTime", endTime),
            Security.None, CallKind.Read, ParseList<TakerVolumeRecord>, ct);

    private static long ParseServerTime(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("serverTime").GetInt64();
    }

    internal static IReadOnlyList<T> ParseList<T>(byte[] body) =>
        JsonSerializer.Deserialize<List<T>>(body, BinanceRestTransport.Json) ?? throw new JsonException("null list");

    private static decimal Dec(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? decimal.Parse(e.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : e.GetDecimal();

    /// <summary>Parsed by the shared wire-format parser (Protocol/DepthSnapshotFrame).</summary>
    internal static DepthSnapshot ParseDepth(byte[] body)
    {
        var levels = new DepthLevelBuffer(1024);
        if (!DepthSnapshotFrame.TryParse(body, levels, out var info, out var error))
            throw new FormatException($"depth snapshot: {error}");
        return new DepthSnapshot(info.LastUpdateId, info.EventTimeMs, info.TransactionTimeMs, levels.Bids.ToArray(), levels.Asks.ToArray());
    }

    private static ExchangeInfo ParseExchangeInfo(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        var r = doc.RootElement;
        var symbols = new List<SymbolRules>();
        foreach (var s in r.GetProperty("symbols").EnumerateArray())
        {
            decimal tick = 0, minP = 0, maxP = 0, step = 0, minQ = 0, maxQ = 0, mStep = 0, mMinQ = 0, mMaxQ = 0, notional = 0;
            foreach (var f in s.GetProperty("filters").EnumerateArray())
            {
                switch (f.GetProperty("filterType").GetString())
                {
                    case "PRICE_FILTER":
                        tick = Dec(f.GetProperty("tickSize")); minP = Dec(f.GetProperty("minPrice")); maxP = Dec(f.GetProperty("maxPrice"));
                        break;
                    case "LOT_SIZE":
                        step = Dec(f.GetProperty("stepSize")); minQ = Dec(f.GetProperty("minQty")); maxQ = Dec(f.GetProperty("maxQty"));
                        break;
                    case "MARKET_LOT_SIZE":
                        mStep = Dec(f.GetProperty("stepSize")); mMinQ = Dec(f.GetProperty("minQty")); mMaxQ = Dec(f.GetProperty("maxQty"));
                        break;
                    case "MIN_NOTIONAL":
                        // USD-M says "notional", spot's NOTIONAL/MIN_NOTIONAL say "minNotional".
                        notional = Dec(f.TryGetProperty("notional", out var n) ? n : f.GetProperty("minNotional"));
                        break;
                }
            }
            var types = new List<string>();
            if (s.TryGetProperty("orderTypes", out var ot) || s.TryGetProperty("OrderType", out ot))
                foreach (var t in ot.EnumerateArray()) types.Add(t.GetString() ?? "");
            symbols.Add(new SymbolRules(
                s.GetProperty("symbol").GetString()!,
                s.TryGetProperty("status", out var st) ? st.GetString() ?? "" : "",
                s.TryGetProperty("baseAsset", out var ba) ? ba.GetString() ?? "" : "",
                s.TryGetProperty("quoteAsset", out var qa) ? qa.GetString() ?? "" : "",
                tick, minP, maxP, step, minQ, maxQ,
                mStep == 0 ? step : mStep, mMinQ == 0 ? minQ : mMinQ, mMaxQ == 0 ? maxQ : mMaxQ,
                notional, types));
        }
        return new ExchangeInfo(r.TryGetProperty("serverTime", out var time) ? time.GetInt64() : 0, symbols);
    }
}
