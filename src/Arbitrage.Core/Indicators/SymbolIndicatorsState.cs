namespace Arbitrage.Core.Indicators;

/// <summary>
/// A plain, System.Text.Json-serialisable snapshot of <see cref="SymbolIndicators"/> (for actor snapshots):
/// <c>SymbolIndicators.Restore(state)</c> continues with bit-identical outputs. Holds per-block aggregates
/// for the last 24 h, never individual trades. No NaN or infinity anywhere (absent values are null), so the
/// default serializer options round-trip it.
/// </summary>
public sealed record SymbolIndicatorsState
{
    /// <summary>Layout version of this record; bump it (and upcast) when the fields change.</summary>
    public int Version { get; init; } = 1;

    /// <summary>False until the first trade: the rest is then empty.</summary>
    public bool Started { get; init; }

    public long NextTickMs { get; init; }
    public long TotalTrades { get; init; }
    public double? LastPrice { get; init; }

    /// <summary>Values of the last evaluated tick (null before the first tick).</summary>
    public TickValuesState? Last { get; init; }

    // 15-second block aggregates (see TradeWindows), only blocks with trades.
    public long[] BlockIndex { get; init; } = [];
    public long[] BlockCount { get; init; } = [];
    public double[] BlockDelta { get; init; } = [];
    public double[] BlockQty { get; init; } = [];
    public double[] BlockNotional { get; init; } = [];
    public double[] BlockLargeBuy { get; init; } = [];
    public double[] BlockLargeSell { get; init; } = [];

    /// <summary>Trade counts of the 30 m, 4 h, 24 h, last-5 m and previous-5 m windows.</summary>
    public long[] WindowCounts { get; init; } = [];

    /// <summary>Compensated window sums (value and compensation term), in TradeWindows' order.</summary>
    public double[] WindowSums { get; init; } = [];
    public double[] WindowCompensations { get; init; } = [];

    // Quantity percentile: per block, its (distinct quantity, count) entries, flattened.
    public long[] QuantileBlockIndex { get; init; } = [];
    public int[] QuantileBlockEntries { get; init; } = [];
    public double[] QuantileValues { get; init; } = [];
    public int[] QuantileCounts { get; init; } = [];

    // Candles and ATR.
    public long CandlePeriod { get; init; }
    public bool CandleHasTrades { get; init; }

    /// <summary>Open, high, low, close of the open candle when it has trades.</summary>
    public double[] CandleOhlc { get; init; } = [];
    public double? PrevClose { get; init; }
    public int ClosedCandles { get; init; }
    public double TrueRangeSum { get; init; }
    public double? Atr { get; init; }
    public double? AtrPercentile { get; init; }

    /// <summary>The last ≤ 288 ATR values, oldest first.</summary>
    public double[] AtrHistory { get; init; } = [];
}

/// <summary><see cref="IndicatorValues"/> in serialisable form (LastPrice NaN ↔ null).</summary>
public sealed record TickValuesState
{
    public long TimeMs { get; init; }
    public long Trades { get; init; }
    public double Cvd30m { get; init; }
    public double Cvd4h { get; init; }
    public double Cvd24h { get; init; }
    public double? Vwap30m { get; init; }
    public double? Vwap4h { get; init; }
    public double? Vwap24h { get; init; }
    public double? Atr { get; init; }
    public double? AtrPercentile { get; init; }
    public double? P99Qty { get; init; }
    public double CvdAccel { get; init; }
    public double LargeBuyQty { get; init; }
    public double LargeSellQty { get; init; }
    public double? LastPrice { get; init; }

    public static TickValuesState From(in IndicatorValues v) => new()
    {
        TimeMs = v.TimeMs,
        Trades = v.Trades,
        Cvd30m = v.Cvd30m,
        Cvd4h = v.Cvd4h,
        Cvd24h = v.Cvd24h,
        Vwap30m = v.Vwap30m,
        Vwap4h = v.Vwap4h,
        Vwap24h = v.Vwap24h,
        Atr = v.Atr,
        AtrPercentile = v.AtrPercentile,
        P99Qty = v.P99Qty,
        CvdAccel = v.CvdAccel,
        LargeBuyQty = v.LargeBuyQty,
        LargeSellQty = v.LargeSellQty,
        LastPrice = double.IsNaN(v.LastPrice) ? null : v.LastPrice,
    };

    public IndicatorValues ToValues() => new(
        TimeMs, Trades, Cvd30m, Cvd4h, Cvd24h, Vwap30m, Vwap4h, Vwap24h, Atr, AtrPercentile, P99Qty,
        CvdAccel, LargeBuyQty, LargeSellQty, LastPrice ?? double.NaN);
}

/// <summary>Collects the parts of a <see cref="SymbolIndicatorsState"/> from the components that own them.</summary>
internal sealed class SymbolIndicatorsStateBuilder
{
    public List<long> BlockIndex { get; } = [];
    public List<long> BlockCount { get; } = [];
    public List<double> BlockDelta { get; } = [];
    public List<double> BlockQty { get; } = [];
    public List<double> BlockNotional { get; } = [];
    public List<double> BlockLargeBuy { get; } = [];
    public List<double> BlockLargeSell { get; } = [];
    public long[] WindowCounts { get; set; } = [];
    public double[] WindowSums { get; set; } = [];
    public double[] WindowCompensations { get; set; } = [];
    public List<long> QuantileBlockIndex { get; } = [];
    public List<int> QuantileBlockEntries { get; } = [];
    public List<double> QuantileValues { get; } = [];
    public List<int> QuantileCounts { get; } = [];
    public long CandlePeriod { get; set; }
    public bool CandleHasTrades { get; set; }
    public double[] CandleOhlc { get; set; } = [];
    public double? PrevClose { get; set; }
    public int ClosedCandles { get; set; }
    public double TrueRangeSum { get; set; }
    public double? Atr { get; set; }
    public double? AtrPercentile { get; set; }
    public double[] AtrHistory { get; set; } = [];
}
