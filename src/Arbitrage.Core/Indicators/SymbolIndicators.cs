using System.Runtime.CompilerServices;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Core.Indicators;

/// <summary>
/// Incremental §4 indicators of one symbol, evaluated every 15 000 ms of event time. O(1) amortised per
/// trade, allocation-free in steady state, memory bounded by 24 h of 15-second blocks (never by trades).
/// </summary>
/// <remarks>
/// <para><b>Ticks.</b> Tick <c>t</c> (a multiple of 15 000) is evaluated when the first trade with
/// <c>time_ms ≥ t</c> arrives, before that trade is added, or when <see cref="AdvanceTo"/> passes it
/// (<c>nowMs ≥ t</c>); ticks skipped by a silent market are each evaluated, in order. The first tick is the
/// first multiple of 15 000 strictly after the first trade's time. At evaluation every ingested trade has
/// <c>time_ms &lt; t</c>, so <see cref="IndicatorValues.Trades"/> counts all trades ingested so far.</para>
/// <para><b>Out-of-order trades</b> (time earlier than the last evaluated tick — e.g. after a reconnect
/// catch-up, or a trade arriving after a heartbeat passed its tick) are added to their own block: they count
/// in every later window that covers their time (and immediately in the running windows), in Trades and in
/// the P99. Trades older than 24 h before the last tick are in no future window and only counted in Trades.
/// Candles are closed at the tick at or after their end and never reopened: a late trade updates the open
/// candle when it falls in its period and is ignored by candles otherwise. LastPrice is the price of the
/// last trade ingested; a trade is large when its quantity is ≥ the P99 published by the last evaluated
/// tick (the "P99 in force"; none before the first tick or while the window is empty).</para>
/// <para><b>Floating point.</b> Windows are exact sets of trades (15 s blocks, see <see cref="TradeWindows"/>);
/// only the summation order differs from a naive recompute. Window sums are Neumaier-compensated and reset to
/// exact zero when empty, so they do not drift; against a naive double sum over the raw trades of the
/// window they agree to ≤ 1e-9 × Σ|terms| (tested, on random and real tapes, over long ones too). ATR, the
/// ATR percentile, the P99 and the counts are exact.</para>
/// </remarks>
public sealed class SymbolIndicators
{
    private const long TickMs = TradeWindows.BlockMs;
    private const long BlocksPerCandle = CandleAtr.PeriodMs / TickMs;

    private readonly TradeWindows _windows = new();
    private readonly CandleAtr _candles = new();
    private readonly QuantityPercentile _p99 = new();

    private long _nextTick = long.MinValue; // long.MinValue: no trade yet, the first one starts the clock
    private long _currentBlock = long.MinValue;
    private long _trades;
    private double _lastPrice = double.NaN;
    private double _largeThreshold = double.PositiveInfinity;
    private IndicatorValues _last;
    private bool _hasLast;

    /// <summary>Event time between two ticks.</summary>
    public const long TickIntervalMs = TickMs;

    /// <summary>The values of the last evaluated tick; null before the first one.</summary>
    public IndicatorValues? Last => _hasLast ? _last : null;

    /// <summary>The next tick to be evaluated; null before the first trade.</summary>
    public long? NextTickMs => _nextTick == long.MinValue ? null : _nextTick;

    /// <summary>The first tick of a symbol whose first trade is at <paramref name="firstTradeMs"/>: the first multiple of 15 000 strictly after it.</summary>
    public static long FirstTickAfter(long firstTradeMs) => ((firstTradeMs / TickMs) + 1) * TickMs;

    /// <summary>Evaluates the ticks due at the trade's time (through <paramref name="sink"/>), then adds the trade.</summary>
    public void OnTrade(in Trade trade, ITickSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Add(in trade, sink);
    }

    /// <summary>The batch form of <see cref="OnTrade"/>, same semantics: the fast path for replays and bursts.</summary>
    // Per-trade loop, entered a few times and run millions of times: optimized at first call, not after tier-0 + OSR
    // (a cold arbctl replay ran it as tier-0 code for most of its first seconds; see README, replay benchmark).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnTrades(ReadOnlySpan<Trade> trades, ITickSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        for (int i = 0; i < trades.Length; i++)
        {
            Add(in trades[i], sink);
        }
    }

    /// <summary>Live heartbeat: evaluates every tick <c>t ≤ nowMs</c> not yet evaluated. No-op before the first trade.</summary>
    public void AdvanceTo(long nowMs, ITickSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_nextTick == long.MinValue)
        {
            return;
        }

        while (_nextTick <= nowMs)
        {
            EvaluateTick(sink);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(in Trade trade, ITickSink sink)
    {
        long time = trade.TimeMs;
        double qty = trade.Quantity;
        double price = trade.Price;
        if (!(qty > 0 && qty < double.PositiveInfinity) || !double.IsFinite(price) || time < 0)
        {
            ThrowBadTrade(in trade);
        }

        if (time >= _nextTick)
        {
            CatchUp(time, sink);
        }

        double delta = trade.IsBuyerMaker ? -qty : qty;
        double large = qty >= _largeThreshold ? qty : 0;
        double largeBuy = trade.IsBuyerMaker ? 0 : large;
        double largeSell = trade.IsBuyerMaker ? large : 0;
        long block = time / TickMs;
        if (block == _currentBlock)
        {
            _windows.AddCurrent(delta, qty, price * qty, largeBuy, largeSell);
            _p99.Add(block, qty);
            _candles.Add(price);
        }
        else
        {
            AddLate(block, price, qty, delta, largeBuy, largeSell);
        }

        _trades++;
        _lastPrice = price;
    }

    private void CatchUp(long time, ITickSink sink)
    {
        if (_nextTick == long.MinValue)
        {
            // First trade: it opens the clock, the first block and the first candle.
            long block = time / TickMs;
            _currentBlock = block;
            _nextTick = FirstTickAfter(time);
            _windows.Start(block);
            _candles.Start(block / BlocksPerCandle);
            return;
        }

        while (_nextTick <= time)
        {
            EvaluateTick(sink);
        }
    }

    private void AddLate(long block, double price, double qty, double delta, double largeBuy, double largeSell)
    {
        if (!_windows.AddLate(block, delta, qty, price * qty, largeBuy, largeSell))
        {
            return;
        }

        _p99.Add(block, qty);
        if (block / BlocksPerCandle == _candles.Period)
        {
            _candles.Add(price);
        }
    }

    private void EvaluateTick(ITickSink sink)
    {
        long t = _nextTick;
        long tickBlock = t / TickMs;
        _windows.AdvanceTo(tickBlock);
        _p99.Expire(tickBlock - 1 - TradeWindows.Blocks24h);
        _currentBlock = tickBlock;
        _candles.CloseEnded(t);

        double? p99 = _p99.TryGetP99(out double q) ? q : null;
        _last = new IndicatorValues(
            t,
            _trades,
            _windows.Cvd30m,
            _windows.Cvd4h,
            _windows.Cvd24h,
            _windows.Vwap30m,
            _windows.Vwap4h,
            _windows.Vwap24h,
            _candles.Atr,
            _candles.AtrPercentile,
            p99,
            _windows.CvdAccel,
            _windows.LargeBuy5m,
            _windows.LargeSell5m,
            _lastPrice);
        _hasLast = true;
        _largeThreshold = p99 ?? double.PositiveInfinity;
        _nextTick = t + TickMs;
        sink.OnTick(in _last);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadTrade(in Trade trade) =>
        throw new ArgumentException(
            $"Trade {trade.AggId}: quantity must be positive and finite, price finite, time non-negative " +
            $"(qty={trade.Quantity}, price={trade.Price}, time={trade.TimeMs}).", nameof(trade));

    /// <summary>A serialisable snapshot; <see cref="Restore"/> continues from it with bit-identical outputs.</summary>
    public SymbolIndicatorsState Capture()
    {
        if (_nextTick == long.MinValue)
        {
            return new SymbolIndicatorsState();
        }

        var b = new SymbolIndicatorsStateBuilder();
        _windows.CaptureInto(b);
        _p99.CaptureInto(b);
        _candles.CaptureInto(b);
        return new SymbolIndicatorsState
        {
            Started = true,
            NextTickMs = _nextTick,
            TotalTrades = _trades,
            LastPrice = double.IsNaN(_lastPrice) ? null : _lastPrice,
            Last = _hasLast ? TickValuesState.From(in _last) : null,
            BlockIndex = [.. b.BlockIndex],
            BlockCount = [.. b.BlockCount],
            BlockDelta = [.. b.BlockDelta],
            BlockQty = [.. b.BlockQty],
            BlockNotional = [.. b.BlockNotional],
            BlockLargeBuy = [.. b.BlockLargeBuy],
            BlockLargeSell = [.. b.BlockLargeSell],
            WindowCounts = b.WindowCounts,
            WindowSums = b.WindowSums,
            WindowCompensations = b.WindowCompensations,
            QuantileBlockIndex = [.. b.QuantileBlockIndex],
            QuantileBlockEntries = [.. b.QuantileBlockEntries],
            QuantileValues = [.. b.QuantileValues],
            QuantileCounts = [.. b.QuantileCounts],
            CandlePeriod = b.CandlePeriod,
            CandleHasTrades = b.CandleHasTrades,
            CandleOhlc = b.CandleOhlc,
            PrevClose = b.PrevClose,
            ClosedCandles = b.ClosedCandles,
            TrueRangeSum = b.TrueRangeSum,
            Atr = b.Atr,
            AtrPercentile = b.AtrPercentile,
            AtrHistory = b.AtrHistory,
        };
    }

    /// <summary>Rebuilds the indicators from a <see cref="Capture"/>d state.</summary>
    public static SymbolIndicators Restore(SymbolIndicatorsState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Version != 1)
        {
            throw new ArgumentException($"Unsupported SymbolIndicatorsState version {state.Version} (expected 1).", nameof(state));
        }

        var s = new SymbolIndicators();
        if (!state.Started)
        {
            return s;
        }

        s._nextTick = state.NextTickMs;
        s._currentBlock = state.NextTickMs / TickMs - 1;
        s._trades = state.TotalTrades;
        s._lastPrice = state.LastPrice ?? double.NaN;
        if (state.Last is { } last)
        {
            s._last = last.ToValues();
            s._hasLast = true;
            s._largeThreshold = last.P99Qty ?? double.PositiveInfinity;
        }

        s._windows.RestoreFrom(state);
        s._p99.RestoreFrom(state);
        s._candles.RestoreFrom(state);
        return s;
    }

    /// <summary>Approximate bytes held by the P99 structure (diagnostics).</summary>
    internal long QuantileHeldBytes => _p99.HeldBytes;
}
