import { api } from '../session.js';
import { openLive } from '../live.js';
import { h, price, time, table, cell, numCell, fixed } from '../format.js';

const LIMIT = 200;

/** Long or Short as the API writes it, lower-cased for comparisons and classes. */
export const side = (d) => String(d || '').toLowerCase();

/** A signal's score breakdown: each component's points, weight, status and input, folded under its summary. */
export function breakdown(parts) {
  const list = Array.isArray(parts) ? parts : [];
  if (!list.length) return h('span', { class: 'muted' }, '–');
  const rows = list.map((p) => h('tr', {}, cell(p.name), numCell(fixed(p.points, 2, 'pt')), numCell(fixed(p.weight, 2)), cell(p.status), numCell(p.input === null || p.input === undefined ? '–' : fixed(p.input, 4))));
  const scored = list.filter((p) => Number(p.points) !== 0).length;
  return h('details', { class: 'breakdown' }, h('summary', {}, `${list.length} parts, ${scored} scoring`),
    table(['Component', 'Points ', 'Weight ', 'Status', 'Input '], rows));
}

/**
 * Signals with their score breakdown, filtered by strategy and symbol (the API's filters) and direction (in the page);
 * new signals arrive from the stream. The filters live in the query string so that a filtered view is a link.
 */
export async function signalsPage(main) {
  const query = new URLSearchParams(location.search);
  const [health, strategies] = await Promise.all([api('/api/health'), api('/api/strategies')]);
  const symbols = health.feeds.map((f) => f.symbol);
  const ids = [...new Set(strategies.map((s) => s.id))].sort();
  const filter = { strategy: query.get('strategy') || '', symbol: query.get('symbol') || '', direction: side(query.get('direction')) };

  const select = (id, label, all, values, current) => h('select', { id, 'aria-label': label },
    h('option', { value: '' }, all), values.map((v) => h('option', { value: v, selected: v === current }, v)));
  const strategyPick = select('filter-strategy', 'Strategy', 'all strategies', ids, filter.strategy);
  const symbolPick = select('filter-symbol', 'Symbol', 'all symbols', symbols, filter.symbol);
  const directionPick = select('filter-direction', 'Direction', 'both directions', ['long', 'short'], filter.direction);
  const count = h('span', { class: 'muted', 'data-testid': 'signals-count' });
  const list = h('section', { class: 'card', 'data-testid': 'signals' }, h('h2', {}, 'Signals (newest first)'));
  main.replaceChildren(h('h1', {}, 'Signals'),
    h('form', { class: 'controls', role: 'search', 'aria-label': 'Filter signals' }, strategyPick, symbolPick, directionPick, count),
    list);

  const matches = (s) => (!filter.strategy || s.strategyId === filter.strategy) && (!filter.symbol || s.symbol === filter.symbol)
    && (!filter.direction || side(s.direction) === filter.direction);
  const rows = [];
  const row = (s, live) => h('tr', { 'data-signal': s.signalId, 'data-live': live ? 'true' : undefined },
    cell(time(s.timeMs)), cell(s.strategyId), cell(s.symbol), cell(side(s.direction), side(s.direction) === 'long' ? 'up' : 'down'),
    numCell(fixed(s.score, 2, 'pt')), cell(breakdown(s.breakdown)), numCell(price(s.entry)), numCell(price(s.stopLoss)),
    numCell(price(s.takeProfit1)), numCell(price(s.takeProfit2)), numCell(price(s.atr)), numCell(fixed(s.threshold, 2, 'pt')));
  const render = () => {
    list.replaceChildren(list.firstChild, table(['Time', 'Strategy', 'Symbol', 'Side', 'Score ', 'Breakdown', 'Entry ', 'Stop ', 'TP1 ', 'TP2 ', 'ATR ', 'Threshold '],
      rows.slice(0, LIMIT), { 'data-testid': 'signals-table' }));
    count.textContent = `${fixed(Math.min(rows.length, LIMIT), 0)} shown`;
  };

  async function load() {
    const q = new URLSearchParams({ limit: String(LIMIT) });
    if (filter.strategy) q.set('strategy', filter.strategy);
    if (filter.symbol) q.set('symbol', filter.symbol);
    const page = await api('/api/signals?' + q);
    rows.length = 0;
    rows.push(...page.items.filter(matches).map((s) => row(s, false)));
    render();
  }

  const onChange = async () => {
    filter.strategy = strategyPick.value;
    filter.symbol = symbolPick.value;
    filter.direction = directionPick.value;
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v));
    history.replaceState(null, '', location.pathname + (q.size ? '?' + q : ''));
    await load();
  };
  for (const s of [strategyPick, symbolPick, directionPick]) s.addEventListener('change', onChange);

  await load();
  openLive(['signals'], null, (type, data) => {
    if (type !== 'SignalEmitted' || !matches(data)) return;
    rows.unshift(row(data, true));
    render();
  });
}
