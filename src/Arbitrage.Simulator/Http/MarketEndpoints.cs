using System.Text.Json;
using Arbitrage.Binance.Tapes;
using Arbitrage.Simulator.Exchange;
using Arbitrage.Simulator.Market;
using Arbitrage.Simulator.Tape;

namespace Arbitrage.Simulator.Http;

/// <summary>Public market-data endpoints (<c>/fapi/v1</c>, <c>/futures/data</c>, <c>/api/v3</c>) answered from the tape state.</summary>
public sealed class MarketEndpoints(SimulatorState state, RestPipeline pipeline)
{
    public void Map(IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/fapi/v1", "/api/v3" })
        {
            var spot = prefix == "/api/v3";
            app.MapGet(prefix + "/ping", pipeline.Endpoint(1, EndpointSecurity.None, _ => Answer.Ok("{}")));
            app.MapGet(prefix + "/time", pipeline.Endpoint(1, EndpointSecurity.None, _ => Answer.Ok($"{{\"serverTime\":{state.WallNowMs}}}")));
            if (spot)
            {
                // Spot weights (Binance spot REST docs): exchangeInfo 20; depth 5/25/50/250 by limit.
                app.MapGet(prefix + "/exchangeInfo", pipeline.Endpoint(20, EndpointSecurity.None, r => Answer.Ok(ExchangeInfo(spot: true, SpotSymbols(r)))));
                app.MapGet(prefix + "/depth", pipeline.Endpoint(SpotDepthWeight, EndpointSecurity.None, r => Depth(r, spot: true)));
            }
            else
            {
                app.MapGet(prefix + "/exchangeInfo", pipeline.Endpoint(1, EndpointSecurity.None, _ => Answer.Ok(ExchangeInfo(spot: false, null))));
                app.MapGet(prefix + "/depth", pipeline.Endpoint(5, EndpointSecurity.None, r => Depth(r, spot: false)));
            }

            app.MapGet(prefix + "/aggTrades", pipeline.Endpoint(20, EndpointSecurity.None, AggTrades));
            app.MapGet(prefix + "/trades", pipeline.Endpoint(5, EndpointSecurity.None, AggTrades));
            app.MapGet(prefix + "/ticker/bookTicker", pipeline.Endpoint(2, EndpointSecurity.None, BookTicker));
            app.MapGet(prefix + "/ticker/price", pipeline.Endpoint(1, EndpointSecurity.None, TickerPrice));
        }
        app.MapGet("/fapi/v1/premiumIndex", pipeline.Endpoint(1, EndpointSecurity.None, PremiumIndex));
        app.MapGet("/fapi/v1/fundingRate", pipeline.Endpoint(1, EndpointSecurity.None, FundingRate));
        app.MapGet("/futures/data/openInterestHist", pipeline.Endpoint(1, EndpointSecurity.None, r => Sentiment(r, FuturesDataSeries.OpenInterest)));
        app.MapGet("/futures/data/globalLongShortAccountRatio", pipeline.Endpoint(1, EndpointSecurity.None, r => Sentiment(r, FuturesDataSeries.GlobalAccounts)));
        app.MapGet("/futures/data/topLongShortAccountRatio", pipeline.Endpoint(1, EndpointSecurity.None, r => Sentiment(r, FuturesDataSeries.TopAccounts)));
        app.MapGet("/futures/data/topLongShortPositionRatio", pipeline.Endpoint(1, EndpointSecurity.None, r => Sentiment(r, FuturesDataSeries.TopPositions)));
        app.MapGet("/futures/data/takerlongshortRatio", pipeline.Endpoint(1, EndpointSecurity.None, r => Sentiment(r, FuturesDataSeries.TakerVolume)));
    }

    private SymbolMarket MarketOf(BinanceRequest r) =>
        state.Market(r.Symbol()) ?? throw new SimRequestException(SimError.Rejected(-1121, "Invalid symbol."));

    /// <summary>
    /// The symbols a spot exchangeInfo asks for: <c>symbol=X</c>, <c>symbols=["X","Y"]</c> (as Binance, an unknown
    /// one fails the whole request with -1121), or null for every symbol.
    /// </summary>
    private IReadOnlyList<string>? SpotSymbols(BinanceRequest r)
    {
        string[] wanted;
        if (r.Get("symbols") is { } list)
        {
            try
            {
                wanted = JsonSerializer.Deserialize<string[]>(list) ?? throw new SimRequestException(SimError.BadParameter("symbols"));
            }
            catch (JsonException)
            {
                throw new SimRequestException(SimError.Rejected(-1100, "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'."));
            }
        }
        else if (r.Get("symbol") is { } one)
        {
            wanted = [one];
        }
        else
        {
            return null;
        }

        var known = state.Symbols;
        foreach (var s in wanted)
        {
            if (!known.Contains(s, StringComparer.Ordinal)) throw new SimRequestException(SimError.Rejected(-1121, "Invalid symbol."));
        }

        return wanted;
    }

    /// <summary>Spot depth weight by limit: 1–100 → 5, 101–500 → 25, 501–1000 → 50, 1001–5000 → 250.</summary>
    private static int SpotDepthWeight(HttpRequest request) =>
        (int.TryParse(request.Query["limit"].ToString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : 100) switch
        {
            <= 100 => 5,
            <= 500 => 25,
            <= 1000 => 50,
            _ => 250,
        };

    private string ExchangeInfo(bool spot, IReadOnlyList<string>? only) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("timezone", "UTC");
        w.WriteNumber("serverTime", state.WallNowMs);
        if (!spot) w.WriteString("futuresType", "U_MARGINED");
        w.WriteStartArray("rateLimits");
        RateLimit(w, "REQUEST_WEIGHT", "MINUTE", 1, state.Options.WeightLimitPerMinute);
        RateLimit(w, "ORDERS", "MINUTE", 1, 1200);
        RateLimit(w, "ORDERS", "SECOND", 10, 300);
        w.WriteEndArray();
        w.WriteStartArray("exchangeFilters");
        w.WriteEndArray();
        w.WriteStartArray("symbols");
        foreach (var symbol in only ?? state.Symbols.Order(StringComparer.Ordinal).ToArray())
        {
            // Spot publishes the rules its account enforces (SpotOptions), USD-M the futures ones.
            var spec = spot ? state.Options.Spot.SpecFor(symbol) : state.Options.SpecFor(symbol);
            var (baseAsset, quote) = SplitSymbol(symbol);
            baseAsset = spec.BaseAsset ?? baseAsset;
            quote = spec.QuoteAsset ?? quote;
            w.WriteStartObject();
            w.WriteString("symbol", symbol);
            if (!spot)
            {
                w.WriteString("pair", symbol);
                w.WriteString("contractType", "PERPETUAL");
                w.WriteString("contractStatus", "TRADING");
                w.WriteNumber("deliveryDate", 4133404800000);
                w.WriteNumber("onboardDate", 1569398400000);
                w.WriteString("marginAsset", quote);
                w.WriteNumber("pricePrecision", Scale(spec.TickSize));
                w.WriteNumber("quantityPrecision", Scale(spec.StepSize));
                w.WriteString("underlyingType", "COIN");
                w.WriteString("triggerProtect", "0.0500");
                w.WriteString("maintMarginPercent", "2.5000");
                w.WriteString("requiredMarginPercent", "5.0000");
                w.WriteString("liquidationFee", "0.012500");
                w.WriteString("marketTakeBound", "0.05");
            }
            w.WriteString("status", spec.Status);
            w.WriteString("baseAsset", baseAsset);
            w.WriteString("quoteAsset", quote);
            w.WriteNumber("baseAssetPrecision", 8);
            w.WriteNumber("quotePrecision", 8);
            w.WriteStartArray("filters");
            w.WriteStartObject();
            w.WriteString("filterType", "PRICE_FILTER");
            w.Dec("minPrice", spec.MinPrice);
            w.Dec("maxPrice", spec.MaxPrice);
            w.Dec("tickSize", spec.TickSize);
            w.WriteEndObject();
            foreach (var lot in new[] { "LOT_SIZE", "MARKET_LOT_SIZE" })
            {
                w.WriteStartObject();
                w.WriteString("filterType", lot);
                w.Dec("minQty", spec.MinQty);
                w.Dec("maxQty", spec.MaxQty);
                w.Dec("stepSize", spec.StepSize);
                w.WriteEndObject();
            }
            w.WriteStartObject();
            if (spot)
            {
                w.WriteString("filterType", "NOTIONAL");
                w.Dec("minNotional", spec.MinNotional);
                w.WriteBoolean("applyMinToMarket", true);
            }
            else
            {
                w.WriteString("filterType", "MIN_NOTIONAL");
                w.Dec("notional", spec.MinNotional);
            }
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("filterType", "MAX_NUM_ORDERS");
            w.WriteNumber("limit", 200);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("orderTypes"); // Binance answers "orderTypes" on both (its USD-M docs print "OrderType")
            foreach (var t in spot ? ["LIMIT", "MARKET"] : new[] { "LIMIT", "MARKET", "STOP_MARKET", "TAKE_PROFIT_MARKET" }) w.WriteStringValue(t);
            w.WriteEndArray();
            w.WriteStartArray("timeInForce");
            foreach (var t in new[] { "GTC", "IOC", "FOK", "GTX" }) w.WriteStringValue(t);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void RateLimit(Utf8JsonWriter w, string type, string interval, int num, int limit)
    {
        w.WriteStartObject();
        w.WriteString("rateLimitType", type);
        w.WriteString("interval", interval);
        w.WriteNumber("intervalNum", num);
        w.WriteNumber("limit", limit);
        w.WriteEndObject();
    }

    private static (string Base, string Quote) SplitSymbol(string symbol)
    {
        foreach (var q in new[] { "USDT", "USDC", "FDUSD", "BUSD", "BTC", "ETH", "BNB", "USD" })
            if (symbol.EndsWith(q, StringComparison.Ordinal) && symbol.Length > q.Length) return (symbol[..^q.Length], q);
        var us = symbol.IndexOf('_');
        return us > 0 ? (symbol[..us], "USD") : (symbol, "USDT");
    }

    private static int Scale(decimal d) => (int)((decimal.GetBits(d / 1.0000000000000000000000000000m)[3] >> 16) & 0xFF);

    /// <summary>USD-M: limit ≤ 1000 (default 500), with E and T. Spot: limit ≤ 5000 (default 100), lastUpdateId and levels only.</summary>
    private Answer Depth(BinanceRequest r, bool spot)
    {
        var limit = (int)(r.Long("limit") ?? (spot ? 100 : 500));
        if (limit < 1 || limit > (spot ? 5000 : 1000)) throw new SimRequestException(SimError.BadParameter("limit"));
        lock (state.Sync)
        {
            var m = MarketOf(r);
            var book = m.Book;
            return Answer.Ok(JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("lastUpdateId", book.LastUpdateId);
                if (!spot)
                {
                    w.WriteNumber("E", book.LastEventTime == 0 ? state.TapeNowMs : book.LastEventTime);
                    w.WriteNumber("T", book.LastTransactionTime == 0 ? state.TapeNowMs : book.LastTransactionTime);
                }

                Levels(w, "bids", book.Bids, limit);
                Levels(w, "asks", book.Asks, limit);
                w.WriteEndObject();
            }));
        }

        static void Levels(Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<decimal, decimal>> levels, int limit)
        {
            w.WriteStartArray(name);
            var n = 0;
            foreach (var (p, q) in levels)
            {
                if (n++ == limit) break;
                w.WriteStartArray();
                w.WriteStringValue(JsonText.D(p));
                w.WriteStringValue(JsonText.D(q));
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
    }

    /// <summary>Binance's rules: fromId → from that id; startTime/endTime → inside the window; neither → the most recent.</summary>
    private Answer AggTrades(BinanceRequest r)
    {
        var limit = (int)(r.Long("limit") ?? 500);
        if (limit is < 1 or > 1000) throw new SimRequestException(SimError.BadParameter("limit"));
        var fromId = r.Long("fromId");
        var start = r.Long("startTime");
        var end = r.Long("endTime");
        if (start is { } s0 && end is { } e0 && e0 - s0 > 3_600_000)
            throw new SimRequestException(SimError.Rejected(-1127, "More than 1 hours between startTime and endTime."));
        lock (state.Sync)
        {
            var trades = MarketOf(r).Trades;
            int from;
            if (fromId is { } id) from = LowerBound(trades, t => t.Id < id);
            else if (start is { } s) from = LowerBound(trades, t => t.TimeMs < s);
            else if (end is { } e) from = Math.Max(0, LowerBound(trades, t => t.TimeMs <= e) - limit);
            else from = Math.Max(0, trades.Count - limit);
            return Answer.Ok(JsonText.Write(w =>
            {
                w.WriteStartArray();
                for (var i = from; i < trades.Count && i < from + limit; i++)
                {
                    var t = trades[i];
                    if (end is { } e && t.TimeMs > e) break;
                    w.WriteStartObject();
                    w.WriteNumber("a", t.Id);
                    w.WriteString("p", t.PriceText);
                    w.WriteString("q", t.QuantityText);
                    w.WriteNumber("f", t.FirstId);
                    w.WriteNumber("l", t.LastId);
                    w.WriteNumber("T", t.TimeMs);
                    w.WriteBoolean("m", t.IsBuyerMaker);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }));
        }
    }

    private static int LowerBound(List<TradeTick> trades, Func<TradeTick, bool> before)
    {
        int lo = 0, hi = trades.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (before(trades[mid])) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private Answer PremiumIndex(BinanceRequest r)
    {
        lock (state.Sync)
        {
            if (r.Has("symbol")) return Answer.Ok(JsonText.Write(w => WritePremium(w, MarketOf(r))));
            return Answer.Ok(JsonText.Write(w =>
            {
                w.WriteStartArray();
                foreach (var m in state.Markets.OrderBy(m => m.Symbol, StringComparer.Ordinal)) WritePremium(w, m);
                w.WriteEndArray();
            }));
        }
    }

    private void WritePremium(Utf8JsonWriter w, SymbolMarket m)
    {
        var mark = m.MarkPrice ?? m.LastPrice ?? 0m;
        w.WriteStartObject();
        w.WriteString("symbol", m.Symbol);
        w.Dec("markPrice", mark);
        w.Dec("indexPrice", m.IndexPrice ?? mark);
        w.Dec("estimatedSettlePrice", m.EstimatedSettlePrice ?? mark);
        w.Dec("lastFundingRate", m.FundingRate ?? state.Options.DefaultFundingRate);
        w.WriteString("interestRate", "0.00010000");
        w.WriteNumber("nextFundingTime", m.NextFundingTime ?? (state.TapeNowMs / 28_800_000 + 1) * 28_800_000);
        w.WriteNumber("time", m.MarkTime == 0 ? state.TapeNowMs : m.MarkTime);
        w.WriteEndObject();
    }

    private Answer FundingRate(BinanceRequest r)
    {
        var limit = (int)(r.Long("limit") ?? 100);
        if (limit is < 1 or > 1000) throw new SimRequestException(SimError.BadParameter("limit"));
        var start = r.Long("startTime");
        var end = r.Long("endTime");
        var symbol = r.Get("symbol")?.ToUpperInvariant();
        lock (state.Sync)
        {
            var all = state.Options.FundingHistory
                .Concat(state.Markets.SelectMany(m => m.Funding))
                .Where(f => (symbol is null || f.Symbol == symbol) && (start is null || f.FundingTimeMs >= start) && (end is null || f.FundingTimeMs <= end))
                .OrderBy(f => f.FundingTimeMs)
                .ToList();
            // Binance: from startTime forward; without startTime, the most recent records.
            var page = start is null ? all.TakeLast(limit) : all.Take(limit);
            return Answer.Ok(JsonText.Write(w =>
            {
                w.WriteStartArray();
                foreach (var f in page)
                {
                    w.WriteStartObject();
                    w.WriteString("symbol", f.Symbol);
                    w.WriteString("fundingRate", f.Rate.ToString("0.00000000", System.Globalization.CultureInfo.InvariantCulture));
                    w.WriteNumber("fundingTime", f.FundingTimeMs);
                    w.Dec("markPrice", f.MarkPrice);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }));
        }
    }

    private Answer BookTicker(BinanceRequest r)
    {
        lock (state.Sync)
        {
            var m = MarketOf(r);
            return Answer.Ok(JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("symbol", m.Symbol);
                w.Dec("bidPrice", m.BestBid ?? m.Book.Bids.FirstOrDefault().Key);
                w.WriteString("bidQty", "0");
                w.Dec("askPrice", m.BestAsk ?? m.Book.Asks.FirstOrDefault().Key);
                w.WriteString("askQty", "0");
                w.WriteNumber("time", state.TapeNowMs);
                w.WriteEndObject();
            }));
        }
    }

    private Answer TickerPrice(BinanceRequest r)
    {
        lock (state.Sync)
        {
            var m = MarketOf(r);
            return Answer.Ok(JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("symbol", m.Symbol);
                w.Dec("price", m.LastPrice ?? 0m);
                w.WriteNumber("time", state.TapeNowMs);
                w.WriteEndObject();
            }));
        }
    }

    /// <summary>
    /// The tapes carry no open-interest or long/short data: these answer a flat, clearly synthetic series
    /// (open interest 10 000 contracts, ratio 1.0) on the period grid up to the tape's now.
    /// </summary>
    private enum FuturesDataSeries
    {
        OpenInterest,
        GlobalAccounts,
        TopAccounts,
        TopPositions,
        TakerVolume,
    }

    /// <summary>
    /// The <c>/futures/data/*</c> statistics. For a symbol given metrics (<see cref="SimulatorOptions.Metrics"/>, e.g. the
    /// recorded 5-minute CSV) the recorded points, selected as Binance does: both times → the first <c>limit</c> points
    /// in [startTime, endTime]; startTime only → the first <c>limit</c> from it; endTime only, or neither (then the tape's
    /// clock) → the last <c>limit</c> up to it; a longer period takes the points on its boundaries. Binance keeps only the
    /// last 30 days; the simulator serves whatever it was given. Other symbols of the tape get flat placeholder values
    /// (ratio 1, open interest 10,000) so live code always has an answer.
    /// </summary>
    private Answer Sentiment(BinanceRequest r, FuturesDataSeries series)
    {
        var period = r.Required("period");
        var periodMs = period switch
        {
            "5m" => 300_000L, "15m" => 900_000L, "30m" => 1_800_000L, "1h" => 3_600_000L, "2h" => 7_200_000L,
            "4h" => 14_400_000L, "6h" => 21_600_000L, "12h" => 43_200_000L, "1d" => 86_400_000L,
            _ => throw new SimRequestException(SimError.BadParameter("period")),
        };
        var limit = (int)(r.Long("limit") ?? 30);
        if (limit is < 1 or > 500) throw new SimRequestException(SimError.BadParameter("limit"));
        var start = r.Long("startTime");
        var end = r.Long("endTime");
        if (start is { } s0 && end is { } e0 && s0 > e0) throw new SimRequestException(SimError.BadParameter("startTime"));
        var symbol = r.Symbol();
        if (state.Options.Metrics.TryGetValue(symbol, out var recorded))
        {
            long now;
            lock (state.Sync) now = state.TapeNowMs;
            var points = SelectPoints(recorded, periodMs, limit, start, end, now);
            return Answer.Ok(JsonText.Write(w =>
            {
                w.WriteStartArray();
                foreach (var p in points) WritePoint(w, symbol, series, p);
                w.WriteEndArray();
            }));
        }

        lock (state.Sync)
        {
            var m = MarketOf(r);
            var last = (end ?? state.TapeNowMs) / periodMs * periodMs;
            var price = m.LastPrice ?? 0m;
            var placeholder = new FuturesMetricPoint(0, 10_000m, 10_000m * price, 1m, 1m, 1m, 1m, 0m, 0m);
            return Answer.Ok(JsonText.Write(w =>
            {
                w.WriteStartArray();
                for (var i = limit - 1; i >= 0; i--)
                {
                    var ts = last - i * periodMs;
                    if (start is { } s && ts < s) continue;
                    WritePoint(w, m.Symbol, series, placeholder with { TimeMs = ts });
                }
                w.WriteEndArray();
            }));
        }
    }

    private static IEnumerable<FuturesMetricPoint> SelectPoints(IReadOnlyList<FuturesMetricPoint> points, long periodMs, int limit,
        long? start, long? end, long now)
    {
        var onPeriod = points.Where(p => p.TimeMs % periodMs == 0);
        if (start is { } s)
            return onPeriod.Where(p => p.TimeMs >= s && (end is not { } e || p.TimeMs <= e)).Take(limit);
        var upTo = end ?? now;
        return onPeriod.Where(p => p.TimeMs <= upTo).TakeLast(limit);
    }

    private static void WritePoint(Utf8JsonWriter w, string symbol, FuturesDataSeries series, FuturesMetricPoint p)
    {
        w.WriteStartObject();
        if (series != FuturesDataSeries.TakerVolume) w.WriteString("symbol", symbol);
        switch (series)
        {
            case FuturesDataSeries.OpenInterest:
                w.Dec("sumOpenInterest", p.SumOpenInterest);
                w.Dec("sumOpenInterestValue", p.SumOpenInterestValue);
                break;
            case FuturesDataSeries.TakerVolume:
                w.Dec("buySellRatio", p.TakerBuySellRatio);
                w.Dec("buyVol", p.TakerBuyVolume);
                w.Dec("sellVol", p.TakerSellVolume);
                break;
            default:
                // Binance: longAccount + shortAccount = 1 and longShortRatio = longAccount / shortAccount.
                var ratio = series switch
                {
                    FuturesDataSeries.GlobalAccounts => p.GlobalAccountRatio,
                    FuturesDataSeries.TopAccounts => p.TopAccountRatio,
                    _ => p.TopPositionRatio,
                };
                w.Dec("longShortRatio", ratio);
                w.Dec("longAccount", decimal.Round(ratio / (1m + ratio), 4));
                w.Dec("shortAccount", decimal.Round(1m / (1m + ratio), 4));
                break;
        }

        w.WriteNumber("timestamp", p.TimeMs);
        w.WriteEndObject();
    }
}
