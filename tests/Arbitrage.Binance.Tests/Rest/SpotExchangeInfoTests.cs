using System.Text;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Tests.Simulator;
using Arbitrage.Simulator;

namespace Arbitrage.Binance.Tests.Rest;

/// <summary>Spot <c>GET /api/v3/exchangeInfo</c>: the parser on Binance's layout, and the client against the simulator.</summary>
public class SpotExchangeInfoTests
{
    // Binance spot's layout: numbers as 8-decimal strings, filters this client skips (ICEBERG_PARTS, TRAILING_DELTA,
    // PERCENT_PRICE_BY_SIDE, MAX_NUM_ORDERS), the newer NOTIONAL beside the older MIN_NOTIONAL, a MARKET_LOT_SIZE
    // step of 0 ("no step of its own"), and a pair on BREAK.
    private const string Answer = """
        {"timezone":"UTC","serverTime":1723161256000,
         "rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000},
                       {"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":100},
                       {"rateLimitType":"RAW_REQUESTS","interval":"MINUTE","intervalNum":5,"limit":61000}],
         "exchangeFilters":[],
         "symbols":[
          {"symbol":"ETHBTC","status":"TRADING","baseAsset":"ETH","baseAssetPrecision":8,"quoteAsset":"BTC","quotePrecision":8,
           "orderTypes":["LIMIT","LIMIT_MAKER","MARKET","STOP_LOSS_LIMIT","TAKE_PROFIT_LIMIT"],"icebergAllowed":true,
           "filters":[
            {"filterType":"PRICE_FILTER","minPrice":"0.00001000","maxPrice":"922327.00000000","tickSize":"0.00001000"},
            {"filterType":"LOT_SIZE","minQty":"0.00010000","maxQty":"100000.00000000","stepSize":"0.00010000"},
            {"filterType":"ICEBERG_PARTS","limit":10},
            {"filterType":"MARKET_LOT_SIZE","minQty":"0.00000000","maxQty":"1342.59360312","stepSize":"0.00000000"},
            {"filterType":"TRAILING_DELTA","minTrailingAboveDelta":10,"maxTrailingAboveDelta":2000,"minTrailingBelowDelta":10,"maxTrailingBelowDelta":2000},
            {"filterType":"PERCENT_PRICE_BY_SIDE","bidMultiplierUp":"5","bidMultiplierDown":"0.2","askMultiplierUp":"5","askMultiplierDown":"0.2","avgPriceMins":5},
            {"filterType":"NOTIONAL","minNotional":"0.00010000","applyMinToMarket":true,"maxNotional":"9000000.00000000","applyMaxToMarket":false,"avgPriceMins":5},
            {"filterType":"MAX_NUM_ORDERS","maxNumOrders":200}]},
          {"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT",
           "filters":[
            {"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"1000000.00000000","tickSize":"0.01000000"},
            {"filterType":"LOT_SIZE","minQty":"0.00001000","maxQty":"9000.00000000","stepSize":"0.00001000"},
            {"filterType":"MARKET_LOT_SIZE","minQty":"0.00001000","maxQty":"83.54750000","stepSize":"0.00001000"},
            {"filterType":"MIN_NOTIONAL","minNotional":"10.00000000","applyToMarket":true,"avgPriceMins":5},
            {"filterType":"NOTIONAL","minNotional":"5.00000000","applyMinToMarket":true,"maxNotional":"9000000.00000000","applyMaxToMarket":false,"avgPriceMins":5}]},
          {"symbol":"LUNABTC","status":"BREAK","baseAsset":"LUNA","quoteAsset":"BTC",
           "filters":[
            {"filterType":"PRICE_FILTER","minPrice":"0.00000001","maxPrice":"1000.00000000","tickSize":"0.00000001"},
            {"filterType":"LOT_SIZE","minQty":"0.01000000","maxQty":"90000000.00000000","stepSize":"0.01000000"},
            {"filterType":"MIN_NOTIONAL","minNotional":"0.00010000","applyToMarket":false,"avgPriceMins":5}]}]}
        """;

    [Fact]
    public void Pairs_assets_status_and_filters_are_read_from_binance_strings_exactly()
    {
        var info = SpotExchangeInfoParser.Parse(Encoding.UTF8.GetBytes(Answer));

        Assert.Equal(1723161256000, info.ServerTime);
        Assert.Equal(6000, info.RequestWeightPerMinute);
        Assert.Equal(["ETHBTC", "BTCUSDT", "LUNABTC"], info.Pairs.Select(p => p.Symbol));
        Assert.Equal(["ETHBTC", "BTCUSDT"], info.Trading.Select(p => p.Symbol));

        var ethbtc = info.Find("ETHBTC")!;
        Assert.Equal(("ETH", "BTC", "ETH/BTC"), (ethbtc.BaseAsset, ethbtc.QuoteAsset, ethbtc.Name));
        Assert.Equal(new PriceFilter(0.00001m, 922327m, 0.00001m), ethbtc.Filters.Price);
        Assert.Equal(new LotSizeFilter(0.0001m, 100000m, 0.0001m), ethbtc.Filters.LotSize);
        Assert.Equal(new LotSizeFilter(0m, 1342.59360312m, 0m), ethbtc.Filters.MarketLotSize);
        Assert.Equal(new NotionalFilter(0.0001m, 9000000m, true, false, 5), ethbtc.Filters.Notional);

        // The newer NOTIONAL wins over MIN_NOTIONAL when a pair lists both.
        var btcusdt = info.Find("BTCUSDT")!;
        Assert.Equal(5m, btcusdt.Filters.Notional!.Value.MinNotional);
        Assert.Equal(new LotSizeFilter(0.00001m, 83.5475m, 0.00001m), btcusdt.Filters.MarketLotSize);

        var luna = info.Find("LUNABTC")!;
        Assert.Equal(SpotPairStatus.Break, luna.Status);
        Assert.False(luna.IsTrading);
        Assert.Equal(new NotionalFilter(0.0001m, null, false, false, 5), luna.Filters.Notional);
        Assert.Null(info.Find("ETHUSDT"));
    }

    [Fact]
    public void Sizing_filters_take_the_lot_step_when_the_market_step_is_zero()
    {
        var info = SpotExchangeInfoParser.Parse(Encoding.UTF8.GetBytes(Answer));

        var eth = info.Find("ETHBTC")!.ToSizingFilters()!;
        Assert.Equal((0.00001m, 0.0001m, 0.0001m, 0.0001m), (eth.TickSize, eth.StepSize, eth.MinQty, eth.MinNotional));
        Assert.Null(eth.MarketStepSize);
        Assert.Equal(0.0001m, eth.StepFor(Core.Sizing.OrderKind.Market));
        Assert.Null(eth.Validate());

        var btc = info.Find("BTCUSDT")!.ToSizingFilters()!;
        Assert.Equal(0.00001m, btc.MarketStepSize);
    }

    [Fact]
    public void An_unreadable_filter_value_names_the_pair_the_filter_and_the_field()
    {
        var broken = Answer.Replace("\"stepSize\":\"0.00010000\"", "\"stepSize\":\"0,0001\"", StringComparison.Ordinal);

        var e = Assert.Throws<FormatException>(() => SpotExchangeInfoParser.Parse(Encoding.UTF8.GetBytes(broken)));

        Assert.Contains("ETHBTC", e.Message);
        Assert.Contains("LOT_SIZE", e.Message);
        Assert.Contains("stepSize", e.Message);
    }

    [Fact]
    public async Task The_client_reads_the_simulators_spot_pairs_with_the_filters_its_spot_account_enforces()
    {
        var tapes = OneDiffPerSymbol();
        await using var h = await SimHarness.StartAsync(configure: o => o with
        {
            Frames = tapes,
            Spot = o.Spot with
            {
                Symbols = new Dictionary<string, SymbolSpec>
                {
                    ["ETHBTC"] = new() { TickSize = 0.00001m, MinPrice = 0.00001m, MaxPrice = 922327m, StepSize = 0.0001m, MinQty = 0.0001m, MaxQty = 100000m, MinNotional = 0.0001m },
                    ["LUNABTC"] = new() { Status = "BREAK" },
                },
            },
        });

        var all = (await h.Client.Spot.GetExchangeInfoAsync()).GetOrThrow();
        Assert.Equal(20, h.Client.Limits.UsedWeight1M); // exchangeInfo weighs 20 on spot (the harness is fresh)
        Assert.Equal(["BTCUSDT", "ETHBTC", "ETHUSDT", "LUNABTC"], all.Pairs.Select(p => p.Symbol).Order(StringComparer.Ordinal));
        Assert.Equal(["BTCUSDT", "ETHBTC", "ETHUSDT"], all.Trading.Select(p => p.Symbol).Order(StringComparer.Ordinal));

        var some = (await h.Client.Spot.GetExchangeInfoAsync(["ETHBTC", "btcusdt"])).GetOrThrow();
        Assert.Equal(["ETHBTC", "BTCUSDT"], some.Pairs.Select(p => p.Symbol));
        var ethbtc = some.Find("ETHBTC")!;
        Assert.Equal(("ETH", "BTC"), (ethbtc.BaseAsset, ethbtc.QuoteAsset));
        Assert.Equal(new PriceFilter(0.00001m, 922327m, 0.00001m), ethbtc.Filters.Price);
        Assert.Equal(new LotSizeFilter(0.0001m, 100000m, 0.0001m), ethbtc.Filters.LotSize);
        Assert.Equal(0.0001m, ethbtc.Filters.Notional!.Value.MinNotional);
        // BTCUSDT has no rules of its own: the spot default (Binance-like), not the futures one.
        Assert.Equal(new PriceFilter(0.01m, 1_000_000m, 0.01m), some.Find("BTCUSDT")!.Filters.Price);

        var unknown = await h.Client.Spot.GetExchangeInfoAsync(["ETHBTC", "NOPEUSDT"]);
        Assert.False(unknown.Success);
        Assert.Equal(-1121, unknown.Error!.Code);
    }

    /// <summary>One depth diff per symbol is enough for the simulator to list it.</summary>
    private static IReadOnlyList<Arbitrage.Binance.Tapes.TapeFrame> OneDiffPerSymbol() =>
        new[] { "BTCUSDT", "ETHUSDT", "ETHBTC", "LUNABTC" }
            .Select((s, i) => new Arbitrage.Binance.Tapes.TapeFrame(1_723_161_255_000 + i, s.ToLowerInvariant() + "@depth@100ms",
                $$"""{"e":"depthUpdate","E":{{1_723_161_255_000 + i}},"s":"{{s}}","U":1,"u":2,"b":[["1.00","1.0"]],"a":[["2.00","1.0"]]}"""))
            .ToArray();
}
