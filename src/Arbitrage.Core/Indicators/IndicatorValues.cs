namespace Arbitrage.Core.Indicators;

/// <summary>
/// Everything a strategy sees of one symbol at evaluation tick <see cref="TimeMs"/>: computed from exactly
/// the trades with <c>time_ms &lt; TimeMs</c> (ARCHITECTURE.md §4). Null = not enough data yet.
/// </summary>
/// <param name="TimeMs">The tick, a multiple of 15 000 ms of event time.</param>
/// <param name="Trades">Trades ingested for the symbol with time_ms &lt; TimeMs.</param>
/// <param name="Cvd30m">Sum of signed taker volume over [t−30 m, t).</param>
/// <param name="Cvd4h">Same over 4 h.</param>
/// <param name="Cvd24h">Same over 24 h.</param>
/// <param name="Vwap30m">Σ(price·qty)/Σqty over 30 m; null without volume.</param>
/// <param name="Vwap4h">Same over 4 h.</param>
/// <param name="Vwap24h">Same over 24 h.</param>
/// <param name="Atr">Wilder ATR(14) of closed 5-minute candles; null until 14 candles closed.</param>
/// <param name="AtrPercentile">100 × share of the last ≤288 ATR values (incl. current) that are ≤ current.</param>
/// <param name="P99Qty">99th percentile (nearest rank) of trade qty over 24 h.</param>
/// <param name="CvdAccel">CVD of [t−5 m, t) minus CVD of [t−10 m, t−5 m).</param>
/// <param name="LargeBuyQty">Taker-buy qty over [t−5 m, t) from trades whose qty ≥ the P99 in force when they arrived.</param>
/// <param name="LargeSellQty">Taker-sell qty over [t−5 m, t), same rule.</param>
/// <param name="LastPrice">Price of the last trade before t (NaN when none).</param>
public readonly record struct IndicatorValues(
    long TimeMs,
    long Trades,
    double Cvd30m,
    double Cvd4h,
    double Cvd24h,
    double? Vwap30m,
    double? Vwap4h,
    double? Vwap24h,
    double? Atr,
    double? AtrPercentile,
    double? P99Qty,
    double CvdAccel,
    double LargeBuyQty,
    double LargeSellQty,
    double LastPrice);
