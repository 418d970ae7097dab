using System.Globalization;

namespace Arbitrage.Binance.Tapes;

/// <summary>
/// One 5-minute point of Binance's USD-M futures statistics, the series of the <c>/futures/data/*</c> endpoints:
/// <list type="bullet">
/// <item><see cref="SumOpenInterest"/> / <see cref="SumOpenInterestValue"/>: <c>openInterestHist</c> (contracts / USD).</item>
/// <item><see cref="TopAccountRatio"/>: <c>topLongShortAccountRatio</c> (top traders, by accounts).</item>
/// <item><see cref="TopPositionRatio"/>: <c>topLongShortPositionRatio</c> (top traders, by position size).</item>
/// <item><see cref="GlobalAccountRatio"/>: <c>globalLongShortAccountRatio</c> (all accounts).</item>
/// <item><see cref="TakerBuySellRatio"/>, <see cref="TakerBuyVolume"/>, <see cref="TakerSellVolume"/>: <c>takerlongshortRatio</c>
/// (taker buy / sell volume in the period, base asset).</item>
/// </list>
/// <see cref="TimeMs"/> is the point's <c>timestamp</c>: the end of the 5-minute period it describes, the first moment
/// the value can be known (a replay never sees it earlier).
/// </summary>
public sealed record FuturesMetricPoint(
    long TimeMs,
    decimal SumOpenInterest,
    decimal SumOpenInterestValue,
    decimal TopAccountRatio,
    decimal TopPositionRatio,
    decimal GlobalAccountRatio,
    decimal TakerBuySellRatio,
    decimal TakerBuyVolume,
    decimal TakerSellVolume)
{
    public const long PeriodMs = 300_000;
}

/// <summary>
/// Reads the 5-minute klines + metrics CSV of chopinic/binance_datatool (<c>merged_data.csv</c>, the layout of
/// <c>../shared/data/binance_usdm_*_klines5m_metrics_*.csv</c>): one row per 5-minute candle with Binance's daily
/// metrics dump joined on. Columns are found by name (order free); the candle's <c>candle_end_time</c> is the point's
/// time; taker buy volume is the candle's <c>taker_buy_base_asset_volume</c> and sell volume the rest of its
/// <c>volume</c>. Rows must ascend by time, one per period. A bad file raises <see cref="TapeFormatException"/>
/// naming the file, line and column.
/// </summary>
public static class FuturesMetricsCsv
{
    private static readonly string[] Required =
    [
        "candle_end_time", "volume", "taker_buy_base_asset_volume", "sum_open_interest", "sum_open_interest_value",
        "count_toptrader_long_short_ratio", "sum_toptrader_long_short_ratio", "count_long_short_ratio",
        "sum_taker_long_short_vol_ratio",
    ];

    public static IReadOnlyList<FuturesMetricPoint> Read(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new TapeFormatException(path, 1, "empty file (a header line is required)");
        var names = header.Split(',');
        var at = new int[Required.Length];
        for (var i = 0; i < Required.Length; i++)
        {
            at[i] = Array.IndexOf(names, Required[i]);
            if (at[i] < 0) throw new TapeFormatException(path, 1, $"column '{Required[i]}' missing (expected the binance_datatool merged layout)");
        }

        var points = new List<FuturesMetricPoint>();
        long line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            var cells = text.Split(',');
            if (cells.Length != names.Length) throw new TapeFormatException(path, line, $"{cells.Length} cells, the header has {names.Length}");

            var time = Time(path, line, cells[at[0]]);
            var volume = Dec(path, line, Required[1], cells[at[1]]);
            var takerBuy = Dec(path, line, Required[2], cells[at[2]]);
            var point = new FuturesMetricPoint(
                time,
                Dec(path, line, Required[3], cells[at[3]]),
                Dec(path, line, Required[4], cells[at[4]]),
                Dec(path, line, Required[5], cells[at[5]]),
                Dec(path, line, Required[6], cells[at[6]]),
                Dec(path, line, Required[7], cells[at[7]]),
                Dec(path, line, Required[8], cells[at[8]]),
                takerBuy,
                volume - takerBuy);
            if (points.Count > 0 && point.TimeMs <= points[^1].TimeMs)
                throw new TapeFormatException(path, line, $"candle_end_time {cells[at[0]]} does not come after the previous row's");
            points.Add(point);
        }

        return points;
    }

    private static long Time(string path, long line, string cell)
    {
        // 2026-01-01T00:05:00.000+0000
        if (!DateTimeOffset.TryParseExact(cell, ["yyyy-MM-dd'T'HH:mm:ss.fffzzz", "yyyy-MM-dd'T'HH:mm:ss.fffK", "yyyy-MM-dd HH:mm:ss"],
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            && !DateTimeOffset.TryParse(cell.Replace("+0000", "+00:00", StringComparison.Ordinal), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out t))
        {
            throw new TapeFormatException(path, line, $"candle_end_time '{cell}' is not a time");
        }

        var ms = t.ToUnixTimeMilliseconds();
        if (ms % FuturesMetricPoint.PeriodMs != 0) throw new TapeFormatException(path, line, $"candle_end_time '{cell}' is not on a 5-minute boundary");
        return ms;
    }

    private static decimal Dec(string path, long line, string column, string cell) =>
        decimal.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0m
            ? v
            : throw new TapeFormatException(path, line, $"{column} '{cell}' is not a non-negative number");
}
