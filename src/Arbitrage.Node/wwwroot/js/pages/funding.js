import { api, ApiError } from '../session.js';
import { h, time, table, cell, numCell, fixed, usd, signClass, kv, price } from '../format.js';

// A rate as a fraction (0.0001) shown in percent with enough digits for funding.
const rate = (v) => fixed(Number(v) * 100, 4, '%');
const annual = (v) => fixed(Number(v) * 100, 2, '% a year');

/**
 * Funding: current rates of every symbol, one symbol's settled-rate history on a chart, its 7-day, annualised and YTD
 * statistics, and the carry position with its PnL parts when a carry is configured. Read on open (funding has no stream).
 */
export async function fundingPage(main) {
  const [rates, health] = await Promise.all([api('/api/rates'), api('/api/health')]);
  const symbols = [...new Set([...rates.map((x) => x.symbol), ...health.feeds.map((f) => f.symbol)])].sort();
  const wanted = new URLSearchParams(location.search).get('s');
  const symbol = symbols.includes(wanted) ? wanted : (rates[0]?.symbol ?? symbols[0]);

  const current = h('section', { class: 'card', 'data-testid': 'rates' }, h('h2', {}, 'Current rates'));
  const stats = h('section', { class: 'card', 'data-testid': 'funding-stats' }, h('h2', {}, 'Statistics'));
  const carry = h('section', { class: 'card', 'data-testid': 'carry' }, h('h2', {}, 'Carry'));
  const chartBox = h('div', { class: 'chart small', 'data-testid': 'funding-chart', 'data-points': '0', role: 'img', 'aria-label': `${symbol} funding rate history` });
  const picker = h('select', { id: 'funding-symbol', 'aria-label': 'Symbol' }, symbols.map((s) => h('option', { value: s, selected: s === symbol }, s)));
  picker.addEventListener('change', () => location.assign('/funding?s=' + encodeURIComponent(picker.value)));
  main.replaceChildren(h('h1', {}, 'Funding ', picker), current,
    h('section', { class: 'card' }, h('h2', {}, 'Settled funding rate history (%)'), chartBox,
      h('p', { class: 'attribution' }, 'Charting by ', h('a', { href: 'https://www.tradingview.com/', rel: 'noopener' }, 'TradingView'))),
    h('div', { class: 'grid' }, stats, carry));

  current.append(table(['Symbol', 'Mark ', 'Index ', 'Basis ', 'Predicted rate ', 'Annualised ', 'Interval ', 'Next funding', 'Updated'],
    rates.map((x) => h('tr', { 'data-symbol': x.symbol }, cell(h('a', { href: '/funding?s=' + encodeURIComponent(x.symbol) }, x.symbol)),
      numCell(price(x.markPrice)), numCell(price(x.indexPrice)), numCell(rate(x.basis), signClass(x.basis)), numCell(rate(x.predictedRate), signClass(x.predictedRate)),
      numCell(x.annualisedPredicted === null ? '–' : annual(x.annualisedPredicted)), numCell(x.intervalHours ? fixed(x.intervalHours, 0, 'h') : '–'),
      cell(time(x.nextFundingTimeMs)), cell(time(x.eventTimeMs)))), { 'data-testid': 'rates-table' }));

  if (!symbol) {
    stats.append(h('p', { class: 'muted' }, 'No symbol has funding data yet.'));
    return;
  }

  // The history first: statistics exist only for a symbol with settlements (the API answers 404 otherwise).
  const hist = await api('/api/history?limit=5000&symbol=' + encodeURIComponent(symbol));
  const LW = window.LightweightCharts;
  const chart = LW.createChart(chartBox, {
    autoSize: true,
    layout: { background: { color: '#171e26' }, textColor: '#d9e1e8', attributionLogo: false },
    grid: { vertLines: { color: '#222b35' }, horzLines: { color: '#222b35' } },
    timeScale: { timeVisible: true, secondsVisible: false },
    localization: { priceFormatter: (p) => p.toFixed(4) + ' %' },
  });
  const settled = chart.addSeries(LW.HistogramSeries, { color: '#4da3ff', priceLineVisible: false, title: `${symbol} settled` });
  const points = hist.map((x) => ({ time: Math.floor(x.timeMs / 1000), value: Number(x.rate) * 100, color: Number(x.rate) >= 0 ? '#26a69a' : '#ef5350' }))
    .sort((a, b) => a.time - b.time).filter((p, i, all) => i === 0 || p.time !== all[i - 1].time);
  settled.setData(points);
  chart.timeScale().fitContent();
  chartBox.dataset.points = String(points.length);

  if (hist.length) {
    const [s, ytd] = await Promise.all([api('/api/stats?symbol=' + encodeURIComponent(symbol)), api('/api/stats/ytd?symbol=' + encodeURIComponent(symbol))]);
    const st = s.stats;
    stats.append(kv([
      ['Symbol', s.symbol],
      ['Interval', st.intervalHours ? `${fixed(st.intervalHours, 0, 'h')} (${s.intervalSource || 'unknown source'})` : '–'],
      ['Last settled', st.last ? `${rate(st.last.rate)} at ` : '–', { 'data-testid': 'last-settled' }],
      ['7-day mean', st.mean7d === null ? '–' : `${rate(st.mean7d)} per settlement (${fixed(st.count7d, 0)} settlements)`],
      ['7-day annualised', st.annualised7d === null ? '–' : annual(st.annualised7d), { class: signClass(st.annualised7d), 'data-testid': 'annualised-7d' }],
      [`YTD ${ytd.year} mean`, ytd.ytdMean === null ? '–' : `${rate(ytd.ytdMean)} per settlement (${fixed(ytd.ytdCount, 0)} settlements)`],
      [`YTD ${ytd.year} annualised`, ytd.ytdAnnualised === null ? '–' : annual(ytd.ytdAnnualised), { class: signClass(ytd.ytdAnnualised), 'data-testid': 'annualised-ytd' }],
      ['As of', time(s.nowMs)],
    ], { 'data-testid': 'stats-values' }));
    if (st.last) stats.querySelector('[data-testid=last-settled]').append(time(st.last.timeMs));
  } else {
    stats.append(h('p', { class: 'muted', 'data-testid': 'no-history' }, `No settled funding recorded for ${symbol} yet: the statistics start with the first settlement.`));
  }

  // A carry trades on the mark and funding stream: without rates for the symbol there is none to show.
  if (!rates.some((x) => x.symbol === symbol)) {
    carry.append(h('p', { class: 'muted', 'data-testid': 'no-carry' }, `No carry for ${symbol}: the node has no funding rates for it.`));
    return;
  }
  let c;
  try {
    c = await api('/api/carry/' + encodeURIComponent(symbol));
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    carry.append(h('p', { class: 'muted', 'data-testid': 'no-carry' }, e.message));
    return;
  }
  const parts = (m) => kv([
    ['Spot leg', usd(m.spotPnlUsd), { class: signClass(m.spotPnlUsd) }], ['Perp leg', usd(m.perpPnlUsd), { class: signClass(m.perpPnlUsd) }],
    ['Basis', usd(m.basisPnlUsd), { class: signClass(m.basisPnlUsd) }], ['Funding received', usd(m.fundingUsd), { class: signClass(m.fundingUsd) }],
    ['Fees', usd(m.feesUsd)], ['Net', usd(m.netUsd), { class: signClass(m.netUsd), 'data-testid': 'carry-net' }],
    ['Basis now / at entry', `${rate(m.basis)} / ${rate(m.entryBasis)}`],
  ]);
  carry.append(kv([
    ['Position', c.open ? `open since ` : 'none', { 'data-testid': 'carry-open' }],
    ['Notional', c.open ? usd(c.open.notionalUsd) : '–'],
    ['Predicted', c.predictedAnnualised === null ? '–' : annual(c.predictedAnnualised)],
    ['Auto-paused', c.autoPaused ? 'yes' : 'no', { class: c.autoPaused ? 'warn' : '' }],
  ]), ...(c.mark ? [h('h3', {}, 'Open position PnL'), parts(c.mark)] : []), h('h3', {}, 'Closed carries'),
  table(['Opened', 'Closed', 'Notional ', 'Funding ', 'Basis ', 'Fees ', 'Net ', 'Settlements ', 'Exit reason'], c.closed.map((x) => h('tr', {},
    cell(time(x.openedMs)), cell(time(x.closedMs)), numCell(usd(x.notionalUsd)), numCell(usd(x.fundingUsd), signClass(x.fundingUsd)), numCell(usd(x.basisPnlUsd), signClass(x.basisPnlUsd)),
    numCell(usd(x.feesUsd)), numCell(usd(x.netUsd), signClass(x.netUsd)), numCell(fixed(x.settlements, 0)), cell(x.exitReason))), { 'data-testid': 'carry-closed' }));
  if (c.open && c.openResult) carry.querySelector('[data-testid=carry-open]').append(time(c.openResult.openedMs));
}
