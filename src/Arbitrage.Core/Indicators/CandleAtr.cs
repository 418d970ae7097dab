using System.Runtime.CompilerServices;

namespace Arbitrage.Core.Indicators;

/// <summary>
/// 5-minute OHLC candles aligned to UTC multiples of 300 s, Wilder's ATR(14) over the closed ones and the
/// ATR percentile over the last 288 ATR values (ARCHITECTURE.md §4).
/// </summary>
/// <remarks>
/// Candles start at the period of the first trade; a period without trades closes as a flat candle at the
/// previous close (true range 0). A candle closes at the first tick at or after its end, so closed candles
/// are never revisited: a late trade whose period has already closed does not change them (the ATR it fed
/// has been published). Open is the first trade added to the period, Close the last one added.
/// </remarks>
internal sealed class CandleAtr
{
    internal const long PeriodMs = 300_000;
    internal const int AtrLength = 14;
    internal const int PercentileHistory = 288;

    private long _period = long.MinValue;
    private bool _hasTrades;
    private double _open, _high, _low, _close;
    private bool _hasPrevClose;
    private double _prevClose;
    private int _closed;
    private double _trSum;
    private bool _hasAtr;
    private double _atr;
    private readonly double[] _history = new double[PercentileHistory];
    private int _historyCount;
    private int _historyNext;
    private double _percentile;

    /// <summary>The open 5-minute period (UTC time / 300 s); long.MinValue before the first trade.</summary>
    public long Period => _period;

    public double? Atr => _hasAtr ? _atr : null;

    public double? AtrPercentile => _hasAtr ? _percentile : null;

    public void Start(long period) => _period = period;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double price)
    {
        if (!_hasTrades)
        {
            _hasTrades = true;
            _open = _high = _low = _close = price;
            return;
        }

        if (price > _high)
        {
            _high = price;
        }

        if (price < _low)
        {
            _low = price;
        }

        _close = price;
    }

    /// <summary>Closes every candle that ends at or before <paramref name="tickMs"/> (at most one per 15 s tick).</summary>
    public void CloseEnded(long tickMs)
    {
        while ((_period + 1) * PeriodMs <= tickMs)
        {
            Close();
        }
    }

    private void Close()
    {
        double high, low, close;
        if (_hasTrades)
        {
            (high, low, close) = (_high, _low, _close);
        }
        else
        {
            // Flat candle at the previous close. (The first candle always holds the first trade.)
            (high, low, close) = (_prevClose, _prevClose, _prevClose);
        }

        double tr = _hasPrevClose
            ? Math.Max(high - low, Math.Max(Math.Abs(high - _prevClose), Math.Abs(low - _prevClose)))
            : high - low;
        _closed++;
        if (_closed <= AtrLength)
        {
            _trSum += tr;
            if (_closed == AtrLength)
            {
                _atr = _trSum / AtrLength;
                _hasAtr = true;
                PushAtr();
            }
        }
        else
        {
            _atr = (_atr * (AtrLength - 1) + tr) / AtrLength;
            PushAtr();
        }

        _prevClose = close;
        _hasPrevClose = true;
        _hasTrades = false;
        _period++;
    }

    // One ATR value per closed candle; the percentile only changes when a candle closes, so compute it here
    // (288 compares every 5 minutes) rather than at every tick.
    private void PushAtr()
    {
        _history[_historyNext] = _atr;
        _historyNext = (_historyNext + 1) % PercentileHistory;
        if (_historyCount < PercentileHistory)
        {
            _historyCount++;
        }

        int atOrBelow = 0;
        for (int i = 0; i < _historyCount; i++)
        {
            if (_history[i] <= _atr)
            {
                atOrBelow++;
            }
        }

        _percentile = 100.0 * atOrBelow / _historyCount;
    }

    internal void CaptureInto(SymbolIndicatorsStateBuilder s)
    {
        s.CandlePeriod = _period;
        s.CandleHasTrades = _hasTrades;
        if (_hasTrades)
        {
            s.CandleOhlc = [_open, _high, _low, _close];
        }

        s.PrevClose = _hasPrevClose ? _prevClose : null;
        s.ClosedCandles = _closed;
        s.TrueRangeSum = _trSum;
        s.Atr = Atr;
        s.AtrPercentile = AtrPercentile;
        var history = new double[_historyCount];
        int oldest = _historyCount < PercentileHistory ? 0 : _historyNext;
        for (int i = 0; i < _historyCount; i++)
        {
            history[i] = _history[(oldest + i) % PercentileHistory];
        }

        s.AtrHistory = history;
    }

    internal void RestoreFrom(SymbolIndicatorsState s)
    {
        _period = s.CandlePeriod;
        _hasTrades = s.CandleHasTrades;
        if (_hasTrades)
        {
            (_open, _high, _low, _close) = (s.CandleOhlc[0], s.CandleOhlc[1], s.CandleOhlc[2], s.CandleOhlc[3]);
        }

        _hasPrevClose = s.PrevClose.HasValue;
        _prevClose = s.PrevClose ?? 0;
        _closed = s.ClosedCandles;
        _trSum = s.TrueRangeSum;
        _hasAtr = s.Atr.HasValue;
        _atr = s.Atr ?? 0;
        _percentile = s.AtrPercentile ?? 0;
        _historyCount = s.AtrHistory.Length;
        Array.Copy(s.AtrHistory, _history, _historyCount);
        _historyNext = _historyCount % PercentileHistory;
    }
}
