using System.Globalization;
using System.Text.Json;
using Arbitrage.Binance.Rest.Models;

namespace Arbitrage.Binance.Rest;

/// <summary>
/// Reads <c>GET /api/v3/exchangeInfo</c>. Numbers come as strings (<c>"0.01000000"</c>) and are parsed with the
/// invariant culture; filters this client does not use (ICEBERG_PARTS, PERCENT_PRICE_BY_SIDE, ...) are skipped.
/// A missing or unreadable field raises <see cref="FormatException"/> naming the pair, the filter and the field.
/// Runs once per (re)load, so it favours clarity over the allocation-free style of the stream parsers.
/// </summary>
public static class SpotExchangeInfoParser
{
    public static SpotExchangeInfo Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("symbols", out var symbols) || symbols.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("exchangeInfo: no \"symbols\" array");
        }

        var serverTime = root.TryGetProperty("serverTime", out var t) && t.TryGetInt64(out var st) ? st : 0;
        var pairs = new List<SpotPair>(symbols.GetArrayLength());
        var i = 0;
        foreach (var s in symbols.EnumerateArray())
        {
            pairs.Add(ReadPair(s, i++));
        }

        return new SpotExchangeInfo(serverTime, RequestWeightPerMinute(root), pairs);
    }

    /// <summary>Binance's text for a status (<c>TRADING</c>, <c>BREAK</c>, ...).</summary>
    public static SpotPairStatus ParseStatus(string? status) => status switch
    {
        "TRADING" => SpotPairStatus.Trading,
        "PRE_TRADING" => SpotPairStatus.PreTrading,
        "POST_TRADING" => SpotPairStatus.PostTrading,
        "END_OF_DAY" => SpotPairStatus.EndOfDay,
        "HALT" => SpotPairStatus.Halt,
        "AUCTION_MATCH" => SpotPairStatus.AuctionMatch,
        "BREAK" => SpotPairStatus.Break,
        _ => SpotPairStatus.Unknown,
    };

    private static SpotPair ReadPair(JsonElement s, int index)
    {
        var where = $"exchangeInfo symbols[{index}]";
        if (s.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}: not an object");
        }

        var symbol = Text(s, "symbol", where);
        where = $"exchangeInfo {symbol}";
        PriceFilter? price = null;
        LotSizeFilter? lot = null, market = null;
        NotionalFilter? notional = null;
        if (s.TryGetProperty("filters", out var filters) && filters.ValueKind == JsonValueKind.Array)
        {
            foreach (var f in filters.EnumerateArray())
            {
                var type = f.TryGetProperty("filterType", out var ft) ? ft.GetString() : null;
                var at = $"{where} filter {type}";
                switch (type)
                {
                    case "PRICE_FILTER":
                        price = new PriceFilter(Dec(f, "minPrice", at), Dec(f, "maxPrice", at), Dec(f, "tickSize", at));
                        break;
                    case "LOT_SIZE":
                        lot = new LotSizeFilter(Dec(f, "minQty", at), Dec(f, "maxQty", at), Dec(f, "stepSize", at));
                        break;
                    case "MARKET_LOT_SIZE":
                        market = new LotSizeFilter(Dec(f, "minQty", at), Dec(f, "maxQty", at), Dec(f, "stepSize", at));
                        break;
                    case "NOTIONAL":
                        notional = new NotionalFilter(
                            Dec(f, "minNotional", at),
                            f.TryGetProperty("maxNotional", out _) ? Dec(f, "maxNotional", at) : null,
                            Bool(f, "applyMinToMarket"),
                            Bool(f, "applyMaxToMarket"),
                            Int(f, "avgPriceMins"));
                        break;
                    case "MIN_NOTIONAL" when notional is null: // the older filter; NOTIONAL wins when both are listed
                        notional = new NotionalFilter(Dec(f, "minNotional", at), null, Bool(f, "applyToMarket"), false, Int(f, "avgPriceMins"));
                        break;
                }
            }
        }

        return new SpotPair(
            symbol,
            Text(s, "baseAsset", where),
            Text(s, "quoteAsset", where),
            ParseStatus(s.TryGetProperty("status", out var status) ? status.GetString() : null),
            new SpotPairFilters(price, lot, market, notional));
    }

    private static int? RequestWeightPerMinute(JsonElement root)
    {
        if (!root.TryGetProperty("rateLimits", out var limits) || limits.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var l in limits.EnumerateArray())
        {
            if (l.TryGetProperty("rateLimitType", out var type) && type.GetString() == "REQUEST_WEIGHT"
                && l.TryGetProperty("interval", out var interval) && interval.GetString() == "MINUTE"
                && Int(l, "intervalNum") is 1 or 0
                && l.TryGetProperty("limit", out var limit) && limit.TryGetInt32(out var perMinute))
            {
                return perMinute;
            }
        }

        return null;
    }

    private static string Text(JsonElement e, string name, string where) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"{where}: \"{name}\" missing or empty");

    private static decimal Dec(JsonElement e, string name, string where)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            throw new FormatException($"{where}: \"{name}\" missing");
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var n))
        {
            return n;
        }

        if (v.ValueKind == JsonValueKind.String
            && decimal.TryParse(v.GetString(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        throw new FormatException($"{where}: \"{name}\" is not a decimal number ({v.GetRawText()})");
    }

    private static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : 0;
}
