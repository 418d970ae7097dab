using System.Globalization;
using System.Text;
using System.Text.Json;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Streams;

namespace Arbitrage.Binance.Tapes;

/// <summary>
/// The strategy inputs a tape carries besides its trades, as the live feeds deliver them: <c>markPriceUpdate</c>
/// (predicted funding), <c>forceOrder</c> (liquidations), <c>futuresMetrics</c> (the 5-minute <c>/futures/data/*</c>
/// statistics, <see cref="FuturesInputBackfill"/>) and <c>fundingRate</c> (settled funding). In file order; sparse next to
/// the trades, so a replay reads them in one pass before it starts. aggTrades CSV tapes carry none.
/// </summary>
public static class MarketInputFrames
{
    /// <summary>The input events of <paramref name="path"/>, in file order.</summary>
    /// <exception cref="TapeFormatException">A frame of these kinds that does not parse, naming the file and frame.</exception>
    public static IEnumerable<FeedEvent> Read(string path)
    {
        if (TapeReader.Detect(path) == TapeFormat.AggTradesCsv)
        {
            yield break;
        }

        var symbols = SymbolTable.Shared;
        byte[] buf = new byte[4096];
        long index = 0;
        foreach (var frame in TapeReader.ReadFrames(path))
        {
            index++;
            var json = frame.Json;
            if (json.Contains("\"markPriceUpdate\"", StringComparison.Ordinal) || json.Contains("\"forceOrder\"", StringComparison.Ordinal))
            {
                int max = Encoding.UTF8.GetMaxByteCount(json.Length);
                if (buf.Length < max) buf = new byte[Math.Max(max, buf.Length * 2)];
                var bytes = buf.AsSpan(0, Encoding.UTF8.GetBytes(json, buf));
                ParseError error;
                switch (MarketFrame.Classify(bytes))
                {
                    case FrameKind.MarkPrice:
                        if (!MarkPriceFrame.TryParse(bytes, symbols, out var mark, out error)) throw Bad(path, index, "markPriceUpdate", error);
                        yield return new FeedEvent.MarkPriceEvent(mark.Symbol, mark.MarkPrice, mark.IndexPrice, mark.FundingRate, mark.NextFundingTimeMs, mark.EventTimeMs);
                        break;
                    case FrameKind.ForceOrder:
                        if (!ForceOrderFrame.TryParse(bytes, symbols, out var liq, out error)) throw Bad(path, index, "forceOrder", error);
                        yield return new FeedEvent.LiquidationEvent(liq.Symbol, liq.IsSell, liq.Price, liq.AveragePrice, liq.Quantity, liq.TradeTimeMs, liq.EventTimeMs);
                        break;
                }
            }
            else if (json.Contains("\"" + FuturesInputBackfill.MetricsEvent + "\"", StringComparison.Ordinal)
                     || json.Contains("\"" + FuturesInputBackfill.FundingEvent + "\"", StringComparison.Ordinal))
            {
                yield return ParseJson(path, index, json);
            }
        }
    }

    /// <summary>The event time an input event counts at (a liquidation: its trade time; funding: its funding time); 0 for other events.</summary>
    public static long TimeOf(FeedEvent e) => e switch
    {
        FeedEvent.MarkPriceEvent m => m.EventTimeMs,
        FeedEvent.LiquidationEvent l => l.TimeMs,
        FeedEvent.FuturesMetricsEvent f => f.EventTimeMs,
        FeedEvent.FundingSettledEvent f => f.FundingTimeMs,
        _ => 0,
    };

    private static FeedEvent ParseJson(string path, long index, string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var kind = root.GetProperty("e").GetString();
            var symbol = root.GetProperty("s").GetString() ?? throw new FormatException("\"s\" is null");
            var time = root.GetProperty("E").GetInt64();
            if (kind == FuturesInputBackfill.FundingEvent)
            {
                return new FeedEvent.FundingSettledEvent(symbol, Dec(root, "r") ?? throw new FormatException("\"r\" is missing"), time);
            }

            return new FeedEvent.FuturesMetricsEvent(symbol, time, Dec(root, "sumOpenInterest"), Dec(root, "topAccountRatio"),
                Dec(root, "topPositionRatio"), Dec(root, "globalAccountRatio"), Dec(root, "takerBuySellRatio"));
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new TapeFormatException(path, index, $"bad input frame: {e.Message}");
        }
    }

    private static decimal? Dec(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v)
            ? decimal.Parse(v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    private static TapeFormatException Bad(string path, long index, string kind, ParseError error) =>
        new(path, index, $"bad {kind} frame: {error}");
}
