using System.Globalization;
using Arbitrage.Core.Indicators;
using Arbitrage.Core.Strategies;

namespace Arbitrage.Engine.Tests.Strategies;

/// <summary>
/// A strategy that needs nothing but trades (cvd 60, p99 30, accel 10), so crafted snapshots can reach its threshold:
/// the parameters of the shipped strategies/example_trades_only.json under ids and thresholds a test chooses (V5.1 and
/// V5.2 need the non-trade feeds to reach 75).
/// </summary>
public static class TradeOnlyStrategy
{
    public const double SlAtr = 1.5;
    public const double Tp1Atr = 1.0;
    public const double Tp2Atr = 2.5;

    public static string Json(string id = "trade_only", double threshold = 50, string version = "1", string symbols = "\"*\"", string weights = "60, 30, 10") =>
        string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "id": "{{id}}",
              "version": "{{version}}",
              "symbols": [{{symbols}}],
              "threshold": {{threshold}},
              "cooldown_minutes": 10,
              "signals": {
                "cvd":   { "weight": {{weights.Split(',')[0].Trim()}}, "params": { "base_share": 0.7 } },
                "p99":   { "weight": {{weights.Split(',')[1].Trim()}}, "params": { "full_imbalance": 0.5 } },
                "accel": { "weight": {{weights.Split(',')[2].Trim()}}, "params": { "full_ratio": 1.0 } }
              },
              "tp_sl": { "sl_atr": {{SlAtr}}, "tp1_atr": {{Tp1Atr}}, "tp2_atr": {{Tp2Atr}} },
              "enabled": true
            }
            """);

    public static StrategyDefinition Definition(string id = "trade_only", double threshold = 50, string symbols = "\"*\"")
    {
        var loaded = StrategyLoader.LoadText(id + ".json", Json(id, threshold, symbols: symbols));
        return loaded.Definition ?? throw new InvalidOperationException(string.Join("; ", loaded.Errors));
    }

    /// <summary>
    /// Crafted tick values with a direction (+1 long, −1 short): CVD 30 m and 4 h agree (cvd scores 42, or 60
    /// when 24 h agrees too); <paramref name="strong"/> adds a full large-trade imbalance and acceleration (≈ 100).
    /// </summary>
    public static IndicatorValues Tick(long timeMs, int direction, bool agree24h = true, bool strong = false, double atr = 40, double price = 80_000) => new(
        TimeMs: timeMs,
        Trades: 1_000,
        Cvd30m: direction * 600,
        Cvd4h: direction * 2_000,
        Cvd24h: agree24h ? direction * 5_000 : -direction * 5_000,
        Vwap30m: price,
        Vwap4h: price,
        Vwap24h: price,
        Atr: atr,
        AtrPercentile: 50,
        P99Qty: strong ? 100 : null,
        CvdAccel: strong ? direction * 1_000 : 0,
        LargeBuyQty: strong && direction > 0 ? 500 : 0,
        LargeSellQty: strong && direction < 0 ? 500 : 0,
        LastPrice: price);
}
