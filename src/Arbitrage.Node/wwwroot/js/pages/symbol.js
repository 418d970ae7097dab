import { api } from '../session.js';
import { openLive } from '../live.js';
import { h, price, time, kv, fixed, qty, pct, r } from '../format.js';

const CANDLE_SECONDS = 60;

/**
 * One symbol: 1-minute candles (the recorded trades' history, then the last price live) with VWAP (30 m) from the indicator stream, CVD (30 m / 4 h / 24 h)
 * and ATR panes, signals and trade entries/exits marked on the candles, and the current indicator snapshot. The chart
 * container exposes data-candles (the candle count), data-history-candles (those drawn from GET /api/candles on open), data-markers (all markers) and data-trade-markers (entries and exits).
 */
export async function symbolPage(main) {
  const health = await api('/api/health');
  const symbols = health.feeds.map((f) => f.symbol);
  const wanted = new URLSearchParams(location.search).get('s');
  const symbol = symbols.includes(wanted) ? wanted : symbols[0];
  if (!symbol) {
    main.replaceChildren(h('h1', {}, 'Symbol'), h('p', {}, 'This node has no configured symbol.'));
    return;
  }

  const picker = h('select', { id: 'symbol-picker', 'aria-label': 'Symbol' }, symbols.map((s) => h('option', { value: s, selected: s === symbol }, s)));
  picker.addEventListener('change', () => location.assign('/symbol?s=' + encodeURIComponent(picker.value)));
  const chartBox = h('div', { class: 'chart', id: 'chart', 'data-testid': 'chart', 'data-candles': '0', 'data-markers': '0', 'data-trade-markers': '0', role: 'img', 'aria-label': `${symbol} price, CVD and ATR chart` });
  const snapshot = h('section', { class: 'card', 'data-testid': 'snapshot' }, h('h2', {}, 'Indicator snapshot'));
  main.replaceChildren(
    h('h1', {}, 'Symbol ', picker),
    h('section', { class: 'card' }, h('h2', {}, 'Price (1 min candles, USD) · VWAP 30 m · CVD · ATR'), chartBox,
      h('p', { class: 'attribution' }, 'Charting by ', h('a', { href: 'https://www.tradingview.com/', rel: 'noopener', 'data-testid': 'chart-attribution' }, 'TradingView'))),
    h('div', { class: 'grid' }, snapshot));

  const LW = window.LightweightCharts;
  const chart = LW.createChart(chartBox, {
    autoSize: true,
    // The library's own logo injects a <style> element, which the CSP refuses: the attribution is the link under the chart.
    layout: { background: { color: '#171e26' }, textColor: '#d9e1e8', panes: { separatorColor: '#2a3440' }, attributionLogo: false },
    grid: { vertLines: { color: '#222b35' }, horzLines: { color: '#222b35' } },
    timeScale: { timeVisible: true, secondsVisible: false },
    localization: { priceFormatter: (p) => p.toFixed(2) },
  });
  const candles = chart.addSeries(LW.CandlestickSeries, { upColor: '#26a69a', downColor: '#ef5350', borderVisible: false, wickUpColor: '#26a69a', wickDownColor: '#ef5350' }, 0);
  const vwap = chart.addSeries(LW.LineSeries, { color: '#f0b429', lineWidth: 1, title: 'VWAP 30m', priceLineVisible: false }, 0);
  const cvd30 = chart.addSeries(LW.LineSeries, { color: '#4da3ff', lineWidth: 1, title: 'CVD 30m' }, 1);
  const cvd4h = chart.addSeries(LW.LineSeries, { color: '#9b7bff', lineWidth: 1, title: 'CVD 4h' }, 1);
  const cvd24 = chart.addSeries(LW.LineSeries, { color: '#8a99a8', lineWidth: 1, title: 'CVD 24h' }, 1);
  const atr = chart.addSeries(LW.LineSeries, { color: '#ef8f50', lineWidth: 1, title: 'ATR' }, 2);
  const markers = LW.createSeriesMarkers(candles, []);
  const markerList = [];
  const tradesMarked = new Set();
  let tradeMarkers = 0;
  let bar = null;
  let count = 0;

  const onSnapshot = (v) => {
    if (v.lastPrice === null || v.lastPrice === undefined) return;
    const t = Math.floor(v.timeMs / 1000 / CANDLE_SECONDS) * CANDLE_SECONDS;
    if (!bar || bar.time !== t) {
      if (bar && t < bar.time) return; // an older tick after a reconnect: the candle is closed
      bar = { time: t, open: v.lastPrice, high: v.lastPrice, low: v.lastPrice, close: v.lastPrice };
      count += 1;
      chartBox.dataset.candles = String(count);
    } else {
      bar.high = Math.max(bar.high, v.lastPrice);
      bar.low = Math.min(bar.low, v.lastPrice);
      bar.close = v.lastPrice;
    }
    candles.update({ ...bar });
    const point = (value) => (value === null || value === undefined ? { time: t } : { time: t, value });
    vwap.update(point(v.vwap30m));
    cvd30.update(point(v.cvd30m));
    cvd4h.update(point(v.cvd4h));
    cvd24.update(point(v.cvd24h));
    atr.update(point(v.atr));
    snapshot.replaceChildren(snapshot.firstChild, kv([
      ['Time', time(v.timeMs)], ['Last price', price(v.lastPrice)], ['VWAP 30 m', price(v.vwap30m)], ['VWAP 4 h', price(v.vwap4h)],
      ['VWAP 24 h', price(v.vwap24h)], ['CVD 30 m', qty(v.cvd30m)], ['CVD 4 h', qty(v.cvd4h)], ['CVD 24 h', qty(v.cvd24h)],
      ['ATR', price(v.atr)], ['ATR percentile', v.atrPercentile === null ? '–' : pct(v.atrPercentile / 100)], ['Trades (window)', fixed(v.trades, 0)],
      ['p99 trade size', qty(v.p99Qty)], ['Large buys', qty(v.largeBuyQty)], ['Large sells', qty(v.largeSellQty)],
    ], { 'data-testid': 'snapshot-values' }));
  };

  const bucket = (ms) => Math.floor(ms / 1000 / CANDLE_SECONDS) * CANDLE_SECONDS;
  const show = () => {
    markerList.sort((a, b) => a.time - b.time);
    markers.setMarkers(markerList);
    chartBox.dataset.markers = String(markerList.length);
    chartBox.dataset.tradeMarkers = String(tradeMarkers);
  };

  // The API and the stream write the direction as Long/Short (trades: long/short).
  const mark = (s) => {
    const long = String(s.direction).toLowerCase() === 'long';
    markerList.push({ time: bucket(s.timeMs), position: long ? 'belowBar' : 'aboveBar', color: long ? '#26a69a' : '#ef5350', shape: long ? 'arrowUp' : 'arrowDown', text: `${s.strategyId} ${fixed(s.score, 2)}` });
    show();
  };

  // A closed trade: its entry (a square on the entry side) and its exit (a circle with the exit reason and the result in R).
  const markTrade = (t) => {
    if (tradesMarked.has(t.signalId)) return;
    tradesMarked.add(t.signalId);
    const long = String(t.direction).toLowerCase() === 'long';
    const win = Number(t.pnlR) > 0;
    markerList.push(
      { time: bucket(t.entryTimeMs), position: long ? 'belowBar' : 'aboveBar', color: '#4da3ff', shape: 'square', text: `entry ${long ? 'long' : 'short'} ${price(t.entry)}` },
      { time: bucket(t.exitTimeMs), position: long ? 'aboveBar' : 'belowBar', color: win ? '#26a69a' : '#ef5350', shape: 'circle', text: `exit ${t.exitReason} ${r(t.pnlR)}` });
    tradeMarkers += 2;
    show();
  };

  // History: the node's recorded trades as 1-minute candles (GET /api/candles); the live ticks continue the last one.
  const history = await api(`/api/candles/${encodeURIComponent(symbol)}?interval=1m`);
  if (history.length) {
    candles.setData(history.map((c) => ({ time: c.timeMs / 1000, open: c.open, high: c.high, low: c.low, close: c.close })));
    const last = history[history.length - 1];
    bar = { time: last.timeMs / 1000, open: last.open, high: last.high, low: last.low, close: last.close };
    count = history.length;
    chartBox.dataset.candles = String(count);
  }
  chartBox.dataset.historyCandles = String(history.length);

  const first = await api('/api/indicators/' + encodeURIComponent(symbol));
  if (first.last) onSnapshot(first.last);
  const past = await api('/api/signals?limit=100&symbol=' + encodeURIComponent(symbol));
  past.items.forEach(mark);
  const trades = await api('/api/trades?limit=200&symbol=' + encodeURIComponent(symbol));
  trades.forEach(markTrade);

  openLive(['indicators', 'signals', 'trades'], symbol, (type, data) => {
    if (type === 'IndicatorSnapshot') onSnapshot(data.values);
    else if (type === 'SignalEmitted' && data.symbol === symbol) mark(data);
    else if (type === 'TradeClosed' && data.symbol === symbol) markTrade(data);
  });
}
